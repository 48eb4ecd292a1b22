"""communities(convention="igraph") and modularity(convention="igraph") against R igraph.

``tests/data/igraph_communities/references.csv`` holds R igraph's memberships and
modularities on three networks of the real DLT2 forum (see its PROVENANCE.md).
"""

from __future__ import annotations

import sys

import pandas as pd
import pytest

import connectana as ca
from connectana.metrics.community import modularity

from ..conftest import DATA

HERE = DATA / "igraph_communities"
sys.path.insert(0, str(HERE))
from make_references import CASES, network  # noqa: E402

sys.path.remove(str(HERE))


def reference(case: str, method: str) -> tuple[pd.Series, float]:
    ref = pd.read_csv(HERE / "references.csv", dtype={"vertex": str}, keep_default_na=False)
    ref = ref[(ref["case"] == case) & (ref["method"] == method)]
    mem = ref[ref["field"] == "membership"].set_index("vertex")["value"].astype(int)
    q = float(ref.loc[ref["field"] == "modularity", "value"].iloc[0])
    return mem, q


def same_partition(a: pd.Series, b: pd.Series) -> bool:
    pairs = pd.DataFrame({"a": a.to_numpy(), "b": b.loc[a.index].to_numpy()})
    return bool(
        (pairs.groupby("a")["b"].nunique() == 1).all()
        and (pairs.groupby("b")["a"].nunique() == 1).all()
    )


DETERMINISTIC = [
    (case, m) for case, (_, methods) in CASES.items() for m in methods.split() if m != "infomap"
]


@pytest.mark.parametrize(("case", "method"), DETERMINISTIC)
def test_deterministic_methods_reproduce_r(real_data, case, method):
    net = network(case, real_data / "mooc_ed_dlt2")
    mem, q = reference(case, method)
    c = ca.communities(net, method, convention="igraph")
    c.index = c.index.astype(str)
    assert len(mem) == net.n_nodes
    assert same_partition(c, mem)
    assert c.attrs["n_communities"] == mem.nunique()
    assert c.attrs["modularity"] == pytest.approx(q, rel=1e-12)


@pytest.mark.parametrize("case", list(CASES))
def test_modularity_of_a_published_partition(real_data, case):
    net = network(case, real_data / "mooc_ed_dlt2")
    for method in CASES[case][1].split():
        mem, q = reference(case, method)
        got = modularity(net, mem.loc[net.nodes.index.astype(str)].to_numpy(), convention="igraph")
        assert got == pytest.approx(q, rel=1e-12)
    # the default convention is a different, documented number on a directed network
    if net.directed:
        assert modularity(net, mem.loc[net.nodes.index.astype(str)].to_numpy()) != pytest.approx(q)


def test_infomap_follows_directions_and_is_seeded(real_data):
    net = network("dlt2_directed", real_data / "mooc_ed_dlt2")
    a = ca.communities(net, "infomap", convention="igraph", seed=3)
    b = ca.communities(net, "infomap", convention="igraph", seed=3)
    assert a.tolist() == b.tolist()
    assert a.attrs["direction"] == "directed as built"
    assert a.attrs["modularity"] == pytest.approx(
        modularity(net, a.to_numpy(), convention="igraph"), rel=1e-12
    )


def test_undirected_only_methods_refuse_a_directed_network():
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": list("abc"),
                "target": list("bca"),
                "timestamp": pd.to_datetime(["2024-01-01"] * 3, utc=True),
            }
        )
    )
    net = ca.build_network(ev)
    for method in ("louvain", "leiden", "fast_greedy"):
        with pytest.raises(ca.InputError, match="directed=False"):
            ca.communities(net, method, convention="igraph")
    with pytest.raises(ca.InputError, match="runs=1"):
        ca.communities(net, "infomap", convention="igraph", runs=3)
