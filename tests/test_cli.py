"""The connectana command: demo, ingest, export, sample; exit codes, messages and pseudonyms."""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import connectana as ca
from connectana.cli import main, network_summary

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
ID_PATTERN = re.compile(r"\b(s\d{3}|inst\d|ta\d)\b")


@pytest.fixture(scope="module")
def net() -> ca.Network:
    ev = ca.read_events(SAMPLE / "forum_posts.csv", format="table")
    roster = pd.read_csv(SAMPLE / "roster.csv")
    people = ca.make_people(
        roster, person="person", role="role", group="group", display_name="display_name"
    )
    return ca.build_network(ev, ties="reply", people=people)


@pytest.fixture(scope="module")
def expected(net) -> dict:
    """The demo's numbers, computed here with networkx and pandas."""
    g = nx.DiGraph()
    g.add_nodes_from(net.nodes.index)
    g.add_weighted_edges_from(net.edges[["source", "target", "weight"]].itertuples(index=False))
    role = net.nodes["role"]
    e = net.edges
    staff = ["instructor", "ta"]
    involving = e["source"].map(role).isin(staff) | e["target"].map(role).isin(staff)
    return {
        "nodes": g.number_of_nodes(),
        "ties": g.number_of_edges(),
        "interactions": int(g.size(weight="weight")),
        "density": nx.density(g),
        "reciprocity": nx.reciprocity(g),
        "weak_components": nx.number_weakly_connected_components(g),
        "largest": max(len(c) for c in nx.weakly_connected_components(g)),
        "isolated": sorted(n for n in g if g.degree(n) == 0),
        # interactions with an instructor or a TA at either end, out of all interactions
        "staff_interaction_share": float(e.loc[involving, "weight"].sum() / e["weight"].sum()),
    }


def _value(text: str, label: str) -> str:
    """The value printed for ``label`` (registry name) in the summary, without its words."""
    m = re.search(rf"^\s*{re.escape(label)}\s*: (\S+)(.*)$", text, flags=re.M)
    assert m, f"{label!r} not in the summary"
    return m.group(1)


def _words(text: str, label: str) -> str:
    m = re.search(rf"^\s*{re.escape(label)}\s*: (\S+)(.*)$", text, flags=re.M)
    return m.group(2).strip()


def test_demo_prints_the_right_numbers(tmp_path, capsys, expected):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "records read : 1062" in out
    assert int(_value(out, "nodes")) == expected["nodes"] == 84
    assert int(_value(out, "ties")) == expected["ties"]
    assert int(_value(out, "interactions")) == expected["interactions"] == 978
    assert _value(out, "density") == f"{expected['density']:.4f}"
    assert _value(out, "reciprocity") == f"{expected['reciprocity']:.3f}"
    assert int(_value(out, "weak_components")) == expected["weak_components"]
    assert f"largest holds {expected['largest']} nodes" in _words(out, "weak_components")
    assert int(_value(out, "isolates")) == len(expected["isolated"])
    # the one staff share, by its name, with words saying what it is
    share = _value(out, "staff_interaction_share")
    assert share == f"{expected['staff_interaction_share']:.3f}" == "0.291"
    assert "instructor or a TA at either end" in _words(out, "staff_interaction_share")
    assert (tmp_path / "summary.txt").read_text() in out
    # every file written is listed
    listed = {Path(line.strip()).name for line in out.split("wrote:")[1].splitlines()[1:7]}
    assert listed == {p.name for p in tmp_path.iterdir()}
    # local paths are not printed: the ingest report names the file only
    assert str(SAMPLE) not in out


def test_network_summary_matches_networkx(net, expected):
    s = network_summary(net)
    assert s["ties"] == expected["ties"]
    assert s["density"] == pytest.approx(expected["density"])
    assert s["reciprocity"] == pytest.approx(expected["reciprocity"])
    assert s["weak_components"] == expected["weak_components"]
    assert sorted(s["isolates"]) == expected["isolated"]
    assert s["staff_interaction_share"] == pytest.approx(expected["staff_interaction_share"])
    # the 12 lurkers and the 3 isolated learners are among them
    assert len(s["isolates"]) >= 15


