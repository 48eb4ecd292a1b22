"""Resource diffusion and the resource network on hand-made streams with known answers."""

from __future__ import annotations

import pandas as pd
import pytest

import connectana as ca
from connectana.errors import SchemaError
from connectana.extract import extract_resources
from connectana.periods import make_periods

U = "url:https://x.org/paper"
TAG = "hashtag:a"


@pytest.fixture
def stream() -> pd.DataFrame:
    """Day by day:
    1 ann posts in t1 (context c1) with the paper and #a: introduces both
    2 bob replies in t1 without links: exposed to both
    3 cat posts the paper in t2 (c1); cat was never in t1: unexposed adopter
    4 bob posts the paper in t3 (c2): exposed adopter, source ann (depth 1)
    5 dan views t3 (a view is an event): exposed through bob's share
    6 dan posts the paper in t4 (c2): exposed adopter, source bob (depth 2)
    7 eve replies in t1 with #A: exposed adopter of #a (her own reply is in t1)
    8 ann shares the paper again in t5 (c1): a share, not an adoption
    """
    rows = [
        ("ann", "post", "t1", "c1", "see https://x.org/paper #a"),
        ("bob", "reply", "t1", "c1", "thanks"),
        ("cat", "post", "t2", "c1", "https://www.x.org/paper/"),
        ("bob", "post", "t3", "c2", "read https://x.org/paper"),
        ("dan", "view", "t3", "c2", None),
        ("dan", "post", "t4", "c2", "https://x.org/paper#intro"),
        ("eve", "reply", "t1", "c1", "yes #A"),
        ("ann", "post", "t5", "c1", "again https://x.org/paper"),
    ]
    df = pd.DataFrame(rows, columns=["actor", "action", "thread_id", "context", "text"])
    df["timestamp"] = pd.date_range("2024-01-01", periods=len(df), freq="D", tz="UTC")
    return extract_resources(ca.make_events(df, keep_text=True))


def test_diffusion_per_resource(stream):
    d = ca.resource_diffusion(stream)
    t = d.resources
    assert list(t.index) == [U, TAG]  # by size
    paper = t.loc[U]
    assert paper["introduced_by"] == "ann"
    assert paper["introduced_at"] == pd.Timestamp("2024-01-01", tz="UTC")
    assert paper["shares"] == 5
    assert paper["adopters"] == 3  # cat, bob, dan
    assert paper["exposed_adopters"] == 2  # bob, dan
    assert paper["size"] == 4
    assert paper["depth"] == 2  # ann -> bob -> dan
    assert paper["contexts"] == 2 and paper["threads"] == 5
    # adoptions on days 3, 4 and 6: 2, 3 and 5 days after the introduction
    assert paper["time_to_adopt"] == pd.Timedelta(days=3)
    tag = t.loc[TAG]
    assert (tag["introduced_by"], tag["adopters"], tag["exposed_adopters"]) == ("ann", 1, 1)
    assert (tag["size"], tag["depth"], tag["contexts"]) == (2, 1, 1)
    assert tag["time_to_adopt"] == pd.Timedelta(days=6)


def test_diffusion_per_person(stream):
    comm = pd.Series({"ann": 0, "bob": 0, "cat": 1, "dan": 1, "eve": 1})
    p = ca.resource_diffusion(stream, communities=comm).people
    assert p.loc["ann"].tolist() == [2, 0, 0, 4, 0]  # curator: 3 + 1 adopters
    assert p.loc["bob"].tolist() == [0, 1, 1, 0, 0]  # source ann: same community
    assert p.loc["cat"].tolist() == [0, 1, 0, 0, 0]  # unexposed: no source, no bridge
    assert p.loc["dan"].tolist() == [0, 1, 1, 0, 1]  # from bob (0) into community 1
    assert p.loc["eve"].tolist() == [0, 1, 1, 0, 1]  # from ann (0) into community 1
    assert list(p.columns) == ["introduced", "adopted", "exposed_adopted", "curator", "bridge"]
    assert p.index[0] == "ann"
    no_comm = ca.resource_diffusion(stream).people
    assert no_comm["bridge"].isna().all()


