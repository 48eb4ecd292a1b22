"""The instructor's report: one self-contained HTML file, in plain words.

:func:`write_report` takes Events (and optionally a roster), computes what an
instructor asks — is a network forming, who is isolated, is everything going
through me? — and writes ``report.html`` (figures embedded as PNG, no external
resources: it opens without internet) plus ``engagement.csv`` (every student and
period) and ``isolated.csv`` (every isolated learner; the page lists the first
:data:`ISOLATED_ROWS`). People appear under the keyed pseudonyms of every other
file of the folder (``P-`` + 8 hex digits) unless ``names=True``. The same
inputs, options and key give a byte-identical report. The page's style sheet is
the package data file ``connectana/report.css``, embedded into the page.
"""

from __future__ import annotations

import base64
import html
import io
import os
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .analysis import STAFF_SHARE, STAFF_SHARE_WORDS, Analysis
from .errors import ParameterError
from .events import IngestReport
from .plotting import MAX_DRAWN_TIES, STRIP_DRAWN_TIES
from .ties import DEFAULT_MAX_TIES

__all__ = ["write_report", "render_report", "REPORT_FILES", "TIE_WORDS", "interval_words"]

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


def _css() -> str:
    """The report's style sheet (``connectana/report.css``, package data), embedded into
    every page so that it stays one self-contained file."""
    return files("connectana").joinpath("report.css").read_text(encoding="utf-8")


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


def _header(name: str) -> str:
    """A column name that may wrap after its underscores (names stay exact)."""
    return html.escape(name).replace("_", "_<wbr>")


def _is_text(values: Any) -> bool:
    """A column of words (left-aligned, header too) rather than of numbers."""
    return any(isinstance(v, str) for v in values)


def _table(
    df: pd.DataFrame,
    *,
    index: bool = True,
    floats: str = "{:.3g}",
    cls: str | None = None,
    markup: Sequence[str] = (),
) -> str:
    """An HTML table; cells of the ``markup`` columns are HTML already (built by this module
    from numbers, never from input text)."""

    def cell(v: Any) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return "<td>–</td>"
        if isinstance(v, (float, np.floating)):
            return f"<td>{floats.format(v)}</td>"
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            return f"<td>{v}</td>"
        return f"<td class='t'>{html.escape(str(v))}</td>"

    head = ([df.index.name or ""] if index else []) + [str(c) for c in df.columns]
    html_cols = [c in markup for c in df.columns]
    text = ([_is_text(df.index)] if index else []) + [
        not m and _is_text(df[c].to_numpy()) for c, m in zip(df.columns, html_cols, strict=True)
    ]
    rows = []
    for idx, row in df.iterrows():
        cells = ([cell(idx)] if index else []) + [
            f"<td>{v}</td>" if m else cell(v)
            for v, m in zip(row.to_numpy(), html_cols, strict=True)
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        (f"<table class='{cls}'><tr>" if cls else "<table><tr>")
        + "".join(
            f"<th class='t'>{_header(h)}</th>" if t else f"<th>{_header(h)}</th>"
            for h, t in zip(head, text, strict=True)
        )
        + "</tr>"
        + "".join(rows)
        + "</table>"
    )


def _pct(x: float) -> str:
    return "–" if x is None or pd.isna(x) else f"{100 * x:.0f}%"


#: The files :func:`write_report` writes into its folder, in this order.
REPORT_FILES = ("report.html", "engagement.csv", "isolated.csv")

#: What ``active_periods`` (a column the report adds to the engagement totals) is.
ACTIVE_PERIODS_WORDS = (
    "Periods (course weeks, or calendar periods) in which the student wrote at least one "
    "contribution (posts > 0).",
    "Counts contributions only, not views or reactions; compare with active_weeks, which "
    "counts any event in calendar weeks.",
)

#: What the ``caveats`` column of the per-student table (the evidence sheet's) is.
CAVEATS_WORDS = (
    "What to keep in mind when reading the student's numbers (ca.evidence_sheet): few "
    "contributions (wide intervals), joined late (judged on fewer weeks), none of their "
    "contributions answered, no recorded activity.",
    "Empty when nothing stands out; zeros for a student with no recorded activity mean "
    "absence from the log, not low engagement.",
)

