"""The ``connectana`` command.

Subcommands::

    connectana demo --out DIR        the sample course end to end: summary, tables, report.html
    connectana report INPUT... --format NAME --out DIR [--roster FILE] [--aliases FILE]
    connectana ingest INPUT... --format NAME --out FILE.parquet
    connectana export INPUT --format NAME --ties reply --to gexf|graphml|csv --out PATH
    connectana sample --out DIR      regenerate the bundled sample course

Every option is checked before anything is read or written: a mistake prints
one line on stderr naming the option and the fix (``connectana: error: --freq:
...``) and exits with status 2, leaving nothing behind. Errors about the input
itself print ``connectana: error: <message>`` the same way. Messages are worded
for the command line (``--tz UTC``, ``--column actor=Sender``, ``--roster``),
warnings print as ``connectana: warning: <message>`` without Python's source
line, and every file written is listed at the end. On a terminal, the stages of
a long run and a bar for each long read are shown on stderr
(:class:`connectana.progress.Progress`); nothing is shown when stderr is not a
terminal.

Privacy by default: in everything the command writes, person ids are replaced
by keyed pseudonyms (:mod:`connectana.privacy`: ``P-`` + 8 hex digits of
HMAC-SHA256, one style in every file of an output folder, so the files join)
and display names are left out, unless ``--names`` is given. The key is read
from ``--key-file`` (default: the local key file of
:func:`connectana.privacy.default_key_file`, created once); it never appears in
any output, and it is never written into the output folder.

The module is a little over 800 lines: one topic, the command line — its option checks run
before anything is read, and each message is worded for the command line, so the checks live
beside the commands they guard.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import warnings
import zoneinfo
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .analysis import INTERVAL_EVENTS
from .errors import ConnectanaError, InputError
from .io import READERS, read_events, reader_options
from .network import Network, build_network
from .progress import Progress
from .ties import DEFAULT_MAX_TIES

__all__ = ["main", "network_summary", "cli_words", "OptionError"]


class OptionError(ConnectanaError):
    """A command-line option with a wrong value: names the option and the fix."""

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        super().__init__(f"{option}: {message}")


def _key_for(args: argparse.Namespace) -> bytes | None:
    """The pseudonymisation key, or None with ``--names``."""
    from .privacy import default_key_file, load_or_create_key

    if args.names:
        return None
    return load_or_create_key(Path(args.key_file) if args.key_file else default_key_file())


# -- messages worded for the command line ---------------------------------------------------------

_PYTHON_TO_CLI = [
    (re.compile(r"build_network\(\.\.\., people=\.\.\.\)"), "--roster FILE"),
    (re.compile(r"\bpeople=(\.\.\.)?"), "--roster FILE"),
    (re.compile(r", or None to leave one unmapped"), ", or --column FIELD= to leave one unmapped"),
    (re.compile(r"columns=\{\s*'([a-z_]+)'\s*:\s*'([^']*)'\s*\}"), r"--column \1=\2"),
    (re.compile(r"columns=\{[^}]*\}"), "--column FIELD=COLUMN"),
    (re.compile(r"\bcolumns="), "--column FIELD=COLUMN"),
    (re.compile(r"\bdayfirst=True\b"), "--dayfirst"),
    (re.compile(r"\bdayfirst=False\b"), "--monthfirst"),
    (re.compile(r"\bon_error=['\"]?(skip|raise)['\"]?"), r"--on-error \1"),
    (re.compile(r"\btime_format=(['\"])"), r"--time-format \1"),
    (re.compile(r"\btime_format="), "--time-format "),
    (re.compile(r"\baction_map="), "--action-map "),
    (re.compile(r"\b(tz|unit|year|aliases)=(['\"]?)"), r"--\1 \2"),
    (re.compile(r"read_events\(\.\.\., extract=\([^)]*\)\)"), "--extract urls,hashtags"),
    (re.compile(r"\bextract=(?=\))"), "--extract"),
]


def cli_words(message: str) -> str:
    """A library message reworded for the command line.

    Python advice (``tz='UTC'``, ``columns={'actor': 'Sender'}``,
    ``build_network(..., people=...)``) becomes the option that does it here
    (``--tz 'UTC'``, ``--column actor=Sender``, ``--roster FILE``).

    Examples
    --------
    >>> from connectana.cli import cli_words
    >>> cli_words("no column for 'actor' was found; pass columns={'actor': '<your column>'}")
    "no column for 'actor' was found; pass --column actor=<your column>"
    >>> cli_words("give a roster with roles (build_network(..., people=...))")
    'give a roster with roles (--roster FILE)'
    >>> cli_words("expected: dayfirst=True (23/01/23) or tz='UTC'")
    "expected: --dayfirst (23/01/23) or --tz 'UTC'"
    """
    for pattern, repl in _PYTHON_TO_CLI:
        message = pattern.sub(repl, message)
    return message


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings on the command line: one line, no source path, CLI wording."""
    text = " ".join(str(message).split())
    print(f"connectana: warning: {cli_words(text)}", file=sys.stderr)


