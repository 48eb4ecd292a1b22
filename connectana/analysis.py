"""One analysis of a course, computed once and rendered many times.

:func:`analyze` takes Events (and optionally a roster and opt-outs), builds the
network **once** and computes everything the instructor report, the command
line's files and the exports show: the whole-network summary, the pattern
label, the staff share, the isolated learners, communities, growth period by
period, peer engagement and the node measures. The result, an
:class:`Analysis`, is a plain immutable record of pandas objects; the renderers
(:func:`connectana.report.write_report`, the ``connectana`` command) read it and
compute nothing themselves, so a number shown in two places is the same
number.

Opt-outs are applied once, here: the events of people who opted out (and every
event addressed to them) are removed before anything is computed, and their
number is kept in :attr:`Analysis.people_excluded`.
"""

from __future__ import annotations

import dataclasses
import html
import warnings
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError
from .events import ACTOR, TIMESTAMP
from .network import Network, build_network
from .ties import DEFAULT_MAX_TIES

__all__ = [
    "Analysis",
    "analyze",
    "STAFF_SHARE",
    "STAFF_SHARE_WORDS",
    "NODE_MEASURES",
    "EVIDENCE_BOOT",
    "INTERVAL_EVENTS",
]

#: The one staff share the report and the command line quote, by its measure name.
STAFF_SHARE = "staff_interaction_share"
#: What :data:`STAFF_SHARE` is, in words (said wherever the number is shown).
STAFF_SHARE_WORDS = "share of all interactions with an instructor or a TA at either end"
#: Node measures written next to the nodes table (names of :func:`connectana.centrality`).
NODE_MEASURES = {True: ["in_ties", "out_ties", "in_degree", "out_degree"], False: ["ties"]}
#: Bootstrap replicates of the per-student intervals (:func:`connectana.evidence_sheet`).
EVIDENCE_BOOT = 200
#: ``intervals=None`` computes the per-student intervals for logs of at most this many events
#: (the bootstrap grows with threads × weeks × students; a MOOC-sized report stays fast).
INTERVAL_EVENTS = 50_000