#: Each staff share in words (rows of :attr:`StaffDependence.shares`).
STAFF_SHARE_ROWS = {
    "staff_tie_share_sent": "distinct ties sent by an instructor or TA, out of all distinct ties",
    "staff_tie_share_received": "distinct ties received by an instructor or TA, out of all distinct ties",
    "staff_tie_share": "distinct ties with an instructor or TA at either end, out of all "
    "distinct ties",
    "staff_interaction_share_sent": "interactions sent by an instructor or TA, out of all interactions",
    "staff_interaction_share_received": "interactions received by an instructor or TA, out of all "
    "interactions",
    "staff_interaction_share": "interactions with an instructor or TA at either end, out of all "
    "interactions (the number in the first lines)",
}


def write_report(
    data: pd.DataFrame | Analysis,
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
    intervals: bool | None = None,
) -> Path:
    """Write the instructor report for a course; returns the path of ``report.html``.

    Parameters
    ----------
    data : DataFrame or Analysis
        Events of the course (one platform, or several joined with
        :func:`connectana.concat_events`), or an :class:`~connectana.analysis.Analysis`
        already computed (then ``people``, ``ties``, ``freq``, ``start``,
        ``seed``, ``suppress_k`` and ``exclude`` are those of the analysis
        and must not be given).
    out : path
        Folder to write :data:`REPORT_FILES` into (created).
    people : DataFrame, optional
        The roster (:func:`connectana.read_people`): roles, groups, and the
        members who never took part.
    ties : str
        Tie definition (:mod:`connectana.ties`); the method section states it.
    names : bool
        Show names instead of pseudonyms (ask for it only where allowed).
    key, key_file : optional
        Pseudonymisation key; default the local key file
        (:func:`connectana.privacy.default_key_file`). Pseudonyms have the
        style of :func:`connectana.pseudonymize` (``P-`` + 8 hex digits), so the
        report's tables join with the command line's ``nodes.csv``.
    freq, start : optional
        Periods of the growth and engagement sections: calendar periods of
        ``freq`` or, with ``start``, course weeks from that date.
    seed : int
        Seed of community detection and of the layout.
    suppress_k : int, optional
        Small-cell suppression of the engagement counts (values 1..k-1 hidden).
    exclude : sequence, optional
        People who opted out: removed before anything is computed; their
        number is printed.
    max_ties : int or None
        ``copresence``: more interactions than this is a
        :class:`~connectana.errors.TieLimitError` (before anything is built).
    intervals : bool, optional
        Show each student's numbers with their 95 % intervals (the evidence
        sheet's bootstrap); default: for logs of at most
        :data:`connectana.analysis.INTERVAL_EVENTS` events.

    Returns
    -------
    Path
    """
    from .analysis import analyze
    from .privacy import load_or_create_key

    if isinstance(data, Analysis):
        given = {
            "people": people,
            "suppress_k": suppress_k,
            "exclude": exclude,
            "intervals": intervals,
        }
        if any(v is not None for v in given.values()) or (ties, freq, start, seed) != (
            "reply",
            "W",
            None,
            0,
        ):
            raise ParameterError(
                "an Analysis carries its own options; give only out, title, names, key"
            )
        analysis = data
    else:
        analysis = analyze(
            data,
            people=people,
            ties=ties,
            freq=freq,
            start=start,
            seed=seed,
            suppress_k=suppress_k,
            exclude=exclude,
            max_ties=max_ties,
            intervals=intervals,
        )
    if key is None and key_file is not None and not names:
        key = load_or_create_key(key_file)
    return render_report(analysis, out, title=title, names=names, key=key)[0]


def render_report(
    analysis: Analysis,
    out: str | os.PathLike,
    *,
    title: str = "Learning network report",
    names: bool = False,
    key: bytes | str | None = None,
) -> list[Path]:
    """Render an analysis into :data:`REPORT_FILES`; returns the paths written.

    Computes nothing: every number comes from ``analysis``
    (:func:`connectana.analyze`). See :func:`write_report` for the options.
    """
    from .plotting import pyplot
    from .privacy import write_csv

    pyplot()
    a = analysis
    label = a.labels(names=names, key=key)
    eng, totals = (_relabel(t, label) for t in (a.engagement, a.engagement_totals))
    isolated_table = _isolated_table(a.isolated, label)
    course_weeks = a.options.get("start") is not None
    period_word = "course week" if course_weeks else "period"

    parts: list[str] = []
    parts.append(f"<h1>{html.escape(title)}</h1>")
    parts.append(_overview(a))
    parts.append(_pattern_section(a.pattern))
    parts.append(_isolated_section(isolated_table))
    parts.append(_growth_section(a, period_word))
    parts.append(_staff_section(a))
    parts.append(_community_section(a, label))
    evidence = None if a.evidence is None else _relabel(a.evidence, label)
    parts.append(
        _engagement_section(
            eng, totals, evidence, a.completeness, a.options.get("suppress_k"), period_word
        )
    )
    if a.resources is not None:
        parts.append(_resources_section(a, label))
    parts.append(_method_section(a, names))
    doc = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_css()}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / name for name in REPORT_FILES]
    paths[0].write_text(doc, encoding="utf-8")
    write_csv(eng, paths[1])
    write_csv(isolated_table, paths[2])
    return paths