# -- checking every option before reading anything -------------------------------------------------


def _check_out(path: str, *, folder: bool, option: str = "--out") -> None:
    p = Path(path)
    if folder:
        if p.exists() and not p.is_dir():
            raise OptionError(option, f"{path} is a file; give a folder (it is created)")
    elif p.exists() and p.is_dir():
        raise OptionError(option, f"{path} is a folder; give a file name")
    for parent in p.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OptionError(option, f"{parent} is a file, so {path} cannot be created")
            break


def _check_file(path: str | None, option: str) -> None:
    if path is not None and not Path(path).exists():
        raise OptionError(option, f"{path} not found")


def _check_time(value: str | None, option: str) -> None:
    if value is None:
        return
    try:
        t = pd.Timestamp(value)
    except (ValueError, TypeError):
        t = None
    if t is None or pd.isna(t):
        raise OptionError(
            option, f"{value!r} is not a date; give one like 2026-01-12T00:00Z (with its zone)"
        )
    if t.tzinfo is None:
        raise OptionError(
            option,
            f"{value!r} has no time zone; add one, e.g. {t.strftime('%Y-%m-%dT%H:%M')}Z (UTC) "
            f"or {t.strftime('%Y-%m-%dT%H:%M')}+01:00",
        )


def _check_freq(value: str, option: str = "--freq") -> None:
    from pandas.tseries.frequencies import to_offset

    try:
        offset = to_offset(value)
    except (ValueError, TypeError):
        offset = None
    if offset is None:
        raise OptionError(
            option, f"{value!r} is not a period length; give e.g. W (weeks), 2W, D (days), 14D"
        )


def _parse_pairs(
    values: list[str] | None, option: str, what: str, *, last: bool = False, empty: bool = False
) -> dict[str, str | None]:
    """``NAME=VALUE`` pairs; ``last``: split at the last ``=`` (names that may hold one);
    ``empty``: ``NAME=`` is allowed and gives None."""
    out: dict[str, str | None] = {}
    for v in values or []:
        name, sep, value = v.rpartition("=") if last else v.partition("=")
        if not sep or not name.strip() or (not value.strip() and not empty):
            raise OptionError(option, f"{v!r} is not {what}; write it as {option} {what}")
        out[name.strip()] = value.strip() or None
    return out


def _accepts(fmt: str, option: str) -> bool:
    return option in reader_options(fmt)


_READING_OPTIONS = {
    "tz": "--tz",
    "dayfirst": "--dayfirst/--monthfirst",
    "time_format": "--time-format",
    "unit": "--unit",
    "on_error": "--on-error",
    "year": "--year",
    "max_bytes": "--max-bytes",
    "columns": "--column",
    "action_map": "--action-map",
}


def _reader_options(args: argparse.Namespace) -> dict:
    """Reading options given on the command line, as the readers' keyword arguments."""
    from .events import OPTIONAL_COLUMNS, REQUIRED_COLUMNS

    opts: dict = {}
    if getattr(args, "tz", None):
        opts["tz"] = args.tz
    if getattr(args, "dayfirst", None) is not None:
        opts["dayfirst"] = args.dayfirst
    for name in ("time_format", "unit", "on_error", "year", "max_bytes"):
        if getattr(args, name, None) is not None:
            opts[name] = getattr(args, name)
    columns = _parse_pairs(getattr(args, "column", None), "--column", "FIELD=COLUMN", empty=True)
    fields = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    for field in columns:
        if field not in fields:
            raise OptionError(
                "--column",
                f"{field!r} is not an Events field; give one of {', '.join(sorted(fields))}",
            )
    if columns:
        opts["columns"] = columns
    action_map = _parse_pairs(
        getattr(args, "action_map", None), "--action-map", "RAW=ACTION", last=True
    )
    if action_map:
        opts["action_map"] = action_map
    return opts


