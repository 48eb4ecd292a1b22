"""Relational event models of network formation (connectana.metrics.formation)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana.errors import InputError
from connectana.metrics.formation import (
    conditional_logit,
    formation_model,
    formation_statistics,
    simulate_events,
)

T0 = pd.Timestamp("2024-01-01T00:00Z")


def _events(rows, people=None):
    """rows: (sender, receiver, day offset)."""
    df = pd.DataFrame(rows, columns=["actor", "target", "day"])
    df["timestamp"] = T0 + pd.to_timedelta(df.pop("day"), unit="D")
    df["action"] = "reply"
    df["object_id"] = [f"m{i}" for i in range(len(df))]
    return ca.make_events(df)


# ---------------------------------------------------------------------------------------------
# Statistics by hand
# ---------------------------------------------------------------------------------------------

# a → b (day 0), b → c (day 1), c → a and a → c at the same instant (day 2), b → a (day 3),
# a → b (day 5)
TINY = [("a", "b", 0), ("b", "c", 1), ("c", "a", 2), ("a", "c", 2), ("b", "a", 3), ("a", "b", 5)]


def _row(tab, case, receiver):
    row = tab[(tab["case"] == case) & (tab["receiver"] == receiver)]
    assert len(row) == 1
    return row.iloc[0]


def test_tiny_stream_by_hand():
    ev = _events(TINY)
    eff = [
        "inertia",
        "reciprocity",
        "transitivity",
        "shared_partners",
        "popularity",
        "receiver_activity",
        "recency",
    ]
    tab = formation_statistics(ev, effects=eff, controls=None)
    # one case per interaction, every other person an alternative (3 people: 2 rows/case)
    assert tab.groupby("case").size().tolist() == [2] * 6
    assert tab["chosen"].sum() == 6
    # case 2: c → a at day 2. History: a→b, b→c. c→a: reciprocity? a→c is at the same
    # instant: not history -> 0. transitivity c→k→a: none. shared partners c,a both sent to
    # k: c sent nothing -> 0. popularity of a: received 0; activity of a: sent 1 (a→b).
    c2 = _row(tab, 2, "a")
    assert c2["chosen"] and c2["sender"] == "c"
    assert (c2["inertia"], c2["reciprocity"], c2["transitivity"]) == (0, 0, 0)
    assert c2["popularity"] == 0 and c2["receiver_activity"] == pytest.approx(math.log(2))
    # same case, alternative b: b → c happened (reciprocity 1), recency 1 / (1 + 1 day)
    c2b = _row(tab, 2, "b")
    assert c2b["reciprocity"] == 1 and c2b["recency"] == pytest.approx(1 / 2)
    assert c2b["popularity"] == pytest.approx(math.log(2))  # b received a→b
    # case 3: a → c at day 2 (same instant as c → a, which is not history)
    c3 = _row(tab, 3, "c")
    assert (c3["reciprocity"], c3["recency"]) == (0, 0)
    assert c3["transitivity"] == 1  # a → b → c
    assert c3["inertia"] == 0
    # case 4: b → a at day 3. History: a→b, b→c, c→a, a→c.
    c4 = _row(tab, 4, "a")
    assert c4["reciprocity"] == 1 and c4["recency"] == pytest.approx(1 / (1 + 3))
    assert c4["transitivity"] == 1  # b → c → a
    assert c4["shared_partners"] == 1  # b and a both sent to c
    assert c4["popularity"] == pytest.approx(math.log(2))  # a received c→a
    assert c4["receiver_activity"] == pytest.approx(math.log(3))  # a sent a→b, a→c
    c4c = _row(tab, 4, "c")  # b → c before (inertia); b → a → c would need b → a before
    assert (c4c["inertia"], c4c["transitivity"]) == (1, 0)
    # case 5: a → b at day 5: inertia 1, reciprocity 1 (b → a at day 3), recency 1/(1+2);
    # a → c → b would need c → b: never
    c5 = _row(tab, 5, "b")
    assert (c5["inertia"], c5["reciprocity"], c5["transitivity"]) == (1, 1, 0)
    assert c5["recency"] == pytest.approx(1 / 3)


def test_tiny_stream_counts_and_decay():
    ev = _events(TINY)
    eff = ["inertia", "reciprocity", "transitivity", "popularity"]
    cnt = formation_statistics(ev, effects=eff, controls=None, stat="count")
    c5 = _row(cnt, 5, "b")  # a → b at day 5
    assert c5["inertia"] == 1  # one earlier a → b
    assert c5["popularity"] == pytest.approx(math.log(2))  # b received once before day 5
    dec = formation_statistics(ev, effects=eff, controls=None, stat="count", half_life=2.0)
    d5 = _row(dec, 5, "b")
    assert d5["inertia"] == pytest.approx(2 ** (-5 / 2))  # a → b at day 0, age 5 days
    assert d5["reciprocity"] == pytest.approx(2 ** (-2 / 2))  # b → a at day 3
    assert d5["popularity"] == pytest.approx(math.log1p(2 ** (-5 / 2)))
    d4 = _row(dec, 4, "a")  # b → a at day 3: two-path b → c → a formed on day 2
    assert d4["transitivity"] == pytest.approx(2 ** (-1 / 2))


def _brute(rows, eff, stat, half_life):
    """Every statistic straight from its definition, for every (case, candidate)."""
    people = sorted({p for r in rows for p in r[:2]})
    hist = sorted(rows, key=lambda r: r[2])
    out = []
    for case, (s, _, t) in enumerate(hist):
        past = [(a, b, u) for a, b, u in hist if u < t]

        def w(u, t=t):
            return 1.0 if half_life is None else 2 ** (-(t - u) / half_life)

        def times(a, b, past=past):
            return sorted(u for x, y, u in past if (x, y) == (a, b))

        def dyad(a, b):
            ts = times(a, b)
            if stat == "indicator":
                return float(bool(ts))
            return sum(w(u) for u in ts)

        def two(a, b, kind):
            total = 0.0
            for k in people:
                if k in (a, b):
                    continue
                t1 = times(a, k)
                t2 = times(k, b) if kind == "transitivity" else times(b, k)
                levels = min(len(t1), len(t2))
                if stat == "indicator":
                    total += levels > 0
                else:
                    total += sum(w(max(t1[m], t2[m])) for m in range(levels))
            return float(total > 0) if stat == "indicator" else total

        for j in people:
            if j == s:
                continue
            v = {
                "inertia": dyad(s, j),
                "reciprocity": dyad(j, s),
                "transitivity": two(s, j, "transitivity"),
                "shared_partners": two(s, j, "shared_partners"),
                "popularity": math.log1p(sum(w(u) for a, b, u in past if b == j)),
                "receiver_activity": math.log1p(sum(w(u) for a, b, u in past if a == j)),
                "recency": (1 / (1 + t - max(times(j, s)))) if times(j, s) else 0.0,
            }
            out.append({"case": case, "receiver": j, **{e: v[e] for e in eff}})
    return pd.DataFrame(out)


@pytest.mark.parametrize(
    ("stat", "half_life"), [("indicator", None), ("count", None), ("count", 1.5)]
)
def test_statistics_match_their_definitions(stat, half_life):
    rng = np.random.default_rng(3)
    people = list("abcdefg")
    rows = []
    for _ in range(70):
        s, r = rng.choice(people, 2, replace=False)
        rows.append((str(s), str(r), int(rng.integers(0, 20))))  # many same-day events
    _compare(rows, stat, half_life)


def test_decay_over_many_half_lives():
    # 100 days at a 0.05-day half-life: 2,000 half-lives, past the cumulative-sum shortcut
    rng = np.random.default_rng(4)
    rows = []
    for _ in range(60):
        s, r = rng.choice(list("abcdef"), 2, replace=False)
        rows.append((str(s), str(r), float(rng.integers(0, 400)) / 4))
    _compare(rows, "count", 0.05)
    _compare(rows, "count", 40.0)


def _compare(rows, stat, half_life):
    eff = [
        "inertia",
        "reciprocity",
        "transitivity",
        "shared_partners",
        "popularity",
        "receiver_activity",
        "recency",
    ]
    got = formation_statistics(
        _events(rows), effects=eff, controls=None, stat=stat, half_life=half_life
    )
    exp = _brute(rows, eff, stat, half_life)
    # cases are in time order in both; merge on (case, receiver)
    got = got.drop(columns=["time", "sender", "chosen"])
    m = exp.merge(got, on=["case", "receiver"], suffixes=("_exp", ""), how="outer")
    assert len(m) == len(exp) == len(got)
    for e in eff:
        np.testing.assert_allclose(m[e], m[e + "_exp"], rtol=1e-9, atol=1e-12, err_msg=e)


def test_same_group_to_staff_covariate_and_risk_sets():
    people = ca.make_people(
        pd.DataFrame(
            {
                "person": ["t", "a", "b", "c", "d"],
                "role": ["instructor", "student", "student", "student", "student"],
                "group": [None, "G1", "G1", "G2", "G2"],
                "score": [0.0, 1.0, 2.0, 3.0, 4.0],
            }
        )
    )
    ev = _events([("a", "t", 0), ("b", "a", 1), ("c", "d", 2), ("d", "b", 3)])
    tab = formation_statistics(
        ev, effects=["same_group", "to_staff"], covariates=["score"], people=people, controls=None
    )
    flat = formation_statistics(
        ev,
        effects=["same_group", "to_staff"],
        covariates=["score"],
        people=people.reset_index(),
        controls=None,
    )
    pd.testing.assert_frame_equal(flat, tab)  # ids in a column work the same
    c1 = tab[tab["case"] == 1].set_index("receiver")  # b → a at day 1
    assert set(c1.index) == {"a", "t", "c", "d"}
    assert c1.loc["a", "same_group"] == 1 and c1.loc["c", "same_group"] == 0
    assert c1.loc["t", "same_group"] == 0 and c1.loc["t", "to_staff"] == 1
    assert c1.loc["d", "score"] == 4.0
    # active risk set: at day 1 only a and t have been seen (b sends now, c, d later)
    act = formation_statistics(
        ev, effects=["same_group"], people=people, controls=None, risk_set="active"
    )
    at_day1 = act[act["sender"] == "b"]
    assert set(at_day1["receiver"]) == {"a", "t"}
    at_day2 = act[act["sender"] == "c"]  # c → d at day 2: d not seen before: set aside
    assert at_day2.empty
    # a → t at day 0 (t first seen then) and c → d are set aside
    assert act.attrs["set_aside"] == {"receiver_not_at_risk": 2}
    assert act["case"].nunique() == 2


def test_sampling_controls_without_replacement():
    ev, people = simulate_events(60, n_events=300, effects={}, seed=2)
    tab = formation_statistics(ev, effects=["inertia"], people=people, controls=7, seed=5)
    sizes = tab.groupby("case").size()
    assert (sizes == 8).all() and len(sizes) == 300
    assert not tab.duplicated(["case", "receiver"]).any()
    assert (tab["sender"] != tab["receiver"]).all()
    assert tab.groupby("case")["chosen"].agg(["sum", "first"]).eq(1).all().all()
    again = formation_statistics(ev, effects=["inertia"], people=people, controls=7, seed=5)
    pd.testing.assert_frame_equal(tab, again)
    # every alternative equally likely: counts of people drawn as alternatives are uniform
    alt = tab[~tab["chosen"]]["receiver"].value_counts()
    assert len(alt) == 60
    expected = 300 * 7 / 59
    assert alt.max() < expected + 5 * math.sqrt(expected)
    # more controls than alternatives: the whole risk set
    small = formation_statistics(ev, effects=["inertia"], people=people, controls=500)
    assert (small.groupby("case").size() == 59).all()


def test_active_risk_set_with_sampled_controls():
    ev, people = simulate_events(80, n_events=400, effects={"inertia": 1.0}, seed=6)
    tab = formation_statistics(
        ev, effects=["inertia"], people=people, controls=30, risk_set="active", seed=2
    )
    first = ev.groupby("actor")["timestamp"].min()
    first = pd.concat([first, ev.groupby("target")["timestamp"].min()]).groupby(level=0).min()
    # every candidate was seen strictly before the case; alternatives are distinct
    assert (tab["receiver"].map(first) < tab["time"]).all()
    assert not tab.duplicated(["case", "receiver"]).any()
    # early cases have small risk sets (fewer than 30 alternatives), later ones exactly 30
    sizes = tab.groupby("case").size()
    n_seen = tab.groupby("case")["time"].first().map(lambda t: int((first < t).sum()))
    sender_seen = tab.groupby("case").apply(
        lambda g: first[g["sender"].iloc[0]] < g["time"].iloc[0], include_groups=False
    )
    expected = np.minimum(n_seen - sender_seen.astype(int), 31)
    assert (sizes == expected).all()
    assert sizes.min() < 31 and sizes.max() == 31


# ---------------------------------------------------------------------------------------------
# The fit
# ---------------------------------------------------------------------------------------------


def test_newton_matches_statsmodels():
    ev, people = simulate_events(
        25, n_events=150, seed=4, effects={"reciprocity": 1.0, "inertia": 0.5, "same_group": 0.7}
    )
    eff = ["inertia", "reciprocity", "popularity", "same_group"]
    nr = formation_model(ev, effects=eff, people=people, controls=8, seed=1)
    sm = formation_model(ev, effects=eff, people=people, controls=8, seed=1, solver="statsmodels")
    np.testing.assert_allclose(nr["estimate"], sm["estimate"], rtol=1e-7)
    np.testing.assert_allclose(nr["std_error"], sm["std_error"], rtol=1e-5)
    assert nr.attrs["log_likelihood"] == pytest.approx(sm.attrs["log_likelihood"], rel=1e-8)
    assert nr.attrs["converged"] and nr.attrs["iterations"] < 20


def test_conditional_logit_two_alternatives_is_a_logit():
    # with one alternative per case and x_chosen - x_alt = d, it is a logistic regression of
    # 1 on d without intercept: closed form for one binary d
    X = np.array([[1.0], [0.0]] * 30 + [[0.0], [1.0]] * 10)
    starts = np.arange(0, 80, 2)
    chosen = np.tile([True, False], 40)
    fit = conditional_logit(X, chosen, starts)
    assert fit["params"][0] == pytest.approx(math.log(30 / 10))
    assert math.sqrt(fit["cov"][0, 0]) == pytest.approx(math.sqrt(1 / 30 + 1 / 10))


def test_table_shape_and_attrs():
    ev, people = simulate_events(30, n_events=200, effects={"inertia": 1.0}, seed=0)
    res = formation_model(ev, effects=["inertia", "popularity"], people=people, controls=5)
    assert list(res.columns) == [
        "estimate",
        "std_error",
        "z",
        "p_value",
        "ci_low",
        "ci_high",
        "odds_ratio",
    ]
    assert res.index.tolist() == ["inertia", "popularity"]
    np.testing.assert_allclose(res["odds_ratio"], np.exp(res["estimate"]))
    np.testing.assert_allclose(
        res["ci_high"] - res["estimate"], 1.959964 * res["std_error"], rtol=1e-6
    )
    a = res.attrs
    assert (a["events"], a["controls"], a["rows"], a["risk_set"]) == (200, 5, 1200, "all")
    assert a["converged"] and a["iterations"] >= 1
    t = ev["timestamp"].sort_values()
    win = formation_model(
        ev, effects=["inertia"], people=people, start=t.iloc[100], end=t.iloc[150]
    )
    assert win.attrs["events"] == 50


def test_bad_input_is_named():
    ev, people = simulate_events(10, n_events=30, seed=0)
    with pytest.raises(InputError, match="unknown effect"):
        formation_model(ev, effects=["homophily"])
    with pytest.raises(InputError, match="two-mode"):
        formation_model(ev, ties="bipartite")
    with pytest.raises(InputError, match="roster"):
        formation_model(ev, effects=["same_group"])
    with pytest.raises(InputError, match="stat='count'"):
        formation_model(ev, effects=["inertia"], half_life=3)
    with pytest.raises(InputError, match="time zone"):
        formation_model(ev, effects=["inertia"], start="2026-01-20")
    with pytest.raises(InputError, match="same value"):
        formation_model(ev, effects=["to_staff"], people=people.assign(role="student"))
    short = people.iloc[:8]
    with pytest.warns(UserWarning, match="not in the roster"):
        res = formation_model(ev, effects=["inertia", "reciprocity"], people=short, controls=None)
    assert res.attrs["set_aside"]["not_in_roster"] > 0


# ---------------------------------------------------------------------------------------------
# Validity: sampled vs exact, recovery of known parameters
# ---------------------------------------------------------------------------------------------

TRUE = {
    "inertia": 1.0,
    "reciprocity": 1.5,
    "transitivity": 0.6,
    "popularity": 0.4,
    "same_group": 0.8,
}


def test_sampled_estimates_agree_with_exact_likelihood():
    ev, people = simulate_events(40, n_events=1500, effects=TRUE, seed=11)
    eff = list(TRUE)
    exact = formation_model(ev, effects=eff, people=people, controls=None)
    sampled = formation_model(ev, effects=eff, people=people, controls=10, seed=3)
    # same estimand: within the sampled fit's own standard error of the exact estimate,
    # and the sampled fit is less precise (fewer alternatives), never more
    dev = (sampled["estimate"] - exact["estimate"]).abs() / sampled["std_error"]
    assert (dev < 1.5).all(), dev
    assert (sampled["std_error"] >= exact["std_error"] * 0.98).all()
    assert exact.attrs["rows"] == 1500 * 39


@pytest.mark.parametrize(("n_people", "n_events", "controls"), [(20, 300, None), (50, 800, 10)])
def test_recovery_of_known_parameters(n_people, n_events, controls):
    """Over 25 seeds, each true value lies inside its 95 % interval at the nominal rate."""
    hits, total, z = 0, 0, []
    for seed in range(25):
        ev, people = simulate_events(n_people, n_events=n_events, effects=TRUE, seed=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            res = formation_model(
                ev, effects=list(TRUE), people=people, controls=controls, seed=seed
            )
        truth = pd.Series(TRUE)
        inside = (res["ci_low"] <= truth) & (truth <= res["ci_high"])
        hits += int(inside.sum())
        total += len(truth)
        z.append((res["estimate"] - truth) / res["std_error"])
    rate = hits / total
    # 125 intervals at 95 %: a binomial 99.9 % range is about [0.88, 0.99]
    assert 0.88 <= rate <= 1.0, rate
    zs = pd.concat(z, axis=1)
    # no effect biased: the mean standardised error of each effect is near 0 (sd 1/5)
    assert (zs.mean(axis=1).abs() < 0.75).all(), zs.mean(axis=1)
