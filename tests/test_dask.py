"""build_network / growth on Dask DataFrames equal the pandas path exactly.

The events are written as a partitioned Parquet dataset and read back with
``dask.dataframe.read_parquet``; the work runs on a local distributed cluster.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana.engines.dask import is_dask
from connectana.errors import TieLimitError

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _forum(n: int = 1500, people: int = 120, seed: int = 3) -> pd.DataFrame:
    """A small forum: reply chains in threads, some mentions, some staff, equal times."""
    rng = np.random.default_rng(seed)
    thread = rng.integers(0, n // 6, n)
    actor = rng.zipf(1.6, n) % people
    # whole hours, so that many events share a timestamp (order ties broken by row)
    hours = np.sort(rng.integers(0, 24 * 7 * 6, n))
    df = pd.DataFrame(
        {
            "object_id": [f"p{i}" for i in range(n)],
            "thread_id": [f"t{t}" for t in thread],
            "actor": [f"u{a}" for a in actor],
            "timestamp": pd.Timestamp("2024-01-01T00:00Z") + pd.to_timedelta(hours, unit="h"),
        }
    )
    first_in_thread = ~df["thread_id"].duplicated()
    earlier = df.groupby("thread_id").cumcount()
    parent = []
    for t, k in zip(df["thread_id"], earlier, strict=True):
        parent.append(None if k == 0 else df.index[df["thread_id"] == t][rng.integers(0, k)])
    df["parent_id"] = [None if p is None else f"p{p}" for p in parent]
    df["action"] = np.where(first_in_thread, "post", "reply")
    mention = rng.random(n) < 0.05
    df.loc[mention, "action"] = "mention"
    df["target"] = pd.Series([f"u{x}" for x in rng.integers(0, people, n)]).where(mention)
    df.loc[mention, "parent_id"] = None
    df["role"] = np.where(actor < 4, "Instructor", np.where(actor % 7 == 0, None, "Student"))
    return ca.make_events(df, platform="forum")


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return _forum()


@pytest.fixture(scope="module")
def parquet(events, tmp_path_factory):
    path = tmp_path_factory.mktemp("dask") / "events"
    plain = events.copy()
    plain.attrs = {}  # the ingest report is not Parquet metadata
    dd.from_pandas(plain, npartitions=5).to_parquet(path, write_index=False)
    return path


@pytest.fixture
def dask_events(parquet, client):
    return dd.read_parquet(parquet)


def _same_network(a: ca.Network, b: ca.Network) -> None:
    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    assert a.directed == b.directed
    meta = {k: v for k, v in b.meta.items() if k != "dask_partitions"}
    assert a.meta == meta


pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")


def test_is_dask(events, dask_events):
    assert is_dask(dask_events)
    assert not is_dask(events)


def test_the_dataset_is_partitioned(parquet, dask_events):
    assert len(list(parquet.glob("*.parquet"))) == 5
    assert dask_events.npartitions == 5


def test_build_network_equals_pandas(events, dask_events):
    ref = ca.build_network(events, "reply")
    net = ca.build_network(dask_events, "reply")
    _same_network(ref, net)
    # independent count: answers whose target is another person
    answers = events[events["action"].isin(["reply", "comment", "message"])]
    ok = answers[answers["target"].notna()]
    assert net.n_interactions == int((ok["actor"] != ok["target"]).sum())
    assert net.meta["self_loops"] == int((ok["actor"] == ok["target"]).sum()) > 0
    assert net.meta["dask_partitions"] == 5


@pytest.mark.parametrize(
    "options",
    [
        {"ties": "mention"},
        {"directed": False},
        {"loops": True},
        {"start": "2024-01-10T00:00Z", "end": "2024-02-01T00:00Z"},
        {"exclude": ["u1", "u2"]},
    ],
)
def test_build_network_options_equal_pandas(events, dask_events, options):
    _same_network(ca.build_network(events, **options), ca.build_network(dask_events, **options))


def test_build_network_with_roster(events, dask_events):
    people = ca.make_people(pd.DataFrame({"person": ["zz_nobody", "u0", "u5"]}))
    _same_network(
        ca.build_network(events, people=people), ca.build_network(dask_events, people=people)
    )


def test_growth_equals_pandas(events, dask_events):
    ref = ca.growth(events, start="2024-01-01T00:00Z")
    got = ca.growth(dask_events, start="2024-01-01T00:00Z")
    pd.testing.assert_frame_equal(ref, got)
    assert got["period_interactions"].sum() == ca.build_network(events).n_interactions


@pytest.mark.parametrize(
    "options",
    [
        {"freq": "W"},
        {"window": "sliding", "periods": 2, "metrics": ["density", "modularity"]},
        {"roles": "students", "metrics": ["density", "transitivity"]},
        {"directed": False, "metrics": ["weak_components"]},
        {"ties": "mention", "metrics": ["reciprocity"]},
    ],
)
def test_growth_options_equal_pandas(events, dask_events, options):
    pd.testing.assert_frame_equal(ca.growth(events, **options), ca.growth(dask_events, **options))


def test_hand_counted_example(client):
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["a", "b", "c", "b", "a"],
                "target": [None, "a", "a", "a", "b"],
                "action": ["post", "reply", "reply", "reply", "reply"],
                "timestamp": pd.to_datetime(
                    ["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-09", "2024-01-10"],
                    utc=True,
                ),
            }
        )
    )
    net = ca.build_network(dd.from_pandas(ev, npartitions=3))
    assert net.edges[["source", "target", "weight"]].values.tolist() == [
        ["a", "b", 1],
        ["b", "a", 2],
        ["c", "a", 1],
    ]
    assert net.nodes.index.tolist() == ["a", "b", "c"]
    assert net.nodes["n_events"].tolist() == [2, 2, 1]
    g = ca.growth(dd.from_pandas(ev, npartitions=2), metrics=["density"])
    assert g["ties"].tolist() == [2, 3]
    assert g["newly_reciprocated"].tolist() == [0, 1]


@pytest.mark.parametrize(
    "options",
    [
        {"ties": "star"},
        {"ties": "copresence"},
        {"ties": "limited_copresence", "k": 2},
        {"ties": "star", "directed": False, "start": "2024-01-10T00:00Z"},
    ],
)
def test_thread_ties_shuffled_by_thread_equal_pandas(events, dask_events, options):
    ref = ca.build_network(events, **options)
    assert ref.n_ties > 0
    _same_network(ref, ca.build_network(dask_events, **options))


def test_growth_of_thread_ties_equals_pandas(events, dask_events):
    opts = {"ties": "star", "start": "2024-01-01T00:00Z", "metrics": ["density"]}
    pd.testing.assert_frame_equal(ca.growth(events, **opts), ca.growth(dask_events, **opts))


def test_compare_ties_equals_pandas(events, dask_events):
    kinds = ["reply", "star", "copresence"]
    ref = ca.compare_ties(events, kinds, measures=["in_degree", "betweenness"])
    got = ca.compare_ties(dask_events, kinds, measures=["in_degree", "betweenness"])
    for m in ("in_degree", "betweenness"):
        pd.testing.assert_frame_equal(ref.values[m], got.values[m])
        pd.testing.assert_frame_equal(ref.spearman[m], got.spearman[m])


def test_max_ties_is_applied_in_the_tasks(events, dask_events):
    with pytest.raises(TieLimitError, match="max_ties=5"):
        ca.build_network(dask_events, "copresence", max_ties=5)
    _same_network(
        ca.build_network(events, "copresence", max_ties=None),
        ca.build_network(dask_events, "copresence", max_ties=None),
    )


def test_unsupported_ties_say_so(dask_events):
    with pytest.raises(ca.EngineError, match="reply\\+star.*dask is None.*compute"):
        ca.build_network(dask_events, "reply+star")
    with pytest.raises(NotImplementedError, match="fallback"):
        ca.build_network(dask_events, "reply", fallback="star")
    with pytest.raises(ValueError, match="unknown tie definition"):
        ca.build_network(dask_events, "friends")


def _clicks(events: pd.DataFrame, n: int = 4000, seed: int = 5) -> pd.DataFrame:
    """The forum plus clickstream (to the end of the log): views (page paths, and some of posts not yet written, so
    that the first event carrying a post's id is a view), reactions and other clicks, by the
    posters and by people who never post, with roles that change late."""
    rng = np.random.default_rng(seed)
    t0, span = events["timestamp"].min(), events["timestamp"].max() - events["timestamp"].min()
    action = rng.choice(["view", "view", "view", "react", "other"], n)
    obj = np.where(rng.random(n) < 0.5, [f"/page/{i % 9}" for i in range(n)], None)
    early = rng.random(n) < 0.02  # a view carrying a post's id (its parent lookup)
    obj = np.where(early, [f"p{i % 1500}" for i in range(n)], obj)
    clicks = pd.DataFrame(
        {
            "event_id": [f"c{i}" for i in range(n)],
            "actor": [f"u{a}" for a in rng.zipf(1.4, n) % 160],  # u120.. never post
            "action": action,
            "object_id": obj,
            "timestamp": t0 + span * 1.05 * rng.random(n),  # the log ends with clicks
            "role": np.where(rng.random(n) < 0.1, "TA", None),
        }
    )
    base = events.drop(columns=["event_id"]).assign(event_id=events["event_id"].astype(str))
    both = pd.concat([base, clicks], ignore_index=True)
    return ca.make_events(both.sort_values("timestamp", kind="stable"), platform="forum")


@pytest.fixture(scope="module")
def clicks(events):
    return _clicks(events)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"ties": "star", "freq": "M"},
        {"ties": "copresence", "start": "2024-01-10T00:00Z", "freq": "3D"},
        {"people": "roster", "suppress_k": 3},
    ],
)
def test_engagement_equals_pandas(clicks, client, options):
    assert (clicks["action"] == "view").sum() > 2000
    if options.get("people") == "roster":
        options = {**options, "people": ca.make_people(pd.DataFrame({"person": ["u0", "zz"]}))}
    dask_ev = dd.from_pandas(clicks, npartitions=4)
    ref = ca.engagement(clicks, names=True, **options)
    got = ca.engagement(dask_ev, names=True, **options)
    pd.testing.assert_frame_equal(ref, got)
    assert got.attrs == ref.attrs
    keyed = ca.engagement(dask_ev, key=b"k" * 32, **options)
    pd.testing.assert_frame_equal(ca.engagement(clicks, key=b"k" * 32, **options), keyed)


def _active_weeks(ev: pd.DataFrame) -> set:
    week = ev["timestamp"].dt.tz_localize(None).dt.to_period("W")
    return set(zip(ev["actor"], week, strict=True))


def test_engagement_events_keep_what_engagement_needs(clicks, client):
    from connectana.engines.dask import engagement_events

    rows, views = engagement_events(dd.from_pandas(clicks, npartitions=4))
    assert len(rows) < len(clicks) * 0.8
    # every contribution and mention, the first event of each object, the first event
    kept = clicks["action"].isin(["post", "reply", "comment", "message", "mention"])
    assert set(clicks.loc[kept, "event_id"]) <= set(rows["event_id"])
    firsts = clicks[clicks["object_id"].notna()].drop_duplicates(["platform", "object_id"])
    assert set(firsts["event_id"]) <= set(rows["event_id"])
    assert rows["event_id"].iloc[0] == clicks["event_id"].iloc[0]
    # each person's first event and last role, each (person, week) with an event
    first_events = clicks.drop_duplicates("actor")
    assert set(first_events["event_id"]) <= set(rows["event_id"])
    roles = clicks.dropna(subset=["role"]).drop_duplicates("actor", keep="last")
    assert set(roles["event_id"]) <= set(rows["event_id"])
    assert _active_weeks(rows) == _active_weeks(clicks)
    # views: the rows kept plus the counts brought back are all the views
    n_views = int((clicks["action"] == "view").sum())
    assert int((rows["action"] == "view").sum()) + int(views["views"].sum()) == n_views


def test_the_engine_reads_the_tie_registry(events, dask_events, monkeypatch):
    import dataclasses

    from connectana.ties import TIES, TieDefinition

    computed = {n: d.dask for n, d in TIES.items() if d.dask is not None}
    assert computed == {
        "reply": "row",
        "star": "thread",
        "limited_copresence": "thread",
        "copresence": "thread",
        "mention": "row",
    }
    # "thread" is what makes the engine shuffle: computed as "row", star ties split threads
    monkeypatch.setitem(TIES, "star", dataclasses.replace(TIES["star"], dask="row"))
    split = ca.build_network(dask_events, "star")
    assert split.n_interactions != ca.build_network(events, "star").n_interactions
    monkeypatch.setitem(TIES, "star", dataclasses.replace(TIES["star"], dask=None))
    with pytest.raises(ca.EngineError, match="'star' tie definition is not computed in Dask"):
        ca.build_network(dask_events, "star")
    with pytest.raises(ca.ParameterError, match="dask must be one of"):
        TieDefinition("x", True, False, lambda ev, o: ev, dask="partition")