def _relabel(table: pd.DataFrame, label: dict[str, str]) -> pd.DataFrame:
    """Person ids replaced by their labels; display names dropped."""
    ids = table["person"].astype(str)
    table = table.assign(person=ids.map(label).fillna(ids))
    return table.drop(columns=[c for c in ("display_name",) if c in table.columns])


def _staff_sentence(a: Analysis) -> str:
    if pd.isna(a.staff_share):
        return (
            f"Staff share unknown (<code>{STAFF_SHARE}</code>): no instructor or TA is known; "
            "give a roster with roles to measure it"
        )
    return (
        f"Staff (instructors and TAs) are at one end of <b>{_pct(a.staff_share)}</b> of all "
        f"interactions (<code>{STAFF_SHARE}</code>: the {STAFF_SHARE_WORDS})"
    )


def _overview(a: Analysis) -> str:
    h = a.headline
    roster = h["roster"]
    lines = [
        f"<p class='lead'><b>{h['took_part']}</b> people took part"
        + (f" (of <b>{roster}</b> on the roster)" if roster is not None else "")
        + f". Between them, <b>{int(a.summary['interactions'])}</b> interactions formed "
        f"<b>{int(a.summary['ties'])}</b> distinct ties.</p>",
        f"<p>The network looks <span class='label'>{html.escape(str(a.pattern['label']))}</span>. "
        + _staff_sentence(a)
        + "; the largest connected group holds "
        f"<b>{_pct(a.pattern.get('largest_component_share_posters'))}</b> of the people who posted.</p>",
    ]
    never = h["never_answered"]
    silent = h["no_ties"] - h["no_ties_posted"]
    lines.append(
        f"<p><b>{never}</b> learner{'s' if never != 1 else ''} posted but "
        f"{'were' if never != 1 else 'was'} never answered"
        f" ({h['no_ties_posted']} of them answered no one either, {h['answered_others_only']} "
        f"answered others), and <b>{silent}</b> never posted at all: in all "
        f"<b>{h['no_ties']}</b> learners have no tie to anyone "
        "(see <a href='#isolated'>who</a>).</p>"
    )
    grow = a.growth
    if len(grow) > 1:
        first, last = grow.iloc[0], grow.iloc[-1]
        lines.append(
            f"<p>Over {len(grow)} {'course weeks' if a.options.get('start') is not None else 'periods'}"
            " the number of people with at least one tie grew from "
            f"{int(first['connected'])} to {int(last['connected'])}, and the ties from "
            f"{int(first['ties'])} to {int(last['ties'])} "
            "(see <a href='#growth'>how</a>).</p>"
        )
    if a.people_excluded:
        lines.append(
            f"<p class='note'>{a.people_excluded} people opted out and are not included.</p>"
        )
    return "<section>" + "".join(lines) + "</section>"