def test_exposure_by_context(stream):
    t = ca.resource_diffusion(stream, exposure="context").resources
    # cat's t2 is in c1, where the paper appeared on day 1: now exposed too
    assert t.loc[U, "exposed_adopters"] == 3
    with pytest.raises(ValueError, match="exposure"):
        ca.resource_diffusion(stream, exposure="course")


def test_exposure_needs_presence_after_the_share():
    # bob was in t1 only before ann's link; he shares it later elsewhere: not exposed
    df = pd.DataFrame(
        {
            "actor": ["bob", "ann", "bob"],
            "thread_id": ["t1", "t1", "t2"],
            "text": ["hello", "https://x.org/paper", "https://x.org/paper"],
            "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"], utc=True),
        }
    )
    ev = extract_resources(ca.make_events(df, keep_text=True))
    t = ca.resource_diffusion(ev).resources
    assert (t.loc[U, "adopters"], t.loc[U, "exposed_adopters"], t.loc[U, "depth"]) == (1, 0, 0)


def test_kinds_and_missing_column(stream):
    t = ca.resource_diffusion(stream, kinds=("hashtag",)).resources
    assert list(t.index) == [TAG]
    plain = ca.make_events(stream.drop(columns="resources"))
    with pytest.raises(SchemaError, match="extract="):
        ca.resource_diffusion(plain)


def test_resource_tie_definition_and_projections(stream):
    net = ca.build_network(stream, "resource")
    assert net.meta["ties"] == "resource" and not net.directed
    kinds = net.nodes["kind"].to_dict()
    assert kinds[U] == "url" and kinds[TAG] == "hashtag"
    assert sorted(net.nodes.index[net.nodes["kind"] == "person"]) == sorted(
        ["ann", "bob", "cat", "dan", "eve"]
    )
    # ann shared the paper twice: one tie of weight 2
    e = net.edges.set_index(["source", "target"])["weight"]
    assert e[("ann", U)] == 2
    assert len(net.edges) == 6  # ann-paper, ann-#a, cat, bob, dan-paper, eve-#a
    people = ca.project(net, onto="person")
    pe = people.edges.set_index(["source", "target"])["weight"].to_dict()
    assert pe == {
        ("ann", "bob"): 1,
        ("ann", "cat"): 1,
        ("ann", "dan"): 1,
        ("ann", "eve"): 1,
        ("bob", "cat"): 1,
        ("bob", "dan"): 1,
        ("cat", "dan"): 1,
    }
    res = ca.project(net, onto="resource")
    assert res.edges[["source", "target", "weight"]].values.tolist() == [[TAG, U, 1]]
    assert res.meta["ties"] == "projection of resource onto resource"


def test_resource_growth(stream):
    g = ca.resource_growth(stream)
    # calendar weeks as growth(): Mon 2024-01-01 to Sun 01-07 (days 1-7), then ann's repeat
    assert g.index.astype(str).tolist() == ["2024-01-01/2024-01-07", "2024-01-08/2024-01-14"]
    assert g.index.name == "period"
    assert g["start"].tolist() == [
        pd.Timestamp("2024-01-01", tz="UTC"),
        pd.Timestamp("2024-01-08", tz="UTC"),
    ]
    assert g["end"].iloc[-1] == pd.Timestamp("2024-01-15", tz="UTC")
    cols = ["people", "resources", "ties", "shared", "shares"]
    # week 1: people ann, cat, bob, dan, eve; the paper and #a; pairs: the paper with
    # ann, cat, bob, dan and #a with ann, eve; both shared by two or more; 6 shares
    assert g[cols].iloc[0].tolist() == [5, 2, 6, 2, 6]
    assert g[cols].iloc[-1].tolist() == [5, 2, 6, 2, 7]