@dataclasses.dataclass(frozen=True)
class Analysis:
    """Everything the report and the command line show about one course.

    Build it with :func:`analyze`; every attribute is computed once, there.

    Attributes
    ----------
    events : DataFrame
        The Events analysed (after opt-outs).
    people : DataFrame or None
        The roster (after opt-outs).
    network : Network
        The network of ``ties`` over every event (built once).
    options : dict
        ``ties``, ``freq``, ``start``, ``seed``, ``suppress_k``.
    summary : Series
        :func:`connectana.summary` of :attr:`network`.
    pattern : Series
        :func:`connectana.network_pattern` of :attr:`network`.
    staff : StaffDependence
        :func:`connectana.staff_dependence` of :attr:`network`.
    isolated : DataFrame
        :func:`connectana.isolated_learners` (``person, role, reason, posts``).
    communities : Series
        Community of every node (Leiden, ``seed``).
    growth : DataFrame
        :func:`connectana.growth` by period (cumulative), plus ``connected``
        (people with at least one tie by the end of the period).
    engagement : DataFrame
        :func:`connectana.engagement` per student and period (real ids).
    engagement_totals : DataFrame
        The same indicators over one period spanning the course, plus
        ``active_periods`` (periods in which the student posted).
    node_measures : DataFrame
        :data:`NODE_MEASURES` of :func:`connectana.centrality`, by node.
    first_seen : Series
        Time of each person's first event (actor), by person id.
    people_excluded : int
        Number of people who opted out.
    ingest : IngestReport or None
        The ingest report of the events, when they carry one.
    resources : ResourceDiffusion or None
        :func:`connectana.resource_diffusion` (bridges across :attr:`communities`)
        when the events were read with ``extract=`` (a ``resources`` column).
    evidence : DataFrame or None
        :func:`connectana.evidence_sheet` (real ids, ``n_boot`` =
        :data:`EVIDENCE_BOOT`, ``seed``, no rank stability): each student's
        indicators with their 95 % intervals and caveats; None when the
        intervals were not computed (``intervals=False``, or a log over
        :data:`INTERVAL_EVENTS` events).
    completeness : tuple of str
        What the log cannot support
        (:func:`connectana.metrics.threads.data_completeness` messages).
    """

    events: pd.DataFrame
    people: pd.DataFrame | None
    network: Network
    options: dict
    summary: pd.Series
    pattern: pd.Series
    staff: Any
    isolated: pd.DataFrame
    communities: pd.Series
    growth: pd.DataFrame
    engagement: pd.DataFrame
    engagement_totals: pd.DataFrame
    node_measures: pd.DataFrame
    first_seen: pd.Series
    people_excluded: int = 0
    ingest: Any = None
    resources: Any = None
    evidence: pd.DataFrame | None = None
    completeness: tuple[str, ...] = ()

    # -- derived numbers, named once ---------------------------------------------------------
    @property
    def staff_share(self) -> float:
        """:data:`STAFF_SHARE` (the pattern's value; :data:`STAFF_SHARE_WORDS` says what it is).

        NaN when no staff is known (no roster roles): unknown, not zero.
        """
        return float(self.pattern[STAFF_SHARE])

    @property
    def isolated_ids(self) -> list[str]:
        """Learners with no tie at all (``reason == "no ties"``), in node order."""
        t = self.isolated
        return [str(x) for x in t.loc[t["reason"] == "no ties", "person"]]

    @property
    def headline(self) -> dict[str, int]:
        """The counts of the report's first lines.

        ``took_part`` (people who acted at least once), ``roster`` (members, or
        None), ``no_ties`` (learners with no tie at all), ``no_ties_posted``
        (of them, those who posted: nobody answered and they answered no one),
        ``answered_others_only`` (learners who answered others but were never
        answered), ``never_answered`` (learners who posted and were never
        answered: the sum of the last two).
        """
        nodes = self.network.nodes
        persons = nodes[nodes["kind"] == "person"] if "kind" in nodes.columns else nodes
        took_part = int((persons["n_events"].fillna(0) > 0).sum())
        roster = int(persons["in_roster"].sum()) if "in_roster" in persons.columns else None
        iso = self.isolated
        no_ties = iso["reason"] == "no ties"
        no_ties_posted = int((no_ties & (iso["posts"] > 0)).sum())
        others = int((iso["reason"] == "never answered").sum())
        return {
            "took_part": took_part,
            "roster": roster,
            "no_ties": int(no_ties.sum()),
            "no_ties_posted": no_ties_posted,
            "answered_others_only": others,
            "never_answered": no_ties_posted + others,
        }

    @cached_property
    def layout(self) -> np.ndarray:
        """Positions of the network's nodes, shared by every drawing (seeded)."""
        from .plotting import network_layout

        return network_layout(self.network, seed=self.options.get("seed", 0))

    def labels(self, *, names: bool = False, key: bytes | str | None = None) -> dict[str, str]:
        """How people are shown: ``{id: label}``, one style for every file.

        ``names=True``: display names (ids when unknown). Otherwise keyed
        pseudonyms of :func:`connectana.privacy.pseudonym_map` (``P-`` + 8 hex
        digits, the style of :func:`connectana.pseudonymize`), computed over
        the network's nodes so that every file written from this analysis
        shows the same pseudonym for the same person.
        """
        from .privacy import default_key_file, load_or_create_key, pseudonym_map

        ids = [str(x) for x in self.network.nodes.index]
        if names:
            shown = (
                self.network.nodes["display_name"]
                if "display_name" in self.network.nodes.columns
                else None
            )
            out = {}
            for node in ids:
                v = None if shown is None else shown.get(node)
                out[node] = str(v) if v is not None and not pd.isna(v) else node
            return out
        k = load_or_create_key(default_key_file()) if key is None else key
        return pseudonym_map(ids, key=k)

    def _repr_html_(self) -> str:
        h = self.headline
        rows = [
            ("tie definition", self.options["ties"]),
            ("people who took part", h["took_part"]),
            ("distinct ties", int(self.summary["ties"])),
            ("interactions", int(self.summary["interactions"])),
            ("pattern", self.pattern["label"]),
            (STAFF_SHARE, f"{self.staff_share:.3f}"),
            ("learners with no ties", h["no_ties"]),
            ("learners never answered", h["never_answered"]),
            ("periods", len(self.growth)),
        ]
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(str(a))}</th>"
            f"<td style='text-align:left'>{html.escape(str(b))}</td></tr>"
            for a, b in rows
        )
        return f"<b>Analysis</b><table>{body}</table>"

    def __repr__(self) -> str:
        h = self.headline
        return (
            f"Analysis(ties={self.options['ties']!r}, nodes={int(self.summary['nodes'])}, "
            f"ties={int(self.summary['ties'])}, pattern={self.pattern['label']!r}, "
            f"{STAFF_SHARE}={self.staff_share:.3f}, no_ties={h['no_ties']}, "
            f"never_answered={h['never_answered']}, periods={len(self.growth)})"
        )


