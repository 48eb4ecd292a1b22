"""The ``connectana`` command.

Subcommands::

    connectana demo --out DIR        the sample course's reply network: summary, nodes, edges
    connectana ingest INPUT... --format NAME --out FILE.parquet
    connectana export INPUT --format NAME --ties reply --to gexf|graphml|csv --out PATH
    connectana sample --out DIR      regenerate the bundled sample course

Privacy by default: in the files the command writes, person ids are replaced by
pseudonyms ``P-`` + the first 8 hex digits (upper case) of HMAC-SHA256(key, id),
and display names are left out, unless ``--names`` is given. The key is read
from ``--key-file`` (default: ``.connectana_key`` in the output folder, created
with a random 256-bit key written as hexadecimal when absent); it is never
written into the outputs. Keep the key file to get the same pseudonyms on the
next run; delete it to unlink them. (A minimal private helper, compatible with
:mod:`connectana.privacy`'s key files and pseudonyms, which will replace it.)

Errors about the input print ``connectana: error: <message>`` on stderr and exit
with status 2; success exits with 0.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ConnectanaError, InputError
from .events import make_people
from .io import READERS, read_events
from .network import Network, build_network

__all__ = ["main", "network_summary"]

KEY_FILE = ".connectana_key"


# -- pseudonyms (minimal; connectana.privacy will replace this helper) ----------------------------


def _load_key(path: Path) -> bytes:
    """The key in ``path`` (hexadecimal text); a new random 32-byte key is written first if absent.

    Same file format as :func:`connectana.privacy.load_or_create_key`.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_bytes(32).hex() + "\n")
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii", errors="replace").strip())
    except ValueError:
        key = b""
    if len(key) < 16:
        raise InputError(
            "not a connectana key file",
            file=path,
            expected="at least 32 hexadecimal characters (a key file connectana wrote)",
        )
    return key


def _mapping(ids, key: bytes) -> dict[str, str]:
    """``id -> "P-" + first 8 hex digits (upper case) of HMAC-SHA256(key, id)``.

    When two ids share a pseudonym, all pseudonyms get one more digit until they
    are distinct (as :func:`connectana.privacy.pseudonym_map` does).
    """
    ids = sorted({str(x) for x in ids if not pd.isna(x)})
    digests = {x: hmac.new(key, x.encode("utf-8"), hashlib.sha256).hexdigest().upper() for x in ids}
    n = 8
    while n < 64 and len({d[:n] for d in digests.values()}) < len(digests):
        n += 1
    return {x: "P-" + d[:n] for x, d in digests.items()}


def _pseudonymize_network(net: Network, key: bytes) -> Network:
    nodes = net.nodes.copy()
    is_person = (
        nodes["kind"].eq("person").fillna(True).to_numpy()
        if "kind" in nodes
        else np.ones(len(nodes), dtype=bool)
    )
    mapping = _mapping(nodes.index[is_person], key)
    nodes.index = pd.Index(
        [mapping.get(str(x), str(x)) for x in nodes.index], name=nodes.index.name, dtype="string"
    )
    nodes = nodes.drop(columns=[c for c in ("display_name",) if c in nodes.columns])
    edges = net.edges.copy()
    for c in ("source", "target"):
        edges[c] = edges[c].map(lambda x: mapping.get(str(x), x)).astype("string")
    return Network(nodes=nodes, edges=edges, directed=net.directed, meta=dict(net.meta))


def _pseudonymize_events(events: pd.DataFrame, key: bytes) -> pd.DataFrame:
    out = events.copy()
    mapping = _mapping(pd.concat([out["actor"], out["target"]]).dropna(), key)
    for c in ("actor", "target"):
        out[c] = out[c].map(lambda x: mapping.get(str(x), x) if not pd.isna(x) else x)
        out[c] = out[c].astype(events[c].dtype)
    return out