def test_demo_outputs_are_pseudonymised(tmp_path, capsys, net):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    # the default key lives in the local key file, never in the output folder
    assert not (tmp_path / ".connectana_key").exists()
    key = Path(os.environ["CONNECTANA_KEY_FILE"]).read_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    nodes = pd.read_csv(tmp_path / "nodes.csv")
    edges = pd.read_csv(tmp_path / "edges.csv")
    assert len(nodes) == net.n_nodes and len(edges) == net.n_ties
    assert nodes["node"].str.fullmatch(r"P-[0-9A-F]{8}").all()
    assert "display_name" not in nodes.columns
    digest = hmac.new(bytes.fromhex(key), b"s001", hashlib.sha256).hexdigest()
    expected_pseudonym = "P-" + digest[:8].upper()
    assert expected_pseudonym in set(nodes["node"])
    assert int(edges["weight"].sum()) == 978
    for f in ("nodes.csv", "edges.csv", "summary.txt", "report.html", "engagement.csv",
              "isolated.csv"):  # fmt: skip
        text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", (tmp_path / f).read_text())
        assert not ID_PATTERN.search(text), f
        assert "Learner 0" not in text and "Instructor 1" not in text
        assert key not in text
    assert not ID_PATTERN.search(printed)


def test_demo_pseudonyms_are_stable_with_the_same_key(tmp_path, capsys):
    key = tmp_path / "key.txt"
    key.write_text("00112233445566778899aabbccddeeff\n")
    assert main(["demo", "--out", str(tmp_path / "a"), "--key-file", str(key)]) == 0
    assert main(["demo", "--out", str(tmp_path / "b"), "--key-file", str(key)]) == 0
    assert not (tmp_path / "a" / ".connectana_key").exists()
    a = (tmp_path / "a" / "nodes.csv").read_bytes()
    assert a == (tmp_path / "b" / "nodes.csv").read_bytes()
    digest = hmac.new(bytes.fromhex("00112233445566778899aabbccddeeff"), b"inst1", hashlib.sha256)
    assert ("P-" + digest.hexdigest()[:8].upper()).encode() in a


def test_a_bad_key_file_exits_2(tmp_path, capsys):
    key = tmp_path / "key.txt"
    key.write_text("not hex\n")
    assert main(["demo", "--out", str(tmp_path / "a"), "--key-file", str(key)]) == 2
    assert "key.txt" in capsys.readouterr().err