#: The reader keyword that ``--action-map`` reaches, where it is not ``action_map=``
#: (xAPI: a verb IRI and the action it means).
_ACTION_MAP_KEYWORD = {"xapi": "verbs"}


def _action_map_keyword(fmt: str) -> str | None:
    if fmt in _ACTION_MAP_KEYWORD:
        return _ACTION_MAP_KEYWORD[fmt]
    return "action_map" if _accepts(fmt, "action_map") else None


def _for_reader(fmt: str, options: dict) -> dict:
    """The reading options as the keyword arguments of the reader of ``fmt``."""
    keyword = _action_map_keyword(fmt)
    if "action_map" not in options or keyword in (None, "action_map"):
        return options
    opts = dict(options)
    opts[keyword] = opts.pop("action_map")
    return opts


def _check_action_map(action_map: dict[str, str], formats: list[str]) -> None:
    from .events import ACTIONS

    for raw, action in action_map.items():
        if action not in ACTIONS:
            raise OptionError(
                "--action-map",
                f"{raw}={action}: {action!r} is not an action; give one of {', '.join(ACTIONS)}",
            )
    takes = sorted(f for f in READERS if _action_map_keyword(f) is not None)
    for fmt in dict.fromkeys(formats):
        if _action_map_keyword(fmt) is None:
            raise OptionError(
                "--action-map",
                f"the {fmt} reader names the actions of its platform itself and does not take "
                f"this option (formats that take it: {', '.join(takes)})",
            )


