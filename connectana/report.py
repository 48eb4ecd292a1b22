"""The instructor's report: one self-contained HTML file, in plain words.

:func:`write_report` takes Events (and optionally a roster), computes what an
instructor asks — is a network forming, who is isolated, is everything going
through me? — and writes ``report.html`` (figures embedded as PNG, no external
resources: it opens without internet) plus ``engagement.csv`` (every student and
period) and ``isolated.csv`` (every isolated learner; the page lists the first
:data:`ISOLATED_ROWS`). People appear
under short keyed pseudonyms (``S-7F3A``) unless ``names=True``. The same
inputs, options and key give a byte-identical report.
"""

from __future__ import annotations

import base64
import html
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .events import IngestReport
from .network import Network, build_network
from .ties import DEFAULT_MAX_TIES

__all__ = ["write_report", "TIE_WORDS"]

#: Plain-language description of each tie definition, for the method section.
TIE_WORDS = {
    "reply": "a tie goes from the author of an answer to the author of the post it answers",
    "star": "a tie goes from every contributor in a thread to the person who started it",
    "reply+star": "both: a tie to the author answered and a tie to the thread starter",
    "limited_copresence": "a tie goes from each contributor to the authors of the k previous "
    "contributions in the thread",
    "copresence": "two people are tied when they contributed to the same thread (undirected)",
    "mention": "a tie goes from a person to each person they mention",
}

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:980px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.5}
h1{font-size:1.7em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd}
.lead{font-size:1.1em}.label{display:inline-block;padding:.15em .6em;border-radius:1em;
background:#1f77b4;color:#fff;font-weight:600}
table{border-collapse:collapse;margin:.8em 0;font-size:.92em;display:block;overflow-x:auto}td,th{border:1px solid #ddd;
padding:.25em .6em;text-align:right}th{background:#f5f5f5}td.t,th:first-child{text-align:left}
figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:.9em;color:#555}
.note{color:#555;font-size:.9em}.met{color:#2ca02c}.unmet{color:#999}code{background:#f5f5f5;padding:0 .2em}
"""


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight", metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(fig, caption: str, alt: str) -> str:
    return (
        f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{_png(fig)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _table(df: pd.DataFrame, *, index: bool = True, floats: str = "{:.3g}") -> str:
    def cell(v: Any) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return "<td>–</td>"
        if isinstance(v, (float, np.floating)):
            return f"<td>{floats.format(v)}</td>"
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            return f"<td>{v}</td>"
        return f"<td class='t'>{html.escape(str(v))}</td>"

    head = ([df.index.name or ""] if index else []) + [str(c) for c in df.columns]
    rows = []
    for idx, row in df.iterrows():
        cells = ([cell(idx)] if index else []) + [cell(v) for v in row.to_numpy()]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        "<table><tr>"
        + "".join(f"<th>{html.escape(h)}</th>" for h in head)
        + "</tr>"
        + "".join(rows)
        + "</table>"
    )


def _pct(x: float) -> str:
    return "–" if x is None or pd.isna(x) else f"{100 * x:.0f}%"


def write_report(
    events: pd.DataFrame,
    out: str | os.PathLike,
    *,
    people: pd.DataFrame | None = None,
    ties: str = "reply",
    title: str = "Learning network report",
    names: bool = False,
    key: bytes | str | None = None,
    key_file: str | os.PathLike | None = None,
    freq: str = "W",
    start: Any = None,
    seed: int = 0,
    suppress_k: int | None = None,
    exclude: Sequence[Any] | None = None,
    max_ties: int | None = DEFAULT_MAX_TIES,
) -> Path:
    """Write the instructor report for a course; returns the path of ``report.html``.

    Parameters
    ----------
    events : DataFrame
        Events of the course (one platform, or several joined with
        :func:`connectana.concat_events`).
    out : path
        Folder to write ``report.html``, ``engagement.csv`` and ``isolated.csv``
        into (created).
    people : DataFrame, optional
        The roster (:func:`connectana.read_people`): roles, groups, and the
        members who never took part.
    ties : str
        Tie definition (:mod:`connectana.ties`); the method section states it.
    names : bool
        Show names instead of pseudonyms (ask for it only where allowed).
    key, key_file : optional
        Pseudonymisation key; default the local key file
        (:func:`connectana.privacy.default_key_file`).
    freq, start : optional
        Periods of the growth and engagement sections: calendar periods of
        ``freq`` or, with ``start``, course weeks from that date.
    seed : int
        Seed of community detection.
    suppress_k : int, optional
        Small-cell suppression of the engagement counts (values 1..k-1 hidden).
    exclude : sequence, optional
        People who opted out: removed before anything is computed; their
        number is printed.
    max_ties : int or None
        ``copresence``: more interactions than this is a
        :class:`~connectana.errors.TieLimitError` (before anything is built).

    Returns
    -------
    Path
    """
    from .metrics.community import communities
    from .metrics.engagement import engagement
    from .metrics.growth import growth
    from .metrics.roles import isolated_learners, network_pattern, staff_dependence
    from .plotting import (
        _plt,
        network_layout,
        plot_engagement_heatmap,
        plot_growth,
        plot_staff_removal,
        sociogram,
    )
    from .privacy import (
        default_key_file,
        exclude_people,
        load_or_create_key,
        pseudonym_map,
        write_csv,
    )

    _plt()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ingest: IngestReport | None = events.attrs.get("ingest")
    n_excluded = 0
    if exclude:
        excluded = {str(x) for x in exclude}
        n_excluded = len(excluded)
        events = exclude_people(events, excluded)
        if people is not None:
            people = people[~people.index.astype(str).isin(excluded)]

    net = build_network(events, ties, people=people, max_ties=max_ties)
    net.meta["people_excluded"] = n_excluded
    if names:
        label = _name_labels(net)
    else:
        k = load_or_create_key(key_file or default_key_file()) if key is None else key
        label = pseudonym_map(list(net.nodes.index.astype(str)), key=k, prefix="S-", length=4)

    pattern = network_pattern(net)
    isolated = isolated_learners(net, events)
    staff = staff_dependence(net)
    membership = communities(net, seed=seed)
    # only what the report shows: per-period communities (modularity) would cost minutes
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
    eng = engagement(
        events,
        ties=ties,
        people=people,
        freq=freq,
        start=start,
        suppress_k=suppress_k,
        names=True,
        max_ties=max_ties,
    )
    # Totals over the whole course: the same indicators over one period spanning it
    # (distinct peers cannot be summed over periods).
    t0 = events["timestamp"].min().floor("D")
    span = f"{(events['timestamp'].max() - t0).days + 1}D"
    totals = engagement(
        events,
        ties=ties,
        people=people,
        freq=span,
        start=t0,
        suppress_k=suppress_k,
        names=True,
        max_ties=max_ties,
    )
    active = (eng["posts"].fillna(0) > 0).groupby(eng["person"].astype(str)).sum()
    totals["active_periods"] = totals["person"].astype(str).map(active).fillna(0).astype(int)
    eng, totals = (_relabel(t, label) for t in (eng, totals))
    write_csv(eng, out / "engagement.csv")

    parts: list[str] = []
    parts.append(f"<h1>{html.escape(title)}</h1>")
    parts.append(_overview(net, pattern, isolated, staff, grow, n_excluded))
    parts.append(_pattern_section(pattern))
    isolated_table = _isolated_table(isolated, label)
    write_csv(isolated_table, out / "isolated.csv")
    parts.append(_isolated_section(isolated_table))
    parts.append(_growth_section(grow, plot_growth))
    pos = network_layout(net, seed=seed)  # one layout for both drawings
    parts.append(_staff_section(net, staff, plot_staff_removal, pos))
    parts.append(_community_section(net, membership, label, sociogram, pos))
    parts.append(_engagement_section(eng, totals, plot_engagement_heatmap, suppress_k))
    parts.append(_method_section(net, ties, ingest, freq, start, seed, names, suppress_k))
    doc = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )
    path = out / "report.html"
    path.write_text(doc, encoding="utf-8")
    return path


def _relabel(table: pd.DataFrame, label: dict[str, str]) -> pd.DataFrame:
    """Person ids replaced by their labels; display names dropped."""
    ids = table["person"].astype(str)
    table = table.assign(person=ids.map(label).fillna(ids))
    return table.drop(columns=[c for c in ("display_name",) if c in table.columns])


def _name_labels(net: Network) -> dict[str, str]:
    names = net.nodes["display_name"] if "display_name" in net.nodes.columns else None
    out = {}
    for node in net.nodes.index.astype(str):
        v = None if names is None else names.get(node)
        out[node] = str(v) if v is not None and not pd.isna(v) else node
    return out


def _overview(net, pattern, isolated, staff, grow, n_excluded) -> str:
    people = net.nodes[net.nodes["kind"] == "person"]
    active = int((people["n_events"] > 0).sum())
    roster = int(people["in_roster"].sum()) if "in_roster" in people.columns else None
    no_ties = int((isolated["reason"] == "no ties").sum()) if len(isolated) else 0
    unanswered = int((isolated["reason"] == "never answered").sum()) if len(isolated) else 0
    share_staff = staff.shares.get("interactions_involving", np.nan)
    lines = [
        f"<p class='lead'><b>{active}</b> people took part"
        + (f" (of <b>{roster}</b> on the roster)" if roster is not None else "")
        + f". Between them, <b>{net.n_interactions}</b> interactions formed "
        f"<b>{net.n_ties}</b> distinct ties.</p>",
        f"<p>The network looks <span class='label'>{html.escape(str(pattern['label']))}</span>. "
        f"Staff (instructors and TAs) take part in <b>{_pct(share_staff)}</b> of the interactions; "
        "the largest connected group holds "
        f"<b>{_pct(pattern.get('largest_component_share'))}</b> of the people who posted.</p>",
        f"<p><b>{no_ties}</b> learners have no ties at all and <b>{unanswered}</b> posted but were "
        "never answered (see <a href='#isolated'>who</a>).</p>",
    ]
    if len(grow) > 1:
        first, last = grow.iloc[0], grow.iloc[-1]
        lines.append(
            f"<p>Over {len(grow)} periods the number of people with at least one tie grew from "
            f"{int(first['connected'])} to {int(last['connected'])}, and the ties from "
            f"{int(first['ties'])} to {int(last['ties'])}.</p>"
        )
    if n_excluded:
        lines.append(f"<p class='note'>{n_excluded} people opted out and are not included.</p>")
    return "<section>" + "".join(lines) + "</section>"


def _pattern_section(pattern: pd.Series) -> str:
    rows = []
    for name in [k for k in pattern.index if f"{k}_threshold" in pattern.index]:
        met = bool(pattern.get(f"{name}_met"))
        rows.append(
            {
                "criterion": name.replace("_", " "),
                "value": pattern[name],
                "threshold": pattern[f"{name}_threshold"],
                "met": "yes" if met else "no",
            }
        )
    rule = pattern.attrs.get("rule", "")
    return (
        "<h2>What kind of network is this?</h2>"
        f"<p>Label: <span class='label'>{html.escape(str(pattern['label']))}</span>. "
        "The label follows the patterns instructors know from SNAPP. It is computed from the "
        "measures below; the thresholds are shown so the label can be argued with.</p>"
        + _table(pd.DataFrame(rows), index=False)
        + (f"<p class='note'>{html.escape(rule)}</p>" if rule else "")
    )


#: Rows of the isolated-learner table shown in the report (all are in ``isolated.csv``).
ISOLATED_ROWS = 100


def _isolated_table(isolated: pd.DataFrame, label: dict[str, str]) -> pd.DataFrame:
    t = isolated.copy()
    t["person"] = t["person"].astype(str).map(label)
    return t[["person", "role", "reason", "posts"]]


def _isolated_section(table: pd.DataFrame) -> str:
    text = "<h2 id='isolated'>Who is isolated?</h2>"
    if not len(table):
        return text + "<p>Nobody: every learner has at least one tie and was answered.</p>"
    more = (
        f" The first {ISOLATED_ROWS} of {len(table)} are shown; all of them are in "
        "<code>isolated.csv</code>."
        if len(table) > ISOLATED_ROWS
        else " They are also in <code>isolated.csv</code>."
    )
    return (
        text
        + "<p>Learners with no tie to anyone (they may have read but never posted or were never "
        f"answered), and learners who posted but never received an answer.{more}</p>"
        + _table(table.head(ISOLATED_ROWS), index=False)
    )


def _growth_section(grow: pd.DataFrame, plot_growth) -> str:
    cols = ["active", "newcomers", "connected", "ties", "density", "reciprocity"]
    axes = plot_growth(grow, cols)
    fig = axes[0].figure
    table_cols = ["active", "newcomers", "connected", "ties", "density", "reciprocity"]
    return (
        "<h2>How did the network grow?</h2>"
        "<p>Each point is the network as it stood at the end of a period (everything up to "
        "then): <i>active</i> people posted in the period, <i>newcomers</i> posted for the first "
        "time, <i>connected</i> people had at least one tie by then.</p>"
        + _figure(fig, "Growth of the network, period by period.", "growth small multiples")
        + _table(grow[table_cols].rename_axis("period"))
    )


def _staff_section(net: Network, staff, plot_staff_removal, pos: np.ndarray) -> str:
    students = net.nodes.index[
        ~net.nodes["role"].isin(["instructor", "ta"]).fillna(False).to_numpy()
    ]
    axes = plot_staff_removal(net, net.subgraph(students), labels=None, layout=pos)
    fig = axes[0].figure
    shares = staff.shares.to_frame("share")
    return (
        "<h2>Is everything going through the staff?</h2>"
        "<p>Shares of the ties and interactions that instructors and TAs send and receive, and "
        "what the network looks like when they are taken out: if it falls apart, learners "
        "mostly talk to staff, not to each other.</p>"
        + _table(shares)
        + _table(staff.comparison)
        + _figure(fig, "The network with and without staff (same positions).", "staff removal")
    )


def _community_section(net: Network, membership: pd.Series, label, sociogram, pos) -> str:
    sizes = membership.value_counts()
    big = int((sizes > 1).sum())
    ax = sociogram(
        net, color="community", membership=membership, labels=label, top_labels=8, layout=pos
    )
    return (
        "<h2>Which groups formed?</h2>"
        f"<p>{big} groups of two or more people (communities found by the Leiden method, "
        f"modularity {membership.attrs.get('modularity', float('nan')):.2f}; seed "
        f"{membership.attrs.get('seed')}). Colours show the groups, shapes the roles, size the "
        "number of ties; the labels name the most connected people.</p>"
        + _figure(ax.figure, "The network, coloured by community.", "sociogram")
    )


def _engagement_section(eng: pd.DataFrame, totals: pd.DataFrame, plot_heatmap, suppress_k) -> str:
    cols = [
        c
        for c in (
            "posts",
            "replies_given",
            "replies_received",
            "peers_replied_to",
            "peers_heard_from",
            "reciprocated_ties",
            "active_periods",
        )
        if c in totals.columns
    ]
    total = totals.set_index("person")[cols]
    total = total.sort_values(["posts", "replies_given"], ascending=False, kind="stable")
    ax = plot_heatmap(eng, "replies_given", pseudonymized=True, max_people=40)
    note = (
        f" Counts between 1 and {suppress_k - 1} are hidden (small-cell suppression)."
        if suppress_k
        else ""
    )
    return (
        "<h2>Peer engagement, per student</h2>"
        "<p>Totals over the whole course, for the 40 most active students (every student and "
        "every period is in <code>engagement.csv</code>; the definition and caveat of each "
        f"indicator are in the method section).{note}</p>"
        + _figure(ax.figure, "Replies given, per student and period.", "engagement heatmap")
        + _table(total.head(40))
    )


def _method_section(net, ties, ingest, freq, start, seed, names, suppress_k) -> str:
    from .metrics.engagement import engagement_caveats

    meta = net.meta
    rows = {
        "tie definition": f"{ties}: {TIE_WORDS.get(ties, '')}",
        "direction": "directed" if net.directed else "undirected",
        "weights": "number of interactions between two people",
        "self-ties": f"{meta.get('self_loops', 0)} answers to oneself, not counted",
        "answers without a known target": str(meta.get("unresolved_replies", 0)),
        "periods": f"course weeks from {pd.Timestamp(start).date()}"
        if start is not None
        else f"calendar periods of '{freq}'",
        "communities": f"Leiden, modularity objective, seed {seed}",
        "identities": "names (asked for)"
        if names
        else "keyed pseudonyms (HMAC-SHA256 with a local key)",
        "small-cell suppression": f"k = {suppress_k}" if suppress_k else "none",
        "people opted out": str(meta.get("people_excluded", 0)),
        "connectana version": __version__,
    }
    ingest_text = ""
    if ingest is not None:
        ingest_text = "<h3>Data read</h3><pre>" + html.escape(str(_safe_ingest(ingest))) + "</pre>"
    caveats = engagement_caveats()
    return (
        "<h2>Method</h2>"
        + _table(pd.DataFrame({"setting": list(rows), "value": list(rows.values())}), index=False)
        + ingest_text
        + "<h3>Engagement indicators</h3>"
        + _table(caveats.reset_index().rename(columns={"index": "indicator"}), index=False)
    )


def _safe_ingest(report: IngestReport) -> str:
    """The ingest report without record-level details (which may hold identities)."""
    lines = str(report).splitlines()
    if report.source:
        # the file's name, not the local path to it
        names = ", ".join(Path(p).name for p in str(report.source).split(", "))
        lines[0] = lines[0].replace(str(report.source), names)
    return "\n".join(lines)
