"""Rosters and alias tables are checked where they enter (#14, problems 1 and 2)."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import connectana as ca
from connectana.errors import InputError, SchemaError
from connectana.people import RosterMismatchWarning, as_people, person_column

T = pd.to_datetime([f"2024-01-0{d}" for d in range(1, 6)], utc=True)


@pytest.fixture
def sample() -> Path:
    """The repository's synthetic sample course."""
    return Path(__file__).resolve().parents[1] / "sample_data"


def events(actors, targets):
    return ca.make_events(
        pd.DataFrame({"actor": actors, "target": targets, "timestamp": T[: len(actors)]}),
        platform="forum",
    )


def test_dlt2_roster_dataframe_with_uid_column(real_data):
    folder = real_data / "mooc_ed_dlt2"
    ev = ca.read_events(folder / "DLT2 Edgelist.csv", tz="UTC")
    raw = pd.read_csv(folder / "DLT2 Nodes.csv")  # ids in "uid", a 0..n-1 index
    net = ca.build_network(ev, people=raw)
    assert net.n_nodes == 492  # the 0..491 index gave 493 (node "0" is nobody)
    assert "0" not in net.nodes.index
    assert net.nodes["in_roster"].sum() == 492
    people = ca.make_people(raw, person="uid", role="facilitator", role_map={1: "instructor"})
    assert ca.build_network(ev, people=people).n_nodes == 492


def test_roster_dataframe_forms_and_path(tmp_path):
    ev = events(["7", "12", "7"], ["12", "7", "9"])
    by_column = pd.DataFrame({"actor": [7, 12, 9, 30], "role": ["teacher", "student", None, "ta"]})
    net = ca.build_network(ev, people=by_column)
    assert net.nodes.index.tolist() == ["7", "12", "9", "30"]
    assert net.nodes["role"].tolist() == ["instructor", "student", "student", "ta"]
    indexed = by_column.set_index("actor")
    assert ca.build_network(ev, people=indexed).nodes.index.tolist() == ["7", "12", "9", "30"]
    path = tmp_path / "roster.csv"
    by_column.rename(columns={"actor": "user_id"}).to_csv(path, index=False)
    net = ca.build_network(ev, people=path)
    assert net.nodes.index.tolist() == ["7", "12", "9", "30"]
    assert net.nodes.loc["30", "role"] == "ta"
    assert ca.build_network(ev, people=str(path)).n_nodes == 4
    assert ca.build_network(ev, people=["7", "12", "9"]).n_nodes == 3


def test_roster_without_id_column_names_the_columns():
    with pytest.raises(SchemaError, match="no id column") as info:
        as_people(pd.DataFrame({"name": ["ann"], "facilitator": [1]}))
    assert info.value.found == ["name", "facilitator"]
    with pytest.raises(SchemaError, match="several possible id columns"):
        person_column(["id", "username", "role"])
    with pytest.raises(SchemaError, match="People table"):
        as_people(42)


def test_partial_overlap_warns_with_counts():
    ev = events(["a", "b", "c", "d", "e"], ["b", "a", "a", "a", "a"])
    with pytest.warns(RosterMismatchWarning, match=r"2 of the 5 people .*\(40%\).*'d', 'e'"):
        net = ca.build_network(ev, people=ca.make_people(["a", "b", "c"]))
    assert net.n_nodes == 5
    with warnings.catch_warnings():  # 1 of 5 = 20 %: at the threshold, no warning
        warnings.simplefilter("error")
        ca.build_network(ev, people=ca.make_people(["a", "b", "c", "d"]))


def test_no_overlap_is_an_error_naming_the_fix(sample):
    ev = ca.read_events(sample / "moodle_forum_export.csv", format="moodle_forum")
    with pytest.raises(InputError, match=r"none of the 70 people .*roster.*aliases"):
        ca.build_network(ev, people=sample / "roster.csv")
    with pytest.raises(InputError, match="none of the 70 people"):
        ca.engagement(ev, people=ca.read_people(sample / "roster.csv"))
    aliased = ca.apply_aliases(ev, sample / "aliases.csv")
    net = ca.build_network(aliased, people=sample / "roster.csv")
    staff = net.nodes.index[net.nodes["role"].isin(["instructor", "ta"])]
    assert net.edges["source"].isin(staff).sum() + net.edges["target"].isin(staff).sum() > 0


def test_alias_table_that_matches_nothing(sample):
    ev = ca.read_events(sample / "moodle_forum_export.csv", format="moodle_forum")
    table = pd.read_csv(sample / "aliases.csv")
    wrong_platform = table[table["platform"] == "moodle"].assign(platform="moodle_forum")
    with pytest.raises(InputError, match="none of the 70 people .*alias table"):
        ca.apply_aliases(ev, wrong_platform)


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "connectana", *map(str, args)], capture_output=True, text=True
    )


def test_cli_roster_without_aliases_fails_and_export_takes_aliases(sample, tmp_path):
    forum = sample / "moodle_forum_export.csv"
    roster = sample / "roster.csv"
    res = run_cli("export", forum, "--format", "moodle_forum", "--roster", roster,
                  "--to", "csv", "--out", tmp_path / "a")  # fmt: skip
    assert res.returncode == 2
    assert "none of the 70 people in the events is in the roster" in res.stderr
    assert "--aliases" in res.stderr
    res = run_cli("export", forum, "--format", "moodle_forum", "--roster", roster,
                  "--aliases", sample / "aliases.csv", "--names",
                  "--to", "csv", "--out", tmp_path / "b")  # fmt: skip
    assert res.returncode == 0, res.stderr
    nodes = pd.read_csv(tmp_path / "b" / "nodes.csv")
    assert {"inst1", "inst2"} <= set(nodes.iloc[:, 0].astype(str))


def test_cli_partial_overlap_warning_reaches_the_user(tmp_path):
    posts = tmp_path / "posts.csv"
    posts.write_text(
        "post_id,parent_id,author,created\n1,,a,2024-01-01T00:00:00Z\n2,1,b,2024-01-02T00:00:00Z\n"
        "3,1,c,2024-01-03T00:00:00Z\n4,1,d,2024-01-04T00:00:00Z\n"
    )
    roster = tmp_path / "roster.csv"
    roster.write_text("person,role\na,instructor\nb,student\n")
    res = run_cli("export", posts, "--format", "table", "--roster", roster, "--names",
                  "--to", "csv", "--out", tmp_path / "out")  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "2 of the 4 people in the events (50%) are not in the roster" in res.stderr
