"""Temporal networks against the outputs of R's networkDynamic and tsna.

``tests/data/temporal/references.csv.gz`` holds what tsna's ``tPath``, ``tReach``,
``tEdgeDensity`` and ``tSnaStats`` and networkDynamic's spell merging return on three
generated networks (``cases/``) and on the real DLT2 forum (instants and thread spans);
``PROVENANCE.md`` says how it was made. Every value must match exactly.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana.temporal import collapse, merge_spells

from .conftest import DATA, SHARED

TEMPORAL = DATA / "temporal"
REF = TEMPORAL / "references.csv.gz"
SYNTHETIC = sorted(p.name for p in (TEMPORAL / "cases").iterdir())
DLT2 = ("dlt2_instant", "dlt2_thread")


@lru_cache
def references() -> pd.DataFrame:
    ref = pd.read_csv(REF, dtype={"vertex": str, "source": int}, keep_default_na=False)
    for c in ("step", "start", "end", "value"):
        ref[c] = ref[c].map(_num)
    return ref


def _num(x: str) -> float:
    return {"Inf": math.inf, "-Inf": -math.inf, "NA": math.nan}.get(x, None) or float(x)


@lru_cache
def case(name: str) -> tuple[pd.DataFrame, list[str], bool]:
    """The spell table of a case, its vertex order and whether it is directed."""
    if name in DLT2:
        folder = SHARED / "real_data" / "mooc_ed_dlt2"
        if not folder.is_dir():
            pytest.skip("../shared/real_data is absent")
        ev = ca.read_events(folder / "DLT2 Edgelist.csv", tz="UTC")
        sp = ca.temporal_spells(ev, rule=name.split("_")[1])
        return sp, sp.attrs["nodes"], True
    meta = pd.read_csv(TEMPORAL / "cases" / name / "case.csv")
    raw = pd.read_csv(TEMPORAL / "cases" / name / "spells.csv")
    n = int(meta["n"].iloc[0])
    sp = pd.DataFrame(
        {
            "source": raw["tail"].astype(str),
            "target": raw["head"].astype(str),
            "onset": raw["onset"],
            "terminus": raw["terminus"],
        }
    )
    return sp, [str(i) for i in range(1, n + 1)], bool(meta["directed"].iloc[0])


def vertex(nodes: list[str], k: int) -> str:
    return nodes[k - 1]


def calls(name: str, call: str) -> pd.DataFrame:
    ref = references()
    return ref[(ref["case"] == name) & (ref["call"] == call)]


ALL = SYNTHETIC + list(DLT2)


def test_reference_file_covers_every_case():
    assert set(references()["case"]) == set(ALL)
    assert len(SYNTHETIC) == 3


@pytest.mark.parametrize("name", ALL)
def test_merged_spells_match_networkdynamic(name):
    sp, nodes, directed = case(name)
    mine = merge_spells(sp, directed=directed).dropna(subset=["onset"])
    ref = calls(name, "spells")
    expected: dict[tuple[str, str], list[float]] = {}
    for (edge, field), grp in ref.groupby(["vertex", "field"]):
        tail, head = (vertex(nodes, int(x)) for x in edge.split("-"))
        expected.setdefault((tail, head), {})[field] = grp["value"].iloc[0]
    got = {}
    for (s, t), grp in mine.groupby(["source", "target"], sort=False):
        key = (s, t) if directed or (s, t) in expected else (t, s)
        got[key] = {}
        for k, (a, b) in enumerate(zip(grp["onset"], grp["terminus"], strict=True), start=1):
            got[key][f"onset{k}"] = a
            got[key][f"terminus{k}"] = b
    assert got == expected


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("direction", ["fwd", "bkwd"])
def test_paths_match_tsna(name, direction):
    sp, nodes, directed = case(name)
    ref = calls(name, f"tPath_{direction}")
    assert len(ref)
    for (src, step, start, end), grp in ref.groupby(
        ["source", "step", "start", "end"], dropna=False
    ):
        p = ca.temporal_paths(
            sp,
            vertex(nodes, src),
            step=step,
            start=None if math.isnan(start) else start,
            end=None if math.isnan(end) else end,
            direction=direction,
            nodes=nodes,
            directed=directed,
        )
        by = grp.pivot(index="vertex", columns="field", values="value")
        by.index = [vertex(nodes, int(k)) for k in by.index]
        by = by.loc[p.index]
        np.testing.assert_array_equal(p["arrival"].to_numpy(), by["tdist"].to_numpy())
        np.testing.assert_array_equal(p["steps"].to_numpy(), by["gsteps"].to_numpy())
        prev = [None if v == 0 else vertex(nodes, int(v)) for v in by["previous"]]
        assert [None if pd.isna(x) else x for x in p["previous"]] == prev


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("direction", ["fwd", "bkwd"])
def test_reachability_matches_treach(name, direction):
    sp, nodes, directed = case(name)
    ref = calls(name, f"tReach_{direction}")
    for step, grp in ref.groupby("step"):
        r = ca.reachability(sp, direction=direction, step=step, nodes=nodes, directed=directed)
        expected = grp.set_index(grp["vertex"].map(lambda k: vertex(nodes, int(k))))["value"]
        assert r.to_dict() == expected.astype(int).to_dict()


@pytest.mark.parametrize("name", ALL)
def test_density_matches_tedgedensity(name):
    sp, nodes, directed = case(name)
    ref = calls(name, "tEdgeDensity").set_index("field")["value"]
    for agg in ("edge", "dyad"):
        got = ca.temporal_density(sp, agg=agg, nodes=nodes, directed=directed)
        assert got == pytest.approx(ref[agg], rel=1e-12, abs=0)


@pytest.mark.parametrize("name", ALL)
def test_stats_match_tsnastats(name):
    sp, nodes, directed = case(name)
    interval = (
        pd.read_csv(TEMPORAL / "cases" / name / "case.csv")["interval"].iloc[0]
        if (name not in DLT2)
        else 7
    )
    gden = calls(name, "tSnaStats_gden")
    deg = calls(name, "tSnaStats_degree")
    for length in sorted(gden["step"].unique()):
        got = ca.temporal_stats(
            sp, ["density"], step=interval, length=length, nodes=nodes, directed=directed
        )
        exp = gden[gden["step"] == length]
        np.testing.assert_allclose(got["density"].to_numpy(dtype=float), exp["value"], rtol=1e-12)
        np.testing.assert_array_equal(got.index.to_numpy(), exp["start"].to_numpy())
        d = ca.temporal_stats(
            sp, ["degree"], step=interval, length=length, nodes=nodes, directed=directed
        )["degree"]
        e = deg[deg["step"] == length]
        idx = pd.MultiIndex.from_arrays(
            [e["start"].to_numpy(), [vertex(nodes, int(k)) for k in e["vertex"]]]
        )
        assert d.loc[idx].to_numpy(dtype=float).tolist() == e["value"].tolist()


# -- hand-made cases --------------------------------------------------------------------------
def test_chains_within_one_instant_forward_but_not_backward():
    s = pd.DataFrame(
        {"source": ["a", "b"], "target": ["b", "c"], "onset": [2.0, 2.0], "terminus": [2.0, 2.0]}
    )
    assert ca.temporal_paths(s, "a")["arrival"].tolist() == [0.0, 0.0, 0.0]
    # backward from c (end = 2): no instant strictly before 2 reaches it
    assert ca.temporal_paths(s, "c", direction="bkwd")["arrival"].tolist() == [
        math.inf,
        math.inf,
        0.0,
    ]
    # with end = 3, b can leave at 2; a cannot (a -> b is not strictly before 2)
    assert ca.temporal_paths(s, "c", direction="bkwd", end=3.0)["arrival"].tolist() == [
        math.inf,
        1.0,
        0.0,
    ]


def test_fast_reachability_equals_search_on_random_instants():
    rng = np.random.default_rng(4)
    for directed in (True, False):
        n, m = 40, 300
        s = pd.DataFrame(
            {
                "source": rng.integers(0, n, m).astype(str),
                "target": rng.integers(0, n, m).astype(str),
                "onset": rng.integers(0, 50, m).astype(float),
            }
        )
        s["terminus"] = s["onset"]
        for direction in ("fwd", "bkwd"):
            fast = ca.reachability(s, direction=direction, directed=directed)
            slow = pd.Series(
                {
                    v: int(
                        np.isfinite(
                            ca.temporal_paths(s, v, direction=direction, directed=directed)[
                                "arrival"
                            ]
                        ).sum()
                    )
                    for v in fast.index
                }
            )
            assert fast.to_dict() == slow.to_dict()


def test_spell_rules_on_events():
    ev = ca.make_events(
        pd.DataFrame(
            {
                "object_id": ["1", "2", "3", "4"],
                "parent_id": [None, "1", "2", "1"],
                "thread_id": ["t"] * 4,
                "actor": ["a", "b", "a", "b"],
                "timestamp": pd.to_datetime(
                    ["2024-01-01", "2024-01-02", "2024-01-04", "2024-01-08"], utc=True
                ),
            }
        )
    )
    inst = ca.temporal_spells(ev)
    assert inst[["source", "target", "onset", "terminus"]].values.tolist() == [
        ["b", "a", 1.0, 1.0],
        ["b", "a", 7.0, 7.0],
        ["a", "b", 3.0, 3.0],
    ]
    edge = ca.temporal_spells(ev, rule="edge")
    assert edge[["onset", "terminus"]].values.tolist() == [[1.0, 7.0], [3.0, 3.0]]
    thread = ca.temporal_spells(ev, rule="thread")  # the thread runs from day 0 to day 7
    assert thread[["onset", "terminus"]].values.tolist() == [[0.0, 7.0], [0.0, 7.0]]
    assert inst.attrs["nodes"] == ["b", "a"] or inst.attrs["nodes"] == ["a", "b"]
    assert ca.temporal_spells(ev, unit="h")["onset"].tolist()[0] == 24.0


def test_merge_rules():
    s = pd.DataFrame(
        {
            "source": "a",
            "target": "b",
            "onset": [1.0, 3.0, 5.0, 2.0, 7.0, 9.0, 9.0, 8.0],
            "terminus": [3.0, 5.0, 5.0, 2.0, 8.0, 9.0, 9.0, 8.0],
        }
    )
    got = merge_spells(s)[["onset", "terminus"]].values.tolist()
    # [1,3)+[3,5) touch; the instant 5 at the terminus stays; [7,8) and the instant 8
    # at its terminus stay apart; the repeated instant 9 is one
    assert got == [[1.0, 5.0], [5.0, 5.0], [7.0, 8.0], [8.0, 8.0], [9.0, 9.0]]


def test_collapse_keeps_every_vertex():
    s = pd.DataFrame({"source": ["a"], "target": ["b"], "onset": [0.0], "terminus": [1.0]})
    net = collapse(s, 5.0, nodes=["a", "b", "c"])
    assert net.n_nodes == 3 and len(net.edges) == 0


def test_bad_spells_name_the_row():
    s = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "onset": [0.0, 3.0],
                      "terminus": [1.0, 2.0]})  # fmt: skip
    with pytest.raises(ca.InputError, match="row 2.*terminus"):
        ca.temporal_paths(s, "a")
    with pytest.raises(ca.InputError, match="source, target, onset, terminus"):
        ca.temporal_density(pd.DataFrame({"a": [1]}))
    with pytest.raises(ca.InputError, match="no such vertex"):
        ca.temporal_paths(s.iloc[:1], "zz")