@pytest.mark.parametrize(
    ("freq", "start"),
    [("W", None), ("D", None), ("2D", "2024-01-03T00:00Z"), ("W", "2024-01-04T12:00Z")],
)
def test_resource_growth_periods_are_growths(stream, freq, start):
    # the one rule of connectana.periods: the same labels, starts and ends as growth()
    # on the same events, events before start kept in periods 0, -1, ...
    g = ca.resource_growth(stream, freq=freq, start=start)
    ref = ca.growth(stream, "copresence", freq=freq, start=start, metrics=["nodes"])
    pd.testing.assert_index_equal(g.index, ref.index)
    pd.testing.assert_frame_equal(g[["start", "end"]], ref[["start", "end"]])
    # each share counted in the period growth's position rule gives its time
    per = make_periods(stream["timestamp"], freq=freq, start=start)
    shares = ca.resources(stream, kinds=["url", "hashtag", "file"], mentions=False)
    expected = pd.Series(per.position(shares["timestamp"])).value_counts()
    expected = expected.reindex(range(len(per)), fill_value=0).cumsum().tolist()
    assert g["shares"].tolist() == expected


def test_resource_growth_course_weeks_keep_early_shares(stream):
    # course from Wed 2024-01-03: days 1-2 (ann's paper and #a, bob's reply) fall in week 0
    g = ca.resource_growth(stream, start="2024-01-03T00:00Z")
    assert g.index.tolist() == [0, 1]
    assert g[["people", "resources", "ties", "shares"]].iloc[0].tolist() == [1, 2, 2, 2]
    cols = ["people", "resources", "ties", "shared", "shares"]
    assert g[cols].iloc[1].tolist() == [5, 2, 6, 2, 7]


def test_report_section_shows_introducers_and_spread(tmp_path):
    from connectana.analysis import analyze
    from connectana.datasets import sample_path

    ev = ca.read_events(sample_path("moodle_forum_export.csv"), format="moodle_forum", extract=True)
    a = analyze(ev, seed=0)
    d = a.resources
    assert d is not None
    # the analysis computes the diffusion once, with bridges across its communities
    expected = ca.resource_diffusion(ev, communities=a.communities)
    pd.testing.assert_frame_equal(d.resources, expected.resources)
    page = ca.write_report(a, tmp_path / "r", key=b"k").read_text()
    assert "What travelled through the network?" in page
    n_taken = int((d.resources["adopters"] > 0).sum())
    assert f"{len(d.resources)} links, hashtags and files were shared; {n_taken} of them" in page
    assert d.resources.index[0] in page
    # people appear by pseudonym only (no table cell holds a platform id)
    assert f">{d.resources['introduced_by'].iloc[0]}<" not in page
    # Events read without extract=: no section
    plain = ca.read_events(sample_path("moodle_forum_export.csv"), format="moodle_forum")
    assert analyze(plain, seed=0).resources is None


def test_resource_is_two_mode_in_the_registry_and_every_refusal_reads_it(stream):
    from connectana.errors import ConnectanaError
    from connectana.ties import TIES, TWO_MODE

    assert TIES["resource"].two_mode and TIES["bipartite"].two_mode
    assert TWO_MODE == tuple(n for n, d in TIES.items() if d.two_mode)
    assert not any(TIES[t].two_mode for t in ("reply", "star", "copresence", "mention"))
    for ties in TWO_MODE:  # each refusal names the registry's one-mode definitions or says why
        with pytest.raises(ConnectanaError, match="one-mode"):
            ca.growth(stream, ties)
        with pytest.raises(ConnectanaError, match="two-mode"):
            ca.compare_ties(stream, ties=["reply", ties])
        with pytest.raises(ConnectanaError, match="person-to-person"):
            ca.engagement(stream, ties=ties)
        with pytest.raises(ConnectanaError, match="two-mode tie rule"):
            ca.formation_model(stream, ties=ties)
        with pytest.raises(ConnectanaError, match="two-mode tie rule"):
            ca.formation_statistics(stream, ties=ties)
    with pytest.raises(ConnectanaError, match=r"one of \['bipartite', 'resource'\]"):
        ca.project(ca.build_network(stream, "copresence"))
