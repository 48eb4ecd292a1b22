"""The ``connectana`` command.

Subcommands::

    connectana demo --out DIR        the sample course end to end: summary, tables, report.html
    connectana report INPUT... --format NAME --out DIR [--roster FILE] [--aliases FILE]
    connectana ingest INPUT... --format NAME --out FILE.parquet
    connectana export INPUT --format NAME --ties reply --to gexf|graphml|csv --out PATH
    connectana sample --out DIR      regenerate the bundled sample course

Privacy by default: in everything the command writes, person ids are replaced
by keyed pseudonyms (:mod:`connectana.privacy`: ``P-`` + 8 hex digits of
HMAC-SHA256 in tables, ``S-`` + 4 in the report's figures and tables) and
display names are left out, unless ``--names`` is given. The key is read from
``--key-file`` (default: the local key file of
:func:`connectana.privacy.default_key_file`, created once); it never appears in
any output, and it is never written into the output folder.

Errors about the input print ``connectana: error: <message>`` on stderr and exit
with status 2; success exits with 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .errors import ConnectanaError, InputError
from .io import READERS, read_events
from .network import Network, build_network
from .ties import DEFAULT_MAX_TIES

__all__ = ["main", "network_summary"]


def _key_for(args: argparse.Namespace) -> bytes | None:
    """The pseudonymisation key, or None with ``--names``."""
    from .privacy import default_key_file, load_or_create_key

    if args.names:
        return None
    return load_or_create_key(Path(args.key_file) if args.key_file else default_key_file())


# -- the network summary ---------------------------------------------------------------------------


def network_summary(net: Network) -> dict:
    """Numbers the demo prints about a network.

    Returns
    -------
    dict
        ``nodes``, ``ties`` (distinct ties), ``interactions`` (sum of weights),
        ``density``, ``reciprocity``, ``weak_components``,
        ``largest_component`` (nodes), ``isolated`` (ids of roster members
        with no tie, in roster order), ``instructor_share``.

    Notes
    -----
    Taken from :func:`connectana.summary` (density, reciprocity, weak
    components over every node, isolates included) and
    :func:`connectana.staff_dependence` with instructors only (the share of
    distinct ties with an instructor at either end; TAs are not instructors).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.cli import network_summary
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "c"], "target": ["b", "a", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3, utc=True)}))
    >>> s = network_summary(ca.build_network(ev, people=ca.make_people(["a", "b", "c", "d"])))
    >>> s["ties"], s["reciprocity"], s["weak_components"], s["isolated"]
    (3, 0.6666666666666666, 2, ['d'])
    """
    from .metrics.roles import staff_dependence
    from .metrics.structure import summary

    stats = summary(net)
    sizes = net.to_igraph().connected_components(mode="weak").sizes()
    touched = set(net.edges["source"].astype(str)) | set(net.edges["target"].astype(str))
    if "in_roster" in net.nodes.columns:
        roster = net.nodes.index[net.nodes["in_roster"].fillna(False).to_numpy(dtype=bool)]
    else:
        roster = net.nodes.index
    share = staff_dependence(net, staff_roles=("instructor",)).shares["ties_involving"]
    return {
        "nodes": int(stats["nodes"]),
        "ties": int(stats["ties"]),
        "interactions": int(stats["interactions"]),
        "density": float(stats["density"]),
        "reciprocity": float(stats["reciprocity"]) if net.directed else 1.0,
        "weak_components": int(stats["weak_components"]),
        "largest_component": max(sizes) if sizes else 0,
        "isolated": [str(x) for x in roster if str(x) not in touched],
        "instructor_share": 0.0 if pd.isna(share) else float(share),
    }


def _summary_text(title: str, reports: list, stats: dict, names: dict[str, str]) -> str:
    iso = [names.get(x, x) for x in stats["isolated"]]
    lines = [title, ""]
    for r in reports:
        lines += [str(r), ""]
    lines += [
        "Reply network (directed; tie = a reply to the author of the parent post)",
    ]
    rows = [
        ("nodes", stats["nodes"]),
        ("distinct ties", stats["ties"]),
        ("interactions", stats["interactions"]),
        ("density", f"{stats['density']:.4f}"),
        ("reciprocity", f"{stats['reciprocity']:.3f}"),
        (
            "weak components",
            f"{stats['weak_components']} (largest: {stats['largest_component']} nodes)",
        ),
        ("isolated learners", f"{len(iso)} (roster members with no ties)"),
        ("instructor share of ties", f"{stats['instructor_share']:.3f}"),
    ]
    lines += [f"  {label:<24} : {value}" for label, value in rows]
    if iso:
        lines.append("  isolated: " + ", ".join(iso))
    return "\n".join(lines) + "\n"


# -- output helpers -------------------------------------------------------------------------------


def _iso(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_network_csv(net: Network, folder: Path) -> tuple[Path, Path]:
    from .privacy import write_csv

    folder.mkdir(parents=True, exist_ok=True)
    nodes = net.nodes.copy()
    g = net.to_igraph()
    if net.directed:
        nodes["in_degree"] = g.degree(mode="in")
        nodes["out_degree"] = g.degree(mode="out")
    else:
        nodes["degree"] = g.degree()
    edges = net.edges.copy()
    for c in ("first", "last"):
        if c in edges.columns and isinstance(edges[c].dtype, pd.DatetimeTZDtype):
            edges[c] = _iso(edges[c])
    nodes_path, edges_path = folder / "nodes.csv", folder / "edges.csv"
    write_csv(nodes, nodes_path, index=True, index_label="node")
    write_csv(edges, edges_path)
    return nodes_path, edges_path


def _read_roster(path: Path) -> pd.DataFrame:
    from .people import read_people

    if not path.exists():
        raise InputError("roster file not found", file=path)
    return read_people(path)


def _reader_options(args: argparse.Namespace) -> dict:
    opts = {}
    if args.tz:
        opts["tz"] = args.tz
    if args.dayfirst is not None:
        opts["dayfirst"] = args.dayfirst
    if args.time_format:
        opts["time_format"] = args.time_format
    if args.unit:
        opts["unit"] = args.unit
    if args.on_error:
        opts["on_error"] = args.on_error
    if getattr(args, "max_bytes", None):
        opts["max_bytes"] = args.max_bytes
    return opts


def _read(path: str, fmt: str, options: dict) -> pd.DataFrame:
    p = Path(path)
    if not p.exists():
        raise InputError("input not found", file=p)
    try:
        return read_events(p, format=fmt, **options)
    except TypeError as exc:  # an option the reader does not take
        if not options:
            raise
        raise ConnectanaError(f"the {fmt!r} reader does not accept these options: {exc}") from exc


# -- subcommands ----------------------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace) -> int:
    from .datasets import COURSE_START, sample_path
    from .privacy import pseudonym_map, pseudonymize
    from .report import write_report

    folder = Path(args.data) if args.data else sample_path()
    ev = _read(str(folder / "forum_posts.csv"), "table", {})
    people = _read_roster(folder / "roster.csv")
    net = build_network(ev, ties="reply", people=people)
    stats = network_summary(net)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    key = _key_for(args)
    names = {}
    if key is not None:
        names = pseudonym_map(net.nodes.index, key=key)
        net = pseudonymize(net, key=key)
    text = _summary_text(
        f"connectana demo — the sample course ({folder})", [ev.attrs["ingest"]], stats, names
    )
    _write_network_csv(net, out)
    (out / "summary.txt").write_text(text, encoding="utf-8")
    report = write_report(
        ev,
        out,
        people=people,
        title="The sample course: learning network report",
        names=args.names,
        key=key,
        start=COURSE_START,
    )
    print(text, end="")
    print(f"wrote {out / 'nodes.csv'}, {out / 'edges.csv'}, {out / 'summary.txt'}, {report}")
    if key is not None:
        print("person ids are pseudonymised (use --names to keep them)")
    return 0


def _read_all(args: argparse.Namespace) -> pd.DataFrame:
    """Read every input (one --format for all, or one per input) into one Events table."""
    from .people import concat_events, read_aliases

    formats = args.format if isinstance(args.format, list) else [args.format]
    if len(formats) not in (1, len(args.inputs)):
        raise ConnectanaError(
            f"give --format once, or once per input ({len(args.inputs)} inputs, "
            f"{len(formats)} formats)"
        )
    formats = formats * len(args.inputs) if len(formats) == 1 else formats
    options = _reader_options(args)
    tables = [_read(p, f, options) for p, f in zip(args.inputs, formats, strict=True)]
    aliases = read_aliases(Path(args.aliases)) if getattr(args, "aliases", None) else None
    if len(tables) == 1 and aliases is None:
        return tables[0]
    return concat_events(tables, aliases=aliases)


def _cmd_ingest(args: argparse.Namespace) -> int:
    from .privacy import pseudonymize

    events = _read_all(args)
    report = events.attrs["ingest"]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    key = _key_for(args)
    if key is not None:
        events = pseudonymize(events, key=key)
    info = json.loads(json.dumps(report.to_dict(), default=str))
    events.attrs = {"ingest": info}
    events.to_parquet(out, index=False)
    if args.set_aside:
        report.write_set_aside(args.set_aside)
    print(report)
    print(f"wrote {len(events)} events to {out}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import write_report

    events = _read_all(args)
    people = _read_roster(Path(args.roster)) if args.roster else None
    exclude = None
    if args.exclude:
        exclude = [x.strip() for x in Path(args.exclude).read_text().splitlines() if x.strip()]
    print(events.attrs["ingest"])
    path = write_report(
        events,
        args.out,
        people=people,
        ties=args.ties,
        title=args.title,
        names=args.names,
        key=_key_for(args),
        freq=args.freq,
        start=args.start,
        seed=args.seed,
        suppress_k=args.suppress_k,
        exclude=exclude,
        max_ties=args.max_ties,
    )
    print(f"wrote {path}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from . import export
    from .privacy import pseudonymize

    ev = _read(args.input, args.format, _reader_options(args))
    people = _read_roster(Path(args.roster)) if args.roster else None
    net = build_network(ev, ties=args.ties, people=people, max_ties=args.max_ties)
    out = Path(args.out)
    key = _key_for(args)
    if key is not None:
        net = pseudonymize(net, key=key)
    writer = {"gexf": export.to_gexf, "graphml": export.to_graphml, "csv": export.write_tables}
    print(ev.attrs["ingest"])
    writer[args.to](net, out)
    print(f"wrote {net!r} to {out}")
    return 0


def _cmd_sample(args: argparse.Namespace) -> int:
    from .datasets import write_sample_data

    for p in write_sample_data(args.out, seed=args.seed):
        print(p)
    return 0


# -- parser ---------------------------------------------------------------------------------------


def _privacy_options(p: argparse.ArgumentParser) -> None:
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
    _reading_options(p)
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
    _reading_options(p)
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
    try:
        return int(args.func(args))
    except ConnectanaError as exc:
        print(f"connectana: error: {exc}", file=sys.stderr)
        return 2
