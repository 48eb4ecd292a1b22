"""Only allow-listed attributes leave the toolkit with a pseudonym (issue #15:
any roster column not on a fixed drop list was written next to the pseudonym
in nodes.csv, GEXF and GraphML)."""

from __future__ import annotations

import pandas as pd
import pytest

import connectana as ca
from connectana.export import to_gexf, to_graphml, write_tables

KEY = b"allow-list key"
ROSTER = pd.DataFrame(
    {
        "person": ["ann", "bob", "cy"],
        "role": ["instructor", "student", "student"],
        "group": ["A", "A", "B"],
        "display_name": ["Ann Smith", "Bob Kay", "Cy Li"],
        "Apellidos": ["Smith-Canary", "Kay-Canary", "Li-Canary"],  # a surname, in Spanish
        "matrikel": ["900111", "900222", "900333"],  # a student number
        "cohort": ["2024", "2024", "2025"],
    }
)


@pytest.fixture
def net():
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["bob", "cy", "ann"],
                "target": ["ann", "bob", "cy"],
                "timestamp": pd.date_range("2024-01-01", periods=3, tz="UTC"),
            }
        )
    )
    return ca.build_network(ev, people=ca.make_people(ROSTER))


def test_nodes_keep_only_role_group_and_computed_columns(net):
    assert {"Apellidos", "matrikel", "cohort"} <= set(net.nodes.columns)
    out = ca.pseudonymize(net, key=KEY)
    assert out.nodes.columns.tolist() == ["kind", "role", "group", "in_roster", "n_events"]
    meta = out.meta["pseudonymized"]
    assert meta["not_allowed"] == 3
    assert meta["dropped"] == ["display_name", "Apellidos", "matrikel", "cohort"]


def test_named_attributes_go_with_the_pseudonym(net):
    out = ca.pseudonymize(net, key=KEY, attributes=["cohort"])
    assert out.nodes["cohort"].tolist() == ["2024", "2024", "2025"]
    assert out.meta["pseudonymized"]["not_allowed"] == 2
    # an identifying column needs keep=, not only attributes=
    assert "display_name" not in ca.pseudonymize(net, key=KEY, attributes=["display_name"]).nodes


def test_people_table_allow_list():
    people = ca.make_people(ROSTER)
    out = ca.pseudonymize(people, key=KEY)
    assert out.columns.tolist() == ["role", "group"]
    assert out.attrs["pseudonymized"]["not_allowed"] == 3


def test_no_roster_column_in_any_written_network(net, tmp_path):
    safe = ca.pseudonymize(net, key=KEY)
    files = [to_gexf(safe, tmp_path / "n.gexf"), to_graphml(safe, tmp_path / "n.graphml")]
    files += list(write_tables(safe, tmp_path / "csv").values())
    files += list(write_tables(safe, tmp_path / "pq", format="parquet").values())
    for f in files:
        data = f.read_bytes()
        for canary in (b"Canary", b"9002", b"Apellidos", b"matrikel", b"cohort", b"Smith"):
            assert canary not in data, (f.name, canary)
