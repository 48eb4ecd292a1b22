"""Tie-definition sensitivity on a hand-made forum with hand-computed correlations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana.metrics.sensitivity import compare_ties, plot_compare_ties, quartiles

T0 = pd.Timestamp("2024-01-01T00:00Z")

# Thread T1: p1 a (starts), p2 b -> p1, p3 c -> p1, p4 a -> p2, p5 b -> p4
# Thread T2: p6 c (starts), p7 a -> p6, p8 d -> p7
FORUM = [
    ("p1", None, "T1", "a", 1),
    ("p2", "p1", "T1", "b", 2),
    ("p3", "p1", "T1", "c", 3),
    ("p4", "p2", "T1", "a", 4),
    ("p5", "p4", "T1", "b", 5),
    ("p6", None, "T2", "c", 6),
    ("p7", "p6", "T2", "a", 7),
    ("p8", "p7", "T2", "d", 8),
]


def forum() -> pd.DataFrame:
    df = pd.DataFrame(FORUM, columns=["object_id", "parent_id", "thread_id", "actor", "hour"])
    df["timestamp"] = T0 + pd.to_timedelta(df.pop("hour"), unit="h")
    return ca.make_events(df, platform="forum")


@pytest.fixture
def result():
    return compare_ties(forum(), ["reply", "star", "copresence"], ["degree", "in_degree"], top_k=2)


def test_node_values_by_hand(result):
    # reply: b->a x2, c->a, a->b, a->c, d->a; star: b->a x2, c->a, a->c, d->c (a->a dropped);
    # copresence: a-b 1, a-c 2, b-c 1, a-d 1, c-d 1
    deg = result.values["degree"]
    assert deg.index.tolist() == ["a", "b", "c", "d"]
    assert deg.to_dict("list") == {
        "reply": [6, 3, 2, 1],
        "star": [4, 2, 3, 1],
        "copresence": [4, 2, 4, 2],
    }


def test_spearman_and_kendall_by_hand(result):
    sp, kd = result.spearman["degree"], result.kendall["degree"]
    # reply ranks 4,3,2,1; star ranks 4,2,3,1: rho = 1 - 6*2 / (4*15)
    assert sp.loc["reply", "star"] == pytest.approx(0.8)
    assert sp.loc["star", "reply"] == pytest.approx(0.8)
    # 5 concordant pairs, 1 discordant (b, c)
    assert kd.loc["reply", "star"] == pytest.approx(4 / 6)
    # copresence ranks 3.5,1.5,3.5,1.5: Pearson of the ranks = 2 / sqrt(5 * 4)
    assert sp.loc["reply", "copresence"] == pytest.approx(2 / math.sqrt(20))
    assert np.diag(sp.to_numpy()).tolist() == [1.0, 1.0, 1.0]


def test_top_k_and_quartiles_by_hand(result):
    # top 2: reply {a, b}, star {a, c}, copresence {a, c}
    jac = result.top_k["degree"]
    assert jac.loc["reply", "star"] == pytest.approx(1 / 3)
    assert jac.loc["star", "copresence"] == 1.0
    # quartiles: reply 4,3,2,1; star 4,2,3,1; copresence 4,2,4,2
    same = result.same_quartile.loc["degree"]
    assert same.to_dict() == pytest.approx(
        {
            "all": 0.25,
            "reply vs star": 0.5,
            "reply vs copresence": 0.25,
            "star vs copresence": 0.5,
        }
    )


def test_in_degree_constant_gives_nan():
    # copresence is undirected: in_degree there equals degree; reply in-degrees 4,1,1,0
    r = compare_ties(forum(), ["reply", "star"], ["in_degree"])
    assert r.values["in_degree"].to_dict("list") == {"reply": [4, 1, 1, 0], "star": [3, 0, 2, 0]}
    only_posts = forum()
    only_posts["action"] = "post"
    flat = compare_ties(only_posts, ["reply", "star"], ["degree"])
    assert math.isnan(flat.spearman["degree"].loc["reply", "star"])  # reply: no ties at all


def test_summary_side_by_side(result):
    s = result.summary
    assert s.index.tolist() == ["reply", "star", "copresence"]
    assert s["ties"].tolist() == [5, 4, 5]
    assert s.loc["reply", "reciprocity"] == pytest.approx(4 / 5)  # a<->b, a<->c
    assert s.loc["star", "reciprocity"] == pytest.approx(2 / 4)  # a<->c
    assert pd.isna(s.loc["copresence", "reciprocity"])
    assert s.loc["star", "self_loops"] == 1


def test_quartiles_share_ranks():
    assert quartiles(pd.Series([3.0, 1.0, 2.0, 0.0])).tolist() == [4, 2, 3, 1]
    assert quartiles(pd.Series([0, 0, 0, 0, 1])).tolist() == [4, 4, 4, 4, 4]


def test_arguments_checked():
    with pytest.raises(ValueError, match="at least two"):
        compare_ties(forum(), ["reply"])
    with pytest.raises(ValueError, match="bipartite"):
        compare_ties(forum(), ["reply", "bipartite"])


def test_plot(result, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    ax = plot_compare_ties(result)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["reply vs star", "reply vs copresence", "star vs copresence"]
    heights = [p.get_height() for p in ax.patches]
    assert heights[:3] == pytest.approx(
        [0.8, 2 / math.sqrt(20), result.spearman["degree"].iloc[1, 2]]
    )
    ax.figure.savefig(tmp_path / "compare.png")
    assert (tmp_path / "compare.png").stat().st_size > 1000


def test_people_at_zero_everywhere_are_left_out_and_per_student_table():
    roster = ca.make_people(pd.DataFrame({"person": list("abcdef")}))  # e, f never post
    r = compare_ties(forum(), ["reply", "star", "copresence"], ["degree"], people=roster)
    assert r.left_out["degree"] == 2
    # agreement among a..d only: the same shares as without the roster
    base = compare_ties(forum(), ["reply", "star", "copresence"], ["degree"])
    assert r.same_quartile.loc["degree"].to_dict() == pytest.approx(
        base.same_quartile.loc["degree"].to_dict()
    )
    t = r.per_student["degree"]
    # degree reply 6,3,2,1 star 4,2,3,1 copresence 4,2,4,2 (ranks: 1 = highest)
    assert t["reply_rank"].tolist()[:4] == [1, 2, 3, 4]
    assert t["star_rank"].tolist()[:4] == [1, 3, 2, 4]
    assert t["copresence_rank"].tolist()[:4] == [1, 3, 1, 3]
    assert t["quartile_moves"].tolist()[:4] == [0, 1, 2, 1]
    assert t["flagged"].tolist() == [False, True, True, True, False, False]
    assert t["zero_everywhere"].tolist() == [False] * 4 + [True] * 2
    assert t["reply_quartile"].isna().tolist() == [False] * 4 + [True] * 2