def _check_reading(args: argparse.Namespace, formats: list[str]) -> dict:
    if getattr(args, "tz", None):
        try:
            zoneinfo.ZoneInfo(args.tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise OptionError(
                "--tz", f"{args.tz!r} is not a time zone; give e.g. UTC or Europe/Madrid"
            ) from None
    opts = _reader_options(args)
    if "action_map" in opts:
        _check_action_map(opts["action_map"], formats)
    for name in opts:
        if name == "action_map":
            continue
        for fmt in dict.fromkeys(formats):
            if not _accepts(fmt, name):
                raise OptionError(
                    _READING_OPTIONS[name], f"the {fmt} reader does not take this option"
                )
    return opts


def _formats(args: argparse.Namespace) -> list[str]:
    formats = args.format if isinstance(args.format, list) else [args.format]
    inputs = args.inputs if hasattr(args, "inputs") else [args.input]
    if len(formats) not in (1, len(inputs)):
        raise OptionError(
            "--format",
            f"give it once, or once per input ({len(inputs)} inputs, {len(formats)} formats)",
        )
    return formats * len(inputs) if len(formats) == 1 else formats


def _check_ties(ties: str, *, two_mode: bool = True) -> None:
    from .ties import TIE_DEFINITIONS, TWO_MODE

    if ties not in TIE_DEFINITIONS:
        raise OptionError(
            "--ties", f"unknown tie definition {ties!r}; choose one of {', '.join(TIE_DEFINITIONS)}"
        )
    if not two_mode and ties in TWO_MODE:  # the report analyses a network of people
        one_mode = [t for t in TIE_DEFINITIONS if t not in TWO_MODE]
        raise OptionError(
            "--ties",
            f"{ties!r} is two-mode (people and objects); the report needs one of "
            f"{', '.join(one_mode)} (connectana export --ties {ties} writes the two-mode network)",
        )


def _check_extract(args: argparse.Namespace) -> dict:
    """``--extract`` and ``--url-query`` as ``read_events`` keyword arguments."""
    from .extract import EXTRACTABLE

    text = getattr(args, "extract", None)
    query = bool(getattr(args, "url_query", False))
    if text is None:
        if query:
            raise OptionError("--url-query", "give it with --extract urls")
        return {}
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    if kinds == ["all"]:
        kinds = list(EXTRACTABLE)
    bad = [k for k in kinds if k not in EXTRACTABLE]
    if bad or not kinds:
        raise OptionError(
            "--extract",
            f"{text!r}: give some of {','.join(EXTRACTABLE)} (comma-separated), or all",
        )
    if query and "urls" not in kinds:
        raise OptionError("--url-query", "give it with --extract urls")
    return {"extract": tuple(dict.fromkeys(kinds)), "url_query": query}


def _validate(args: argparse.Namespace) -> dict:
    """Check every option of the subcommand; returns the reading options. Reads nothing."""
    cmd = args.command
    options: dict = {}
    if cmd in ("ingest", "report", "export"):
        formats = _formats(args)
        for p in getattr(args, "inputs", None) or [args.input]:
            _check_file(p, "INPUT")
        options = _check_reading(args, formats)
        args.formats = formats
    if cmd in ("report", "export"):
        _check_ties(args.ties, two_mode=cmd == "export")
        _check_file(args.roster, "--roster")
    if cmd in ("ingest", "report", "export"):
        options.update(_check_extract(args))
    if cmd in ("ingest", "report", "export"):
        _check_file(getattr(args, "aliases", None), "--aliases")
    if cmd == "report":
        _check_time(args.start, "--start")
        _check_freq(args.freq)
        _check_file(args.exclude, "--exclude")
        if args.suppress_k is not None and args.suppress_k < 2:
            raise OptionError("--suppress-k", "give K >= 2 (counts 1..K-1 are hidden)")
    if cmd == "demo" and args.data:
        _check_file(args.data, "--data")
    if cmd in ("demo", "report", "sample"):
        _check_out(args.out, folder=True)
    elif cmd == "ingest":
        _check_out(args.out, folder=False)
        if args.set_aside:
            _check_out(args.set_aside, folder=False, option="--set-aside")
    elif cmd == "export":
        _check_out(args.out, folder=args.to == "csv")
    if hasattr(args, "names"):
        args.key = _key_for(args)  # a bad key file stops here, before anything is read
    return options


# -- the network summary ---------------------------------------------------------------------------


def network_summary(data) -> dict:
    """Numbers the demo prints about a network.

    Parameters
    ----------
    data : Analysis or Network
        The analysis the demo renders (:func:`connectana.analyze`), or a
        Network (then analysed for these numbers only).

    Returns
    -------
    dict
        ``nodes``, ``ties`` (distinct ties), ``interactions`` (sum of weights),
        ``density``, ``reciprocity``, ``weak_components``,
        ``largest_component`` (nodes), ``isolates`` (ids of the nodes with no
        tie to another node, the registry's ``isolates``, in node order: roster
        first), ``staff_interaction_share``.

    Notes
    -----
    Every value is the one of the same name in :func:`connectana.summary`
    and :func:`connectana.network_pattern` (``staff_interaction_share``: the
    share of all interactions with an instructor or a TA at either end).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.cli import network_summary
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "c"], "target": ["b", "a", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3, utc=True)}))
    >>> s = network_summary(ca.build_network(ev, people=ca.make_people(["a", "b", "c", "d"])))
    >>> s["ties"], s["reciprocity"], s["weak_components"], s["isolates"]
    (3, 0.6666666666666666, 2, ['d'])
    >>> print(s["staff_interaction_share"])  # no roles: no staff known, unknown (not 0)
    None
    """
    from .analysis import STAFF_SHARE, Analysis

    if isinstance(data, Analysis):
        net, stats, pattern = data.network, data.summary, data.pattern
    else:
        from .metrics.roles import network_pattern
        from .metrics.structure import summary

        net = data
        stats = summary(net, distances=False, triads=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # no roles: no staff, the share is unknown (NaN)
            pattern = network_pattern(net)
    # the registry's isolates (nodes with no tie to another node), named
    ties = net.tie_table(loops=False)
    tied = np.zeros(net.n_nodes, dtype=bool)
    tied[ties["s"].to_numpy()] = True
    tied[ties["t"].to_numpy()] = True
    share = pattern[STAFF_SHARE]
    return {
        "nodes": int(stats["nodes"]),
        "ties": int(stats["ties"]),
        "interactions": int(stats["interactions"]),
        "density": float(stats["density"]),
        "reciprocity": float(stats["reciprocity"]) if net.directed else 1.0,
        "weak_components": int(stats["weak_components"]),
        # nodes in the largest weak component: the registry's share times the nodes
        "largest_component": round(float(stats["largest_component_share"]) * int(stats["nodes"]))
        if int(stats["nodes"])
        else 0,
        "isolates": [str(x) for x in net.nodes.index[~tied]],
        STAFF_SHARE: None if pd.isna(share) else float(share),  # None: no staff known
    }


def _summary_text(title: str, reports: list, stats: dict, names: dict[str, str]) -> str:
    from .analysis import STAFF_SHARE, STAFF_SHARE_WORDS

    iso = [names.get(x, x) for x in stats["isolates"]]
    lines = [title, ""]
    for r in reports:
        lines += [_safe_source(r), ""]
    lines += [
        "Reply network (directed; tie = a reply to the author of the parent post)",
    ]
    rows = [
        ("nodes", stats["nodes"], "people"),
        ("ties", stats["ties"], "distinct pairs of people, one way"),
        ("interactions", stats["interactions"], "replies between people"),
        ("density", f"{stats['density']:.4f}", ""),
        ("reciprocity", f"{stats['reciprocity']:.3f}", "share of ties answered back"),
        (
            "weak_components",
            stats["weak_components"],
            f"the largest holds {stats['largest_component']} nodes",
        ),
        ("isolates", len(iso), "people with no tie to another person"),
        (
            STAFF_SHARE,
            "unknown" if stats[STAFF_SHARE] is None else f"{stats[STAFF_SHARE]:.3f}",
            STAFF_SHARE_WORDS
            if stats[STAFF_SHARE] is not None
            else "no staff known: give a roster with roles (--roster FILE)",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value, words in rows:
        lines.append(f"  {label:<{width}} : {value!s:<7}" + (f" {words}" if words else ""))
    if iso:
        lines.append("  isolated: " + ", ".join(iso))
    return "\n".join(lines) + "\n"


def _safe_source(report) -> str:
    """The ingest report with file names instead of local paths, worded for the CLI."""
    text = str(report)
    source = getattr(report, "source", None)
    if source:
        names = ", ".join(Path(p).name for p in str(source).split(", "))
        text = text.replace(str(source), names, 1)
    return cli_words(text)


# -- output helpers -------------------------------------------------------------------------------


def _iso(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_network_csv(net: Network, measures: pd.DataFrame, folder: Path) -> list[Path]:
    """nodes.csv (the node table + the analysis's node measures, by name) and edges.csv."""
    from .privacy import write_csv

    folder.mkdir(parents=True, exist_ok=True)
    nodes = net.nodes.join(measures.set_axis(net.nodes.index))
    edges = net.edges.copy()
    for c in ("first", "last"):
        if c in edges.columns and isinstance(edges[c].dtype, pd.DatetimeTZDtype):
            edges[c] = _iso(edges[c])
    nodes_path, edges_path = folder / "nodes.csv", folder / "edges.csv"
    write_csv(nodes, nodes_path, index=True, index_label="node")
    write_csv(edges, edges_path)
    return [nodes_path, edges_path]


def _read_roster(path: Path) -> pd.DataFrame:
    from .people import read_people

    if not path.exists():
        raise InputError("roster file not found", file=path)
    return read_people(path)


def _read(path: str, fmt: str, options: dict, progress: Progress) -> pd.DataFrame:
    p = Path(path)
    if not p.exists():
        raise InputError("input not found", file=p)
    progress(f"reading {p.name} ({fmt})")
    with progress.reading():  # a bar for each file streamed, on a terminal
        return read_events(p, format=fmt, **_for_reader(fmt, options))


def _wrote(paths: Sequence[Path]) -> None:
    print("wrote:")
    for p in paths:
        print(f"  {p}")


# -- subcommands ----------------------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace, options: dict, progress: Progress) -> int:
    from .analysis import analyze
    from .datasets import COURSE_START, sample_path
    from .privacy import pseudonymize
    from .report import render_report

    folder = Path(args.data) if args.data else sample_path()
    ev = _read(str(folder / "forum_posts.csv"), "table", {}, progress)
    people = _read_roster(folder / "roster.csv")
    key = args.key
    analysis = analyze(ev, people=people, ties="reply", start=COURSE_START, progress=progress)
    stats = network_summary(analysis)
    names = analysis.labels(names=False, key=key) if key is not None else {}
    net = (
        pseudonymize(analysis.network, key=key, attributes=_attributes(args))
        if key is not None
        else analysis.network
    )
    text = _summary_text("connectana demo — the sample course", [ev.attrs["ingest"]], stats, names)
    out = Path(args.out)
    progress("writing the report")
    written = render_report(
        analysis,
        out,
        title="The sample course: learning network report",
        names=args.names,
        key=key,
    )
    written += _write_network_csv(net, analysis.node_measures, out)
    (out / "summary.txt").write_text(text, encoding="utf-8")
    written.append(out / "summary.txt")
    print(text, end="")
    _wrote(written)
    if key is not None:
        print("person ids are pseudonymised (use --names to keep them)")
    return 0


def _read_all(args: argparse.Namespace, options: dict, progress: Progress) -> pd.DataFrame:
    """Read every input (one --format for all, or one per input) into one Events table."""
    from .people import concat_events, read_aliases

    tables = [
        _read(p, f, options, progress) for p, f in zip(args.inputs, args.formats, strict=True)
    ]
    aliases = read_aliases(Path(args.aliases)) if getattr(args, "aliases", None) else None
    if len(tables) == 1 and aliases is None:
        return tables[0]
    return concat_events(tables, aliases=aliases)


def _cmd_ingest(args: argparse.Namespace, options: dict, progress: Progress) -> int:
    from .privacy import pseudonymize

    events = _read_all(args, options, progress)
    report = events.attrs["ingest"]
    out = Path(args.out)
    key = args.key
    if key is not None:
        events = pseudonymize(events, key=key, attributes=_attributes(args))
    from .privacy import base_names

    info = base_names(report.to_dict(), report)  # file names, never the folders (#15)
    events.attrs = {"ingest": info}
    out.parent.mkdir(parents=True, exist_ok=True)
    events.to_parquet(out, index=False)
    written = [out]
    if args.set_aside:
        written.append(report.write_set_aside(args.set_aside))
    print(report)
    print(f"{len(events)} events")
    _wrote(written)
    return 0


def _cmd_report(args: argparse.Namespace, options: dict, progress: Progress) -> int:
    from .analysis import analyze
    from .report import render_report

    events = _read_all(args, options, progress)
    people = _read_roster(Path(args.roster)) if args.roster else None
    exclude = None
    if args.exclude:
        exclude = [x.strip() for x in Path(args.exclude).read_text().splitlines() if x.strip()]
    print(_safe_source(events.attrs["ingest"]))
    key = args.key
    analysis = analyze(
        events,
        people=people,
        ties=args.ties,
        freq=args.freq,
        start=args.start,
        seed=args.seed,
        suppress_k=args.suppress_k,
        exclude=exclude,
        max_ties=args.max_ties,
        intervals=args.intervals,
        progress=progress,
    )
    progress("writing the report")
    written = render_report(analysis, args.out, title=args.title, names=args.names, key=key)
    _wrote(written)
    return 0


def _cmd_export(args: argparse.Namespace, options: dict, progress: Progress) -> int:
    from . import export
    from .privacy import pseudonymize

    ev = _read(args.input, args.formats[0], options, progress)
    if args.aliases:  # platform ids -> the roster's ids (as for `connectana report`)
        from .people import apply_aliases

        ev = apply_aliases(ev, Path(args.aliases))
    people = _read_roster(Path(args.roster)) if args.roster else None
    progress("building the network")
    net = build_network(ev, ties=args.ties, people=people, max_ties=args.max_ties)
    out = Path(args.out)
    key = args.key
    if key is not None:
        net = pseudonymize(net, key=key, attributes=_attributes(args))
    writer = {"gexf": export.to_gexf, "graphml": export.to_graphml, "csv": export.write_tables}
    print(_safe_source(ev.attrs["ingest"]))
    result = writer[args.to](net, out)
    print(f"{net!r}")
    if isinstance(result, dict):
        result = list(result.values())
    _wrote(result if isinstance(result, (list, tuple)) else [Path(result or out)])
    return 0


def _cmd_sample(args: argparse.Namespace, options: dict, progress: Progress) -> int:
    from .datasets import write_sample_data

    _wrote(write_sample_data(args.out, seed=args.seed))
    return 0


# -- parser ---------------------------------------------------------------------------------------


def _attributes(args: argparse.Namespace) -> list[str]:
    """The --attributes allowed to go with the pseudonyms (besides role and group)."""
    text = getattr(args, "attributes", None) or ""
    return [a.strip() for a in text.split(",") if a.strip()]


def _privacy_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--attributes", metavar="A,B",
        help="roster or event columns allowed next to the pseudonyms besides role and group "
        "(default: none; every other column is dropped)",
    )  # fmt: skip
    p.add_argument(
        "--names",
        action="store_true",
        help="keep person ids and display names in the outputs (default: pseudonyms)",
    )
    p.add_argument(
        "--key-file",
        metavar="FILE",
        help="key of the pseudonyms (default: the local key file ~/.connectana/key or "
        "$CONNECTANA_KEY_FILE, created if absent; never written into the outputs)",
    )


def _reading_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tz", help="time zone of timestamps written without an offset, e.g. UTC")
    day = p.add_mutually_exclusive_group()
    day.add_argument(
        "--dayfirst", dest="dayfirst", action="store_const", const=True, default=None,
        help="dates like 04/05/13 are day/month",
    )  # fmt: skip
    day.add_argument(
        "--monthfirst", dest="dayfirst", action="store_const", const=False,
        help="dates like 04/05/13 are month/day",
    )  # fmt: skip
    p.add_argument(
        "--time-format", metavar="FMT", help="explicit strptime format of the timestamps"
    )
    p.add_argument("--unit", choices=["s", "ms", "us", "ns"], help="unit of numeric epochs")
    p.add_argument(
        "--on-error",
        choices=["raise", "skip"],
        help="stop at the first bad record (raise) or set bad records aside (skip)",
    )
    p.add_argument(
        "--max-bytes", type=int, metavar="N",
        help="refuse a compressed input that decompresses to more than N bytes (default 1 GiB)",
    )  # fmt: skip
    p.add_argument("--year", type=int, help="year of dates written without one (moodle_log)")
    p.add_argument(
        "--column", action="append", metavar="FIELD=COLUMN",
        help="table format: the file's column holding an Events field, e.g. --column "
        "actor=Sender (repeat for each field); --column FIELD= leaves a field unmapped",
    )  # fmt: skip
    p.add_argument(
        "--action-map", action="append", metavar="RAW=ACTION",
        help="an action value of the file and the Events action it means, e.g. "
        "--action-map answered=reply (repeat for each value); table and xapi formats "
        "(xapi: a verb IRI, e.g. --action-map https://w3id.org/xapi/dod-isd/verbs/answered=reply)",
    )  # fmt: skip


def _extract_options(p: argparse.ArgumentParser) -> None:
    from .extract import EXTRACTABLE

    p.add_argument(
        "--extract", metavar="KINDS",
        help="pull resources out of the messages before their text is dropped: some of "
        f"{','.join(EXTRACTABLE)} (comma-separated) or all; the report then shows what "
        "travelled through the network (see docs/resources.md)",
    )  # fmt: skip
    p.add_argument(
        "--url-query", action="store_true",
        help="with --extract urls: keep URL query strings, minus tracking parameters "
        "(default: dropped, queries can hold personal data)",
    )  # fmt: skip


def _ties_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ties", default="reply", help="tie definition (default: reply)")
    p.add_argument(
        "--max-ties", type=int, metavar="N", default=DEFAULT_MAX_TIES,
        help=f"stop when the tie definition gives more than N interactions "
        f"(copresence; default {DEFAULT_MAX_TIES:,})",
    )  # fmt: skip


def _inputs_options(p: argparse.ArgumentParser, formats: list[str]) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="export file(s) or folder(s)")
    p.add_argument(
        "--format", required=True, action="append", choices=formats, metavar="NAME",
        help="reader, once for all inputs or once per input: " + ", ".join(formats),
    )  # fmt: skip
    p.add_argument(
        "--aliases", metavar="FILE",
        help="alias table (person, platform, platform_id) joining one person's accounts",
    )  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="connectana",
        description="Learning networks from online-course interaction logs.",
        epilog="Outputs are pseudonymised unless --names is given. See 'connectana CMD --help'.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    formats = sorted(READERS)

    p = sub.add_parser(
        "demo",
        help="the sample course end to end: summary, nodes.csv, edges.csv, report.html",
        description="Read the bundled sample course (forum_posts.csv + roster.csv), build the "
        "reply network, print a summary and write DIR/nodes.csv, DIR/edges.csv, "
        "DIR/summary.txt and the instructor report DIR/report.html.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    p.add_argument(
        "--data", metavar="DIR", help="folder with forum_posts.csv and roster.csv (default: sample)"
    )
    _privacy_options(p)
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser(
        "ingest",
        help="read export files into one Events table (Parquet)",
        description="Read one or more export files with the reader of --format, print the "
        "ingest report and write the Events as Parquet.",
    )
    _inputs_options(p, formats)
    p.add_argument("--out", required=True, metavar="FILE.parquet", help="output file")
    p.add_argument("--set-aside", metavar="FILE.csv", help="write the records set aside here")
    _reading_options(p)
    _extract_options(p)
    _privacy_options(p)
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser(
        "report",
        help="the instructor's HTML report for a course",
        description="Read the export(s), build the network and write DIR/report.html (one "
        "self-contained file: what formed, the pattern, who is isolated, growth, staff "
        "dependence, engagement, method), DIR/engagement.csv and DIR/isolated.csv.",
    )
    _inputs_options(p, formats)
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    p.add_argument("--roster", metavar="FILE", help="roster: person, role, group, display_name")
    _ties_options(p)
    p.add_argument("--title", default="Learning network report", help="title of the report")
    p.add_argument("--start", help="course start (e.g. 2026-01-12T00:00Z): periods = course weeks")
    p.add_argument("--freq", default="W", help="period length (default: W, weeks)")
    p.add_argument("--seed", type=int, default=0, help="seed of community detection")
    p.add_argument("--suppress-k", type=int, metavar="K", help="hide engagement counts below K")
    p.add_argument("--exclude", metavar="FILE", help="people who opted out, one id per line")
    p.add_argument(
        "--intervals", action=argparse.BooleanOptionalAction, default=None,
        help="show each student's numbers with 95 %% intervals (bootstrap of the evidence "
        f"sheet); default: for logs of at most {INTERVAL_EVENTS:,} events",
    )  # fmt: skip
    _reading_options(p)
    _extract_options(p)
    _privacy_options(p)
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser(
        "export",
        help="build a network and write it as GEXF, GraphML or CSV tables",
        description="Read an export file, build the network of --ties and write it with "
        "connectana.export.",
    )
    p.add_argument("input", metavar="INPUT", help="export file or folder")
    p.add_argument("--format", required=True, choices=formats, metavar="NAME",
                   help="reader: " + ", ".join(formats))  # fmt: skip
    _ties_options(p)
    p.add_argument("--to", required=True, choices=["gexf", "graphml", "csv"], help="output format")
    p.add_argument("--out", required=True, metavar="PATH", help="output file (folder for csv)")
    p.add_argument("--roster", metavar="FILE", help="roster CSV: person, role, group, display_name")
    p.add_argument("--aliases", metavar="FILE",
                   help="alias table (person, platform, platform_id) mapping the export's ids "
                   "onto the roster's")  # fmt: skip
    _reading_options(p)
    _extract_options(p)
    _privacy_options(p)
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser(
        "sample",
        help="regenerate the synthetic sample course",
        description="Simulate the sample course and write it in each platform's native format.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    p.add_argument("--seed", type=int, default=0, help="simulation seed (default: 0)")
    p.set_defaults(func=_cmd_sample)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``connectana`` command; returns the exit status.

    Examples
    --------
    >>> from connectana.cli import main
    >>> main([])  # doctest: +ELLIPSIS
    usage: connectana ...
    2
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_usage(sys.stdout)
        return 2
    with _cli_warnings():
        try:
            options = _validate(args)
            return int(args.func(args, options, Progress()))
        except ConnectanaError as exc:
            message = " ".join(str(exc).split())
            print(f"connectana: error: {cli_words(message)}", file=sys.stderr)
            return 2


@contextlib.contextmanager
def _cli_warnings() -> Iterator[None]:
    """Warnings as one CLI-worded line each, without Python's source line."""
    saved = warnings.showwarning
    warnings.showwarning = _show_warning
    try:
        yield
    finally:
        warnings.showwarning = saved