def test_demo_with_names_keeps_ids(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--names"]) == 0
    nodes = pd.read_csv(tmp_path / "nodes.csv")
    assert nodes["node"].iloc[0] == "inst1"
    assert "Learner 001" in set(nodes["display_name"])
    assert not (tmp_path / ".connectana_key").exists()


def test_demo_via_python_m(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-m", "connectana", "demo", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "staff_interaction_share" in proc.stdout
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "nodes.csv", "edges.csv", "summary.txt", "report.html", "engagement.csv", "isolated.csv"
    }  # fmt: skip


def test_bad_input_exits_2_naming_the_file(tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    assert (
        main(["ingest", str(missing), "--format", "table", "--out", str(tmp_path / "x.parquet")])
        == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("connectana: error: ") and "nope.csv" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("colour,size\nred,3\n")
    assert (
        main(["ingest", str(bad), "--format", "table", "--out", str(tmp_path / "x.parquet")]) == 2
    )
    err = capsys.readouterr().err
    assert "bad.csv" in err and "Traceback" not in err
    assert not (tmp_path / "x.parquet").exists()


def test_bad_roster_in_demo_exits_2(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "forum_posts.csv").write_bytes((SAMPLE / "forum_posts.csv").read_bytes())
    (data / "roster.csv").write_text("id,role\n1,student\n")
    assert main(["demo", "--out", str(tmp_path / "out"), "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert "roster.csv" in err and "person" in err


def test_bad_input_via_python_m_has_no_traceback(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-m", "connectana", "ingest", str(tmp_path / "missing.json"),
         "--format", "table", "--out", str(tmp_path / "e.parquet")],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.startswith("connectana: error: ")
    assert "missing.json" in proc.stderr and "Traceback" not in proc.stderr


def test_ingest_writes_pseudonymised_parquet(tmp_path, capsys):
    out = tmp_path / "ev.parquet"
    args = ["ingest", str(SAMPLE / "forum_posts.csv"), "--format", "table", "--out", str(out)]
    assert main(args) == 0
    assert "records read : 1062" in capsys.readouterr().out
    ev = pd.read_parquet(out)
    assert len(ev) == 1062
    assert ev["actor"].str.fullmatch(r"P-[0-9A-F]{8}").all()
    assert ev["target"].dropna().str.fullmatch(r"P-[0-9A-F]{8}").all()
    assert int(ev["target"].notna().sum()) == 978
    assert Path(os.environ["CONNECTANA_KEY_FILE"]).exists()
    assert not (tmp_path / ".connectana_key").exists()
    assert main(args + ["--names"]) == 0
    assert "s001" in set(pd.read_parquet(out)["actor"])


def test_ingest_passes_reading_options(tmp_path, capsys):
    f = tmp_path / "edges.csv"
    f.write_text("Sender,Receiver,Timestamp\n1,2,04/05/13 10:00\n2,1,05/05/13 11:00\n")
    out = tmp_path / "e.parquet"
    # ambiguous day/month order and no time zone: an error naming the option
    assert main(["ingest", str(f), "--format", "table", "--out", str(out), "--names"]) == 2
    assert "edges.csv" in capsys.readouterr().err
    args = ["ingest", str(f), "--format", "table", "--out", str(out), "--names", "--tz", "UTC"]
    assert main(args + ["--dayfirst"]) == 0
    assert str(pd.read_parquet(out)["timestamp"].iloc[0]) == "2013-05-04 10:00:00+00:00"
    assert main(args + ["--monthfirst"]) == 0
    assert str(pd.read_parquet(out)["timestamp"].iloc[0]) == "2013-04-05 10:00:00+00:00"


def test_ingest_several_inputs(tmp_path, capsys):
    out = tmp_path / "two.parquet"
    src = str(SAMPLE / "forum_posts.csv")
    # the same file twice is duplicated data: an error, not a double count
    assert main(["ingest", src, src, "--format", "table", "--out", str(out), "--names"]) == 2
    assert "the same event is in two tables" in capsys.readouterr().err
    # two platforms, one format each, one person per learner through the alias table
    args = ["ingest", str(SAMPLE / "moodle_forum_export.csv"), str(SAMPLE / "wordpress_blogs.xml"),
            "--format", "moodle_forum", "--format", "wordpress",
            "--aliases", str(SAMPLE / "aliases.csv"), "--out", str(out), "--names"]  # fmt: skip
    assert main(args) == 0
    ev = pd.read_parquet(out)
    assert ev["event_id"].is_unique and set(ev["platform"]) == {"moodle", "wordpress"}
    roster = set(pd.read_csv(SAMPLE / "roster.csv")["person"])
    blog_actors = set(ev.loc[ev["platform"] == "wordpress", "actor"])
    assert {"inst1"} <= set(ev.loc[ev["platform"] == "moodle", "actor"]) and "inst1" in blog_actors
    assert len(blog_actors & roster) >= 50


def test_export(tmp_path, capsys):
    args = ["export", str(SAMPLE / "forum_posts.csv"), "--format", "table", "--to", "graphml",
            "--out", str(tmp_path / "net.graphml")]  # fmt: skip
    if importlib.util.find_spec("connectana.export") is None:
        assert main(args) == 2
        assert "connectana.export" in capsys.readouterr().err
    else:
        assert main(args) == 0
        text = (tmp_path / "net.graphml").read_text()
        assert "P-" in text and not ID_PATTERN.search(text)


def test_sample_regenerates_the_bundled_files(tmp_path, capsys):
    assert main(["sample", "--out", str(tmp_path)]) == 0
    for name in ("forum_posts.csv", "roster.csv", "xapi_statements.json"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes()


@pytest.mark.parametrize("command", [[], ["demo"], ["ingest"], ["export"], ["sample"]])
def test_help_everywhere(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*command, "--help"])
    assert exc.value.code == 0
    assert "usage: connectana" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys):
    assert main([]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["ingest", "x.csv", "--format", "no_such_format", "--out", "x.parquet"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["report"])
    assert exc.value.code == 2


def test_export_tables_with_a_roster(tmp_path, capsys):
    pytest.importorskip("connectana.export")
    out = tmp_path / "tables"
    args = ["export", str(SAMPLE / "forum_posts.csv"), "--format", "table", "--to", "csv",
            "--out", str(out), "--roster", str(SAMPLE / "roster.csv")]  # fmt: skip
    assert main(args) == 0
    nodes = pd.read_csv(out / "nodes.csv")
    edges = pd.read_csv(out / "edges.csv")
    assert len(nodes) == 84  # the roster's people, isolated ones included
    assert len(edges) == 642 and int(edges["weight"].sum()) == 978
    for f in ("nodes.csv", "edges.csv"):
        text = (out / f).read_text()
        assert not ID_PATTERN.search(text) and "Learner 0" not in text


# -- every option is checked before anything is read or written ------------------------------------
FORUM = str(SAMPLE / "forum_posts.csv")


@pytest.mark.parametrize(
    ("extra", "option", "fix"),
    [
        (["--ties", "replies"], "--ties", "choose one of reply, star"),
        (["--start", "2026-01-12"], "--start", "2026-01-12T00:00Z"),
        (["--start", "nextmonday"], "--start", "2026-01-12T00:00Z"),
        (["--freq", "weekly"], "--freq", "W (weeks)"),
        (["--tz", "Mars/Olympus"], "--tz", "Europe/Madrid"),
        (["--suppress-k", "1"], "--suppress-k", "K >= 2"),
        (["--column", "actor"], "--column", "FIELD=COLUMN"),
        (["--column", "sender=Sender"], "--column", "not an Events field"),
        (["--roster", "no_roster.csv"], "--roster", "not found"),
    ],
)
def test_report_option_mistakes_exit_2_in_one_line_writing_nothing(
    tmp_path, capsys, monkeypatch, extra, option, fix
):
    import connectana.io as io

    def no_read(*args, **kwargs):  # nothing may be read before the options are checked
        raise AssertionError("read before checking the options")

    monkeypatch.setattr("connectana.cli.read_events", no_read)
    assert io.READERS  # the readers stay registered
    out = tmp_path / "out"
    assert main(["report", FORUM, "--format", "table", "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"connectana: error: {option}: ") and fix in err, err
    assert "Traceback" not in err
    assert not out.exists()


def test_out_naming_an_existing_file_exits_2(tmp_path, capsys):
    taken = tmp_path / "taken"
    taken.write_text("x")
    assert main(["report", FORUM, "--format", "table", "--out", str(taken)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("connectana: error: --out: ") and "is a file" in err
    assert main(["demo", "--out", str(taken)]) == 2
    assert "--out" in capsys.readouterr().err
    folder = tmp_path / "folder"
    folder.mkdir()
    assert main(["ingest", FORUM, "--format", "table", "--out", str(folder)]) == 2
    assert "is a folder; give a file name" in capsys.readouterr().err
    assert taken.read_text() == "x" and not any(folder.iterdir())


def test_an_option_the_reader_does_not_take_is_named(tmp_path, capsys):
    out = tmp_path / "e.parquet"
    args = ["ingest", str(SAMPLE / "moodle_forum_export.csv"), "--format", "moodle_forum"]
    assert main([*args, "--out", str(out), "--column", "actor=Sender"]) == 2
    err = capsys.readouterr().err
    assert err == "connectana: error: --column: the moodle_forum reader does not take this option\n"
    assert not out.exists()


def test_column_option_maps_a_table_column(tmp_path, capsys):
    f = tmp_path / "log.csv"
    f.write_text("Sender,Receiver,When\na,b,2024-01-01T10:00Z\nb,a,2024-01-02T10:00Z\n")
    out = tmp_path / "e.parquet"
    args = ["ingest", str(f), "--format", "table", "--out", str(out), "--names"]
    # without the mapping: a CLI-worded error (no Python advice)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "--column timestamp=<your column>" in err and "columns={" not in err
    assert main([*args, "--column", "timestamp=When", "--column", "actor=Sender",
                 "--column", "target=Receiver"]) == 0  # fmt: skip
    ev = pd.read_parquet(out)
    assert ev["actor"].tolist() == ["a", "b"] and ev["target"].tolist() == ["b", "a"]
    # --column FIELD= leaves a field unmapped (a column named like it is not used)
    g = tmp_path / "log2.csv"
    g.write_text("actor,target,timestamp\na,b,2024-01-01T10:00Z\nb,a,2024-01-02T10:00Z\n")
    args = ["ingest", str(g), "--format", "table", "--out", str(out), "--names"]
    assert main([*args, "--column", "target="]) == 0
    assert pd.read_parquet(out)["target"].isna().all()


def test_warnings_are_one_cli_line_without_source(tmp_path):
    """A report without a roster: the staff warning names --roster, not Python."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-m", "connectana", "report", FORUM, "--format", "table",
         "--out", str(tmp_path / "r"), "--no-intervals"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines and all(line.startswith("connectana: warning: ") for line in lines), lines
    assert any("--roster FILE" in line for line in lines)
    assert ".py:" not in proc.stderr and "people=" not in proc.stderr
    # not a terminal: no progress lines; every file written is listed
    assert " s] " not in proc.stderr
    listed = {line.strip() for line in proc.stdout.split("wrote:")[1].splitlines() if line.strip()}
    assert listed == {str(p) for p in (tmp_path / "r").iterdir()}
    assert {Path(p).name for p in listed} == {"report.html", "engagement.csv", "isolated.csv"}
    # no roster, no staff known: the staff share is unknown, never a measured 0 %
    page = (tmp_path / "r" / "report.html").read_text()
    assert "Staff share unknown" in page and "<b>0%</b> of all interactions" not in page
    assert "Intervals were not computed for this report" in page  # --no-intervals


def test_one_pseudonym_style_per_output_folder(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    # the ingest report printed and stored is worded for the command line too
    summary = (tmp_path / "summary.txt").read_text()
    assert "(override with --column FIELD=COLUMN, or --column FIELD= to leave one unmapped)" in (
        summary
    )
    assert "columns={" not in summary + capsys.readouterr().out
    nodes = set(pd.read_csv(tmp_path / "nodes.csv")["node"])
    assert all(re.fullmatch(r"P-[0-9A-F]{8}", n) for n in nodes)
    seen = set()
    for f in ("edges.csv", "engagement.csv", "isolated.csv", "summary.txt", "report.html"):
        text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", (tmp_path / f).read_text())
        assert not re.search(r"\bS-[0-9A-F]{4}\b", text), f
        found = set(re.findall(r"\bP-[0-9A-F]{8}\b", text))
        assert found and found <= nodes, f
        seen |= found
    # the files join: every isolated learner and every engagement row is a node of nodes.csv
    assert set(pd.read_csv(tmp_path / "isolated.csv")["person"]) <= nodes
    assert set(pd.read_csv(tmp_path / "engagement.csv")["person"]) <= nodes


def test_progress_is_shown_on_a_terminal_only(capsys):
    import sys

    from connectana.progress import Progress

    Progress(enabled=False)("reading")
    assert capsys.readouterr().err == ""
    Progress(sys.stderr)("reading")  # capsys: not a terminal
    assert capsys.readouterr().err == ""
    Progress(enabled=True)("reading")
    assert re.fullmatch(r"  \[\s*\d+\.\d s\] reading…\n", capsys.readouterr().err)


def test_set_aside_records_are_written_as_json(tmp_path, capsys):
    import json

    f = tmp_path / "log.csv"
    f.write_text(
        "actor,target,timestamp\na,b,2024-01-01T10:00Z\nb,a,not a time\nc,a,2024-01-02T10:00Z\n"
    )
    aside = tmp_path / "set_aside.csv"
    args = ["ingest", str(f), "--format", "table", "--out", str(tmp_path / "e.parquet"),
            "--names", "--on-error", "skip", "--set-aside", str(aside)]  # fmt: skip
    assert main(args) == 0
    assert str(aside) in capsys.readouterr().out
    table = pd.read_csv(aside, dtype=str)
    assert table["reason"].tolist() == ["unparseable timestamp"]
    assert json.loads(table["record"].iloc[0]) == 2  # the table reader keeps the row number
    # a parsed record (a JSON statement, a row) is written as JSON, not as a Python repr
    report = ca.IngestReport(source="x.json", format="xapi", read=2, kept=1)
    when = pd.Timestamp("2024-01-01", tz="UTC")
    report.set_aside_record("no actor", record={"verb": "replied", "n": 1, "when": when})
    text = pd.read_csv(report.write_set_aside(tmp_path / "aside.csv"))["record"].iloc[0]
    assert json.loads(text) == {"verb": "replied", "n": 1, "when": "2024-01-01 00:00:00+00:00"}


def test_cli_files_use_library_names_and_values(tmp_path, capsys, net):
    """One name, one number: every column of nodes.csv and every row of summary.txt named
    like a library result holds that result's value (nodes.csv's in_degree is centrality's
    in_degree, interactions received; in_ties the distinct ties)."""
    assert main(["demo", "--out", str(tmp_path), "--names"]) == 0
    out = capsys.readouterr().out
    nodes = pd.read_csv(tmp_path / "nodes.csv", index_col="node")
    measures = ["in_ties", "out_ties", "in_degree", "out_degree"]
    expected = ca.centrality(net, measures=measures)
    assert set(measures) <= set(nodes.columns)
    for m in measures:
        got = nodes[m].reindex(expected.index.astype(str))
        assert (got.to_numpy() == expected[m].to_numpy()).all(), m
    stats = ca.summary(net)
    for name in ("nodes", "ties", "interactions", "weak_components", "isolates"):
        assert int(_value(out, name)) == int(stats[name]), name
    assert _value(out, "density") == f"{stats['density']:.4f}"
    assert _value(out, "reciprocity") == f"{stats['reciprocity']:.3f}"
    share = ca.network_pattern(net)["staff_interaction_share"]
    assert _value(out, "staff_interaction_share") == f"{share:.3f}"


# -- --action-map reaches every reader that classifies actions from the file's values -------------
def _statements(tmp_path):
    """Three xAPI statements of a course, one with a verb of the course's own vocabulary."""
    import json

    docs = json.loads((SAMPLE / "xapi_statements.json").read_text(encoding="utf-8"))[:3]
    docs[2]["verb"] = {"id": "https://example.org/verbs/said?lang=en", "display": {"en": "said"}}
    path = tmp_path / "statements.json"
    path.write_text(json.dumps(docs), encoding="utf-8")
    return path


def test_action_map_reaches_the_xapi_reader_as_verbs(tmp_path, capsys):
    path = _statements(tmp_path)
    args = ["ingest", str(path), "--format", "xapi", "--names"]
    assert main([*args, "--out", str(tmp_path / "a.parquet")]) == 0
    assert pd.read_parquet(tmp_path / "a.parquet")["action"].tolist() == ["post", "reply", "other"]
    # the verb IRI holds an '=': the option splits at the last one
    verb = "https://example.org/verbs/said?lang=en"
    assert (
        main([*args, "--out", str(tmp_path / "b.parquet"), "--action-map", f"{verb}=comment"]) == 0
    )
    assert pd.read_parquet(tmp_path / "b.parquet")["action"].tolist() == [
        "post",
        "reply",
        "comment",
    ]


def test_action_map_reaches_the_table_reader(tmp_path, capsys):
    f = tmp_path / "log.csv"
    f.write_text("actor,target,action,timestamp\na,b,answered,2024-01-01T10:00Z\n"
                 "b,a,liked,2024-01-02T10:00Z\n")  # fmt: skip
    out = tmp_path / "e.parquet"
    args = ["ingest", str(f), "--format", "table", "--out", str(out), "--names"]
    assert main([*args, "--action-map", "answered=reply", "--action-map", "liked=react"]) == 0
    assert pd.read_parquet(out)["action"].tolist() == ["reply", "react"]


@pytest.mark.parametrize(
    ("fmt", "extra", "message"),
    [
        ("moodle_forum", ["--action-map", "x=reply"],
         "--action-map: the moodle_forum reader names the actions of its platform itself and "
         "does not take this option (formats that take it: table, xapi)"),
        ("table", ["--action-map", "answered=shout"],
         "--action-map: answered=shout: 'shout' is not an action; give one of post, reply"),
        ("table", ["--action-map", "answered"],
         "--action-map: 'answered' is not RAW=ACTION; write it as --action-map RAW=ACTION"),
    ],
)  # fmt: skip
def test_action_map_mistakes_exit_2_before_reading(tmp_path, capsys, monkeypatch, fmt, extra,
                                                   message):  # fmt: skip
    def no_read(*args, **kwargs):
        raise AssertionError("read before checking the options")

    monkeypatch.setattr("connectana.cli.read_events", no_read)
    out = tmp_path / "e.parquet"
    src = SAMPLE / ("moodle_forum_export.csv" if fmt == "moodle_forum" else "forum_posts.csv")
    assert main(["ingest", str(src), "--format", fmt, "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("connectana: error: " + message) and err.count("\n") == 1, err
    assert not out.exists()