def _key_for(args: argparse.Namespace, out_dir: Path) -> bytes | None:
    """The pseudonymisation key, or None with ``--names``."""
    if args.names:
        return None
    return _load_key(Path(args.key_file) if args.key_file else out_dir / KEY_FILE)


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
    - density = ties / (n (n - 1)) for a directed network, ties / (n (n - 1) / 2)
      undirected (n nodes, self-loops excluded);
    - reciprocity = share of distinct directed ties a→b whose reverse b→a is
      also a tie (1 for undirected networks);
    - weak components are counted over every node, isolates included;
    - instructor share = share of distinct ties with a person of role
      ``instructor`` at either end (TAs are not instructors).

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
    n = net.n_nodes
    e = net.edges
    ties = net.n_ties
    pairs = n * (n - 1) if net.directed else n * (n - 1) / 2
    density = ties / pairs if pairs else 0.0
    if net.directed and ties:
        fwd = set(zip(e["source"].astype(str), e["target"].astype(str), strict=True))
        reciprocity = sum((t, s) in fwd for s, t in fwd) / len(fwd)
    else:
        reciprocity = 1.0 if ties else 0.0
    g = net.to_igraph()
    comps = g.connected_components(mode="weak")
    sizes = comps.sizes()
    touched = set(e["source"].astype(str)) | set(e["target"].astype(str))
    if "in_roster" in net.nodes.columns:
        roster = net.nodes.index[net.nodes["in_roster"].fillna(False).to_numpy(dtype=bool)]
    else:
        roster = net.nodes.index
    isolated = [str(x) for x in roster if str(x) not in touched]
    role = net.nodes["role"].astype("string") if "role" in net.nodes.columns else None
    if role is not None and ties:
        is_inst = set(map(str, net.nodes.index[(role == "instructor").fillna(False).to_numpy()]))
        with_inst = e["source"].astype(str).isin(is_inst) | e["target"].astype(str).isin(is_inst)
        share = float(with_inst.mean())
    else:
        share = 0.0
    return {
        "nodes": n,
        "ties": int(ties),
        "interactions": net.n_interactions,
        "density": float(density),
        "reciprocity": float(reciprocity),
        "weak_components": len(sizes),
        "largest_component": max(sizes) if sizes else 0,
        "isolated": isolated,
        "instructor_share": share,
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
    nodes.to_csv(nodes_path, index_label="node", lineterminator="\n")
    edges.to_csv(edges_path, index=False, lineterminator="\n")
    return nodes_path, edges_path


def _read_roster(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise InputError("roster file not found", file=path)
    try:
        table = pd.read_csv(path, dtype=str)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the roster: {exc}", file=path) from exc
    try:
        return make_people(
            table, person="person", role="role", group="group", display_name="display_name"
        )
    except InputError as exc:
        if exc.file is None:
            exc.file = str(path)
            exc.args = (exc._message(),)
        raise


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
    return opts


def _read(path: str, fmt: str, options: dict) -> pd.DataFrame:
    p = Path(path)
    if not p.exists():
        raise InputError("input not found", file=p)
    try:
        return read_events(p, format=fmt, **options)
    except NotImplementedError as exc:
        raise ConnectanaError(str(exc)) from exc
    except TypeError as exc:  # an option the reader does not take
        if not options:
            raise
        raise ConnectanaError(f"the {fmt!r} reader does not accept these options: {exc}") from exc


# -- subcommands ----------------------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace) -> int:
    from .datasets import sample_path

    folder = Path(args.data) if args.data else sample_path()
    ev = _read(str(folder / "forum_posts.csv"), "table", {})
    people = _read_roster(folder / "roster.csv")
    net = build_network(ev, ties="reply", people=people)
    stats = network_summary(net)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    key = _key_for(args, out)
    names = {}
    if key is not None:
        names = _mapping(net.nodes.index, key)
        net = _pseudonymize_network(net, key)
    text = _summary_text(
        f"connectana demo — the sample course ({folder})", [ev.attrs["ingest"]], stats, names
    )
    _write_network_csv(net, out)
    (out / "summary.txt").write_text(text, encoding="utf-8")
    print(text, end="")
    print(f"wrote {out / 'nodes.csv'}, {out / 'edges.csv'}, {out / 'summary.txt'}")
    if key is not None:
        print("person ids are pseudonymised (use --names to keep them)")
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    options = _reader_options(args)
    tables = []
    reports = []
    for i, path in enumerate(args.inputs, start=1):
        ev = _read(path, args.format, options)
        reports.append(ev.attrs["ingest"])
        if len(args.inputs) > 1:
            ev = ev.assign(
                event_id=(f"{i}:" + ev["event_id"].astype(str)).astype(ev["event_id"].dtype)
            )
        tables.append(ev)
    events = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0].copy()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    key = _key_for(args, out.parent)
    if key is not None:
        events = _pseudonymize_events(events, key)
    info = [json.loads(json.dumps(r.to_dict(), default=str)) for r in reports]
    events.attrs = {"ingest": info}
    events.to_parquet(out, index=False)
    for r in reports:
        print(r)
    print(f"wrote {len(events)} events to {out}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    try:
        from . import export
    except ModuleNotFoundError as exc:
        if exc.name == "connectana.export":
            raise ConnectanaError(
                "network export is not available yet (connectana.export is missing)"
            ) from exc
        raise
    ev = _read(args.input, args.format, _reader_options(args))
    people = _read_roster(Path(args.roster)) if args.roster else None
    net = build_network(ev, ties=args.ties, people=people)
    out = Path(args.out)
    key = _key_for(args, out if args.to == "csv" else out.parent)
    if key is not None:
        net = _pseudonymize_network(net, key)
    writer = {"gexf": "to_gexf", "graphml": "to_graphml", "csv": "write_tables"}[args.to]
    func = getattr(export, writer, None)
    if func is None:
        raise ConnectanaError(f"connectana.export has no {writer}() yet")
    print(ev.attrs["ingest"])
    func(net, out)
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
        help=f"key of the pseudonyms (default: {KEY_FILE} in the output folder, created if absent)",
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
        help="the sample course's reply network: summary, nodes.csv, edges.csv",
        description="Read the bundled sample course (forum_posts.csv + roster.csv), build the "
        "reply network, print a summary and write DIR/nodes.csv, DIR/edges.csv and "
        "DIR/summary.txt.",
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
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="export file(s) or folder(s)")
    p.add_argument("--format", required=True, choices=formats, metavar="NAME",
                   help="reader: " + ", ".join(formats))  # fmt: skip
    p.add_argument("--out", required=True, metavar="FILE.parquet", help="output file")
    _reading_options(p)
    _privacy_options(p)
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser(
        "export",
        help="build a network and write it as GEXF, GraphML or CSV tables",
        description="Read an export file, build the network of --ties and write it with "
        "connectana.export.",
    )
    p.add_argument("input", metavar="INPUT", help="export file or folder")
    p.add_argument("--format", required=True, choices=formats, metavar="NAME",
                   help="reader: " + ", ".join(formats))  # fmt: skip
    p.add_argument("--ties", default="reply", help="tie definition (default: reply)")
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