def _pattern_section(pattern: pd.Series) -> str:
    rows = []
    for name in [k for k in pattern.index if f"{k}_threshold" in pattern.index]:
        met = bool(pattern.get(f"{name}_met"))
        rows.append(
            {
                "criterion": name,
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


def _growth_section(a: Analysis, period_word: str) -> str:
    from .plotting import plot_growth, plot_growth_strip

    grow = a.growth
    cols = ["active", "newcomers", "connected", "ties", "density", "reciprocity"]
    axes = plot_growth(grow, cols, xlabel=period_word)
    strip = plot_growth_strip(
        a.network,
        grow,
        first_seen=a.first_seen,
        layout=a.layout,
        period_name="week" if period_word == "course week" else "period",
    )
    return (
        "<h2 id='growth'>How did the network grow?</h2>"
        "<p>The network at the end of each period, everyone in the same place in every "
        "drawing: the ties formed so far in grey, people who had taken part by then in blue, "
        "<b>newcomers</b> (first post in that period) in orange; faint dots have not posted "
        "yet.</p>"
        + _figure(
            strip[0].figure,
            "The network, period by period (same layout)."
            + _drawn_note(a.network, STRIP_DRAWN_TIES, "in each panel"),
            "growth strip",
        )
        + "<p>Each point below is the network as it stood at the end of a period (everything "
        "up to then): <i>active</i> people posted in the period, <i>newcomers</i> posted for "
        "the first time, <i>connected</i> people had at least one tie by then.</p>"
        + _figure(axes[0].figure, "Growth of the network, period by period.", "growth charts")
        + _table(grow[cols].rename_axis(period_word))
    )


def _drawn_note(net, limit: int, where: str) -> str:
    """The caption's sentence when a drawing shows only the strongest ties (large courses)."""
    if len(net.edges) <= limit:
        return ""
    where = f" {where}" if where else ""
    return (
        f" With {len(net.edges):,} ties, at most {limit:,} are drawn{where}: the strongest "
        "(most interactions); every tie is counted in the numbers."
    )


def _staff_section(a: Analysis) -> str:
    from .plotting import plot_staff_removal

    # the network without staff that staff_dependence measured (built once, in analyze)
    axes = plot_staff_removal(a.network, a.staff.without_staff, labels=None, layout=a.layout)
    shares = a.staff.shares
    table = pd.DataFrame(
        {
            "share": shares.to_numpy(dtype=float),
            "what it is": [STAFF_SHARE_ROWS.get(str(k), "") for k in shares.index],
        },
        index=pd.Index([str(k) for k in shares.index], name="share of"),
    )
    return (
        "<h2>Is everything going through the staff?</h2>"
        f"<p>{_staff_sentence(a)}. The table splits it by direction and counts distinct "
        "ties as well as interactions (a tie is a pair of people, however many times they "
        "interacted). Then what the network looks like when staff are taken out: if it falls "
        "apart, learners mostly talk to staff, not to each other.</p>"
        + _table(table)
        + _table(a.staff.comparison)
        + _figure(
            axes[0].figure,
            "The network with and without staff (same positions)."
            + _drawn_note(a.network, MAX_DRAWN_TIES, "in each drawing"),
            "staff removal",
        )
    )


def _community_section(a: Analysis, label: dict[str, str]) -> str:
    from .plotting import sociogram

    membership = a.communities
    sizes = membership.value_counts()
    big = int((sizes > 1).sum())
    ax = sociogram(
        a.network,
        color="community",
        membership=membership,
        labels=label,
        top_labels=8,
        layout=a.layout,
    )
    return (
        "<h2>Which groups formed?</h2>"
        f"<p>{big} groups of two or more people (communities found by the Leiden method, "
        f"modularity {membership.attrs.get('modularity', float('nan')):.2f}; seed "
        f"{membership.attrs.get('seed')}). Colours show the groups (legend, bottom right; "
        "grey: people in no group), shapes the roles, size the number of ties; the labels "
        "name the most connected people.</p>"
        + _figure(
            ax.figure,
            "The network, coloured by community." + _drawn_note(a.network, MAX_DRAWN_TIES, ""),
            "sociogram",
        )
    )


#: Rows of the per-student table shown in the report (every student is in ``engagement.csv``).
STUDENT_ROWS = 40

# The evidence sheet's wording (docs/instructor_measures.md): learner-only counts, staff apart.
_ENGAGEMENT_COLUMNS = (
    "posts",
    "replies_given",
    "learner_replies_received",
    "learner_peers",
    "reciprocated_ties",
    "answered_share",
    "active_periods",
)


def interval_words(value: Any, low: Any, high: Any, level: float = 0.95) -> str:
    """A value and its interval in words: ``"30 (95 % interval 17–44)"``.

    The wording of the evidence sheet; numbers to 3 significant digits, no
    interval where a bound is missing, ``"–"`` for a missing value.

    Examples
    --------
    >>> from connectana.report import interval_words
    >>> interval_words(30, 16.975, 44.0)
    '30 (95 % interval 17–44)'
    >>> interval_words(0.5667, 0.382, 0.734), interval_words(4, float("nan"), 7)
    ('0.567 (95 % interval 0.382–0.734)', '4')
    """

    def num(v: Any) -> str:
        return f"{float(v):.3g}"

    if value is None or pd.isna(value):
        return "–"
    text = num(value)
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return text
    return f"{text} ({100 * level:.0f} % interval {num(low)}–{num(high)})"


def _interval_cell(value: Any, low: Any, high: Any, level: float) -> str:
    """:func:`interval_words` as a cell: the value, then the interval on its own line (smaller;
    the range never broken). The text of the cell is exactly the words."""
    words = interval_words(value, low, high, level)
    head, sep, rest = words.partition(" (")
    if not sep:
        return html.escape(words)
    label, _, rng = rest.rpartition(" ")
    return (
        f"{html.escape(head)}<span class='ci'> (<span class='nw'>{html.escape(label)}</span> "
        f"<span class='nw'>{html.escape(rng)}</span></span>"
    )


def _student_table(
    total: pd.DataFrame, evidence: pd.DataFrame | None
) -> tuple[pd.DataFrame, list[str]]:
    """The per-student table: values with their intervals (evidence sheet) and caveats
    (one row per student, so that the table reads back as data).

    Returns the table and the names of the columns that carry intervals.
    """
    if evidence is None:
        return total, []
    ev = evidence.set_index(evidence["person"].astype(str))
    ev = ev.reindex(total.index.astype(str))
    level = float(evidence.attrs.get("level", 0.95))
    table = total.copy().astype(object)
    with_ci = [c for c in total.columns if f"{c}_ci_low" in ev.columns]
    for c in with_ci:
        table[c] = [
            _interval_cell(v, lo, hi, level)
            for v, lo, hi in zip(total[c], ev[f"{c}_ci_low"], ev[f"{c}_ci_high"], strict=True)
        ]
    table["caveats"] = ev["caveats"].fillna("").to_numpy()
    return table, with_ci


def _cannot_support(completeness: Sequence[str]) -> str:
    if not completeness:
        return (
            "<h3>What this log cannot support</h3><p>Nothing the table shows: the log "
            "records posts, their threads and the posts they answer.</p>"
        )
    items = "".join(f"<li>{html.escape(m)}</li>" for m in completeness)
    return f"<h3>What this log cannot support</h3><ul class='note'>{items}</ul>"


def _engagement_section(
    eng: pd.DataFrame,
    totals: pd.DataFrame,
    evidence: pd.DataFrame | None,
    completeness: Sequence[str],
    suppress_k,
    period_word: str,
) -> str:
    from .analysis import EVIDENCE_BOOT, INTERVAL_EVENTS
    from .plotting import plot_engagement_heatmap

    cols = [c for c in _ENGAGEMENT_COLUMNS if c in totals.columns]
    total = totals.set_index("person")[cols]
    total = total.sort_values(["posts", "replies_given"], ascending=False, kind="stable")
    table, with_ci = _student_table(total.head(STUDENT_ROWS), evidence)
    ax = plot_engagement_heatmap(eng, "replies_given", pseudonymized=True, max_people=40)
    ax.set_xlabel(period_word)
    note = (
        f" Counts between 1 and {suppress_k - 1} are hidden (small-cell suppression)."
        if suppress_k
        else ""
    )
    if with_ci:
        level = float(evidence.attrs.get("level", 0.95))
        intervals = (
            f"Each of {', '.join(f'<code>{c}</code>' for c in with_ci)} is shown with its "
            f"{100 * level:.0f} % interval: a cluster bootstrap over thread × week cells "
            f"({evidence.attrs.get('n_boot', EVIDENCE_BOOT)} replicates, seed "
            f"{evidence.attrs.get('seed')}), the intervals of <code>ca.evidence_sheet</code>. "
            "It says how much a number depends on which conversations happened to be "
            "recorded; <code>caveats</code> says what to keep in mind for that student. "
        )
    else:
        intervals = (
            "Intervals were not computed for this report (a log of more than "
            f"{INTERVAL_EVENTS:,} events, or asked so); <code>ca.evidence_sheet</code> "
            "gives them. "
        )
    return (
        "<h2>Peer engagement, per student</h2>"
        f"<p>Totals over the whole course, for the {STUDENT_ROWS} most active students (every "
        "student and every period is in <code>engagement.csv</code>; the definition and "
        "caveat of each indicator are in the method section). Learner counts leave staff out; "
        "<code>answered_share</code> is the share of a student's posts someone answered. "
        + intervals
        + "For grading, use <code>ca.evidence_sheet</code>: it adds rank stability across "
        f"tie definitions.{note}</p>"
        + _figure(ax.figure, "Replies given, per student and period.", "engagement heatmap")
        + _cannot_support(completeness)
        + _table(table, cls="wide", markup=with_ci)
    )


def _method_section(a: Analysis, names: bool) -> str:
    from .metrics.engagement import engagement_caveats

    net, opts = a.network, a.options
    meta = net.meta
    ties, start = opts["ties"], opts.get("start")
    rows = {
        "tie definition": f"{ties}: {TIE_WORDS.get(ties, '')}",
        "direction": "directed" if net.directed else "undirected",
        "weights": "number of interactions between two people",
        "self-ties": f"{meta.get('self_loops', 0)} answers to oneself, not counted",
        "answers without a known target": str(meta.get("unresolved_replies", 0)),
        "periods": f"course weeks from {pd.Timestamp(start).date()}"
        if start is not None
        else f"calendar periods of '{opts['freq']}'",
        "communities": f"Leiden, modularity objective, seed {opts['seed']}",
        STAFF_SHARE: STAFF_SHARE_WORDS,
        "identities": "names (asked for)"
        if names
        else "keyed pseudonyms (HMAC-SHA256 with a local key), as in every file written",
        "small-cell suppression": f"k = {opts['suppress_k']}" if opts.get("suppress_k") else "none",
        "people opted out": str(a.people_excluded),
        "connectana version": __version__,
    }
    ingest_text = ""
    if a.ingest is not None:
        ingest_text = (
            "<h3>Data read</h3><pre>" + html.escape(str(_safe_ingest(a.ingest))) + "</pre>"
        )
    caveats = engagement_caveats()
    caveats.loc["active_periods"] = list(ACTIVE_PERIODS_WORDS)
    if a.evidence is not None:
        caveats.loc["caveats"] = list(CAVEATS_WORDS)
    return (
        "<h2>Method</h2>"
        + _table(pd.DataFrame({"setting": list(rows), "value": list(rows.values())}), index=False)
        + ingest_text
        + "<h3>Engagement indicators</h3>"
        + _table(caveats.reset_index().rename(columns={"index": "indicator"}), index=False)
    )


def _safe_ingest(report: IngestReport) -> str:
    """The ingest report without record-level details (which may hold identities)."""
    from .privacy import base_names

    # the files' names, not the local paths to them (in every line: messages too)
    return base_names(str(report), report)


def _resources_section(a: Analysis, label: dict[str, str]) -> str:
    """What travelled through the network: introducers, curators and the spread of
    links and hashtags (:func:`connectana.resource_diffusion`, computed by the analysis)."""
    from .plotting import plot_resource_spread

    res, who = a.resources.resources, a.resources.people
    if not len(res):
        return (
            "<h2>What travelled through the network?</h2>"
            "<p>No links, hashtags or files were found in the messages.</p>"
        )
    taken_up = int((res["adopters"] > 0).sum())
    top = res.head(8)
    table = pd.DataFrame(
        {
            "resource": top.index.astype(str),
            "introduced by": [label.get(str(p), str(p)) for p in top["introduced_by"]],
            "people who shared it after": top["adopters"].to_numpy(),
            "of whom had seen it": top["exposed_adopters"].to_numpy(),
            "longest chain": top["depth"].to_numpy(),
        }
    )
    curators = who[who["curator"] > 0].head(5)
    cur = pd.DataFrame(
        {
            "person": [label.get(str(p), str(p)) for p in curators.index],
            "resources introduced": curators["introduced"].to_numpy(),
            "taken up by others": curators["curator"].to_numpy(),
            "carried across groups": curators["bridge"].to_numpy(),
        }
    )
    ax = plot_resource_spread(res, top=10)
    return (
        "<h2>What travelled through the network?</h2>"
        f"<p>{len(res)} links, hashtags and files were shared; {taken_up} of them were "
        "taken up by someone else. A resource's <em>introducer</em> shared it first; the people "
        "who shared it later <em>had seen it</em> when they had been active in a thread where "
        "it appeared before (docs/resources.md).</p>"
        + _table(table, index=False)
        + "<p>Curators: the people whose resources others took up most.</p>"
        + (_table(cur, index=False) if len(cur) else "<p>No resource was taken up.</p>")
        + _figure(ax.figure, "How far the most shared resources travelled.", "resource spread")
    )