def _exclude(events: pd.DataFrame, people: pd.DataFrame | None, exclude: Sequence[Any] | None):
    from .privacy import exclude_people

    if not exclude:
        return events, people, 0
    excluded = {str(x) for x in exclude}
    events = exclude_people(events, excluded)
    if people is not None:
        people = people[~people.index.astype(str).isin(excluded)]
    return events, people, len(excluded)


def analyze(
    events: pd.DataFrame,
    *,
    people: pd.DataFrame | None = None,
    ties: str = "reply",
    freq: str = "W",
    start: Any = None,
    seed: int = 0,
    suppress_k: int | None = None,
    exclude: Sequence[Any] | None = None,
    max_ties: int | None = DEFAULT_MAX_TIES,
    intervals: bool | None = None,
    progress: Any = None,
) -> Analysis:
    """Compute everything the report and the command line show, once.

    Parameters
    ----------
    events : DataFrame
        Events of the course.
    people : DataFrame, optional
        The roster: roles, groups, and the members who never took part.
    ties : str
        Tie definition (:mod:`connectana.ties`).
    freq, start : optional
        Periods of growth and engagement: calendar periods of ``freq`` or,
        with ``start``, course weeks from that date.
    seed : int
        Seed of community detection.
    suppress_k : int, optional
        Small-cell suppression of the engagement counts.
    exclude : sequence, optional
        People who opted out: removed before anything is computed.
    max_ties : int or None
        ``copresence``: more interactions than this is a
        :class:`~connectana.errors.TieLimitError` (before anything is built).
    intervals : bool, optional
        Compute :attr:`Analysis.evidence`, the per-student intervals of the
        report's table (:func:`connectana.evidence_sheet` with ``n_boot`` =
        :data:`EVIDENCE_BOOT`); default: for logs of at most
        :data:`INTERVAL_EVENTS` events.
    progress : callable, optional
        Called with the name of each stage as it starts (the command line
        shows it on a terminal).

    Returns
    -------
    Analysis

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "a", "c"],
    ...     "target": [None, "a", "b", None],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-09",
    ...                                  "2024-01-10"], utc=True)}))
    >>> roster = pd.DataFrame({"person": ["a", "b", "c", "d"],
    ...                        "role": ["instructor", "student", "student", "student"]})
    >>> a = ca.analyze(ev, people=ca.make_people(roster, person="person", role="role"))
    >>> a.headline["no_ties"], a.headline["never_answered"], int(a.summary["ties"])
    (2, 1, 2)
    """
    from .metrics.centrality import centrality
    from .metrics.community import communities
    from .metrics.engagement import engagement, engagement_inputs
    from .metrics.evidence import evidence_sheet
    from .metrics.growth import growth
    from .metrics.roles import isolated_learners, network_pattern, staff_dependence
    from .metrics.structure import summary

    def stage(name: str) -> None:
        if progress is not None:
            progress(name)

    ingest = events.attrs.get("ingest")
    events, people, n_excluded = _exclude(events, people, exclude)
    stage("building the network")
    net = build_network(events, ties, people=people, max_ties=max_ties)
    net = net.replace(meta={**net.meta, "people_excluded": n_excluded})
    stage("measuring the network")
    stats = summary(net, distances=False, triads=False)
    pattern = network_pattern(net)
    staff = staff_dependence(net)
    isolated = isolated_learners(net, events)
    measures = centrality(net, measures=NODE_MEASURES[net.directed])
    stage("finding communities")
    membership = communities(net, seed=seed)
    diffusion = None
    if "resources" in events.columns:  # read with extract=: links and hashtags
        from .metrics.resources import resource_diffusion

        stage("resources")
        diffusion = resource_diffusion(events, communities=membership)
    stage("growth, period by period")
    # only what the report shows: per-period communities would cost minutes on large courses
    grow = growth(
        events,
        ties,
        freq=freq,
        start=start,
        people=people,
        seed=seed,
        metrics=["density", "reciprocity", "isolates"],
        max_ties=max_ties,
    )
    grow["connected"] = grow["nodes"] - grow["isolates"]
    stage("peer engagement")
    # suppression comes after all counting (active_periods counts periods with posts)
    # the period-independent work (interactions, threads, latencies) done once for both tables
    inputs = engagement_inputs(events, ties=ties, people=people, max_ties=max_ties, network=net)
    eng = engagement(inputs, freq=freq, start=start, names=True)
    # Totals over the whole course: the same indicators over one period spanning it
    # (distinct peers cannot be summed over periods).
    if len(events):
        t0 = events[TIMESTAMP].min().floor("D")
        span = f"{(events[TIMESTAMP].max() - t0).days + 1}D"
    else:
        t0, span = start, freq
    totals = engagement(inputs, freq=span, start=t0, names=True)
    active = (eng["posts"].fillna(0) > 0).groupby(eng["person"].astype(str)).sum()
    totals["active_periods"] = totals["person"].astype(str).map(active).fillna(0).astype(int)
    if suppress_k:  # every count column of every person-level table (#15)
        eng, totals = (_suppress_counts(t, suppress_k) for t in (eng, totals))
        if "posts" in isolated.columns:
            isolated = isolated.assign(
                posts=_suppress_counts(isolated[["posts"]], suppress_k)["posts"]
            )
    completeness = tuple(inputs.completeness.messages())
    evidence = None
    if intervals is None:
        intervals = len(events) <= INTERVAL_EVENTS
    if intervals and len(events):
        stage("intervals of the per-student indicators")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # completeness: said once, above
                evidence = evidence_sheet(
                    events,
                    people=people,
                    ties=ties,
                    seed=seed,
                    n_boot=EVIDENCE_BOOT,
                    stability=False,
                    names=True,
                )
        except InputError as exc:  # a tie definition the log cannot support for grading
            completeness += (f"per-student intervals: not computed — {exc}",)
        if (
            evidence is not None and suppress_k
        ):  # the counts of the sheet are person-level counts too (#15)
            evidence = _suppress_counts(evidence, suppress_k)
    first_seen = events.groupby(events[ACTOR].astype(str))[TIMESTAMP].min()
    return Analysis(
        events=events,
        people=people,
        network=net,
        options={
            "ties": ties,
            "freq": freq,
            "start": start,
            "seed": seed,
            "suppress_k": suppress_k,
        },
        summary=stats,
        pattern=pattern,
        staff=staff,
        isolated=isolated,
        communities=membership,
        growth=grow,
        engagement=eng,
        engagement_totals=totals,
        node_measures=measures,
        resources=diffusion,
        first_seen=first_seen,
        people_excluded=n_excluded,
        ingest=ingest,
        evidence=evidence,
        completeness=completeness,
    )


def _suppress_counts(table: pd.DataFrame, k: int) -> pd.DataFrame:
    """Small-cell suppression of every count column of a per-person table."""
    from .metrics.engagement import COUNT_COLUMNS
    from .privacy import suppress_small_cells

    cols = [c for c in (*COUNT_COLUMNS, "active_periods", "posts") if c in table.columns]
    return suppress_small_cells(table, k=k, columns=list(dict.fromkeys(cols)))
