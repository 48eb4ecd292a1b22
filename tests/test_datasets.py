"""The simulated sample course: ground truth, the bundled files and their readers."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana import datasets
from connectana.datasets import (
    SAMPLE_FILES,
    load_sample,
    sample_path,
    simulate_course,
    write_sample_data,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
START = pd.Timestamp("2026-01-12T00:00:00Z")
WEEK = pd.Timedelta(weeks=1)


@pytest.fixture(scope="module")
def course() -> datasets.Course:
    return simulate_course(0)


@pytest.fixture(scope="module")
def forum(course) -> pd.DataFrame:
    return course.posts[course.posts["platform"] == "forum"].reset_index(drop=True)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return ca.read_events(sample_path("forum_posts.csv"), format="table")


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    roster = pd.read_csv(sample_path("roster.csv"))
    return ca.make_people(
        roster, person="person", role="role", group="group", display_name="display_name"
    )


def _alias_map(platform: str) -> dict[str, str]:
    a = pd.read_csv(SAMPLE / "aliases.csv", dtype=str)
    a = a[a["platform"] == platform]
    return dict(zip(a["platform_id"], a["person"], strict=True))


# -- the simulation ---------------------------------------------------------------------------------


def test_course_start_is_a_monday_in_utc():
    assert datasets.COURSE_START.isoformat() == "2026-01-12T00:00:00+00:00"
    assert datasets.COURSE_START.weekday() == 0


def test_people(course):
    p = course.people
    assert p["role"].value_counts().to_dict() == {"student": 80, "instructor": 2, "ta": 2}
    assert p["person"].is_unique
    students = p[p["role"] == "student"]
    # 15% lurkers, 3 isolated learners, 10% late joiners (all among the regular posters)
    assert students["kind"].value_counts().to_dict() == {"regular": 65, "lurker": 12, "isolated": 3}
    late = students[students["join_week"] > 0]
    assert len(late) == 8
    assert set(late["kind"]) == {"regular"}
    assert late["join_week"].between(3, 6).all()
    assert set(students["group"]) == {f"G{i}" for i in range(1, 7)}
    assert all(
        re.fullmatch(r"(Instructor|Teaching Assistant|Learner) \d+", n) for n in p["display_name"]
    )


def test_same_seed_same_course_other_seed_other_course():
    a, b, c = (
        simulate_course(3, n_students=30, weeks=8),
        simulate_course(3, n_students=30, weeks=8),
        simulate_course(4, n_students=30, weeks=8),
    )
    for name in ("people", "aliases", "posts", "blog_posts", "blog_comments", "chat", "views"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert not a.posts[["author", "created"]].equals(c.posts[["author", "created"]])


def test_simulate_course_checks_its_arguments():
    with pytest.raises(ValueError, match="n_students"):
        simulate_course(0, n_students=5)
    with pytest.raises(ValueError, match="weeks"):
        simulate_course(0, weeks=3)


def test_forum_threads_are_consistent(forum):
    by_id = forum.set_index("post_id")
    replies = forum[forum["parent_id"].notna()]
    parents = by_id.loc[replies["parent_id"]]
    # every parent exists, is earlier and in the same thread; nobody answers themselves
    assert (parents["created"].to_numpy() < replies["created"].to_numpy()).all()
    assert (parents["thread_id"].to_numpy() == replies["thread_id"].to_numpy()).all()
    assert (parents["author"].to_numpy() != replies["author"].to_numpy()).all()
    starters = forum[forum["parent_id"].isna()]
    assert starters["thread_id"].is_unique
    assert set(forum["thread_id"]) == set(starters["thread_id"])
    assert forum["created"].min() >= START
    assert forum["created"].max() < START + 12 * WEEK


def test_who_posts(course, forum):
    p = course.people.set_index("person")
    authors = set(forum["author"])
    lurkers = set(p.index[p["kind"] == "lurker"])
    isolated = set(p.index[p["kind"] == "isolated"])
    assert not lurkers & authors
    assert isolated <= authors
    # isolated learners only start threads, and nobody answers them
    assert forum.loc[forum["author"].isin(isolated), "parent_id"].isna().all()
    answered = set(forum.set_index("post_id").loc[forum["parent_id"].dropna(), "author"])
    assert not isolated & answered
    # late joiners post nothing before they join
    week = (forum["created"] - START) // WEEK
    joined = forum["author"].map(p["join_week"])
    assert (week >= joined).all()


def test_aliases_are_one_person_per_platform_id(course):
    a = course.aliases
    assert not a.duplicated(["platform", "platform_id"]).any()
    assert set(a["platform"]) == {"moodle", "xapi", "canvas", "wordpress", "slack", "discourse"}
    # some learners use another username on the blogs than their course id
    wp = a[a["platform"] == "wordpress"]
    assert (wp["platform_id"] != wp["person"]).sum() >= 5


# -- the bundled files ------------------------------------------------------------------------------


def test_sample_path_and_load_sample():
    assert sample_path() == SAMPLE
    paths = load_sample()
    assert list(paths) == list(SAMPLE_FILES)
    assert all(p.exists() for p in paths.values())
    with pytest.raises(ca.ConnectanaError, match="no_such_file"):
        sample_path("no_such_file.csv")


def test_sample_data_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv("CONNECTANA_SAMPLE_DATA", str(tmp_path))
    with pytest.raises(ca.ConnectanaError, match="regenerate"):
        sample_path("forum_posts.csv")
    (tmp_path / "forum_posts.csv").write_text("x")
    assert sample_path("forum_posts.csv") == tmp_path / "forum_posts.csv"


def test_regenerating_gives_the_same_bytes(tmp_path):
    write_sample_data(tmp_path, seed=0)
    committed = sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*") if p.is_file())
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert committed == fresh
    for rel in committed:
        assert (SAMPLE / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


def test_module_main_writes_the_sample(tmp_path, capsys):
    assert datasets.main(["--out", str(tmp_path / "s")]) == 0
    assert (tmp_path / "s" / "forum_posts.csv").read_bytes() == (
        SAMPLE / "forum_posts.csv"
    ).read_bytes()
    assert "forum_posts.csv" in capsys.readouterr().out


def test_forum_posts_csv_matches_the_simulation(events, forum):
    head = (SAMPLE / "forum_posts.csv").read_text().splitlines()[0]
    assert head == "post_id,parent_id,thread_id,author,created"
    assert len(events) == len(forum) == 1062
    assert int((events["action"] == "reply").sum()) == int(forum["parent_id"].notna().sum()) == 978
    truth = _truth_pairs(forum)
    assert sum(truth.values()) == 978
    got = Counter(
        zip(events.loc[events["target"].notna(), "actor"], events["target"].dropna(), strict=True)
    )
    assert got == truth
    assert events.attrs["ingest"].notes["target from parent"] == 978


def test_some_replies_come_before_their_parent_in_the_file():
    rows = list(csv.DictReader((SAMPLE / "forum_posts.csv").open()))
    position = {r["post_id"]: i for i, r in enumerate(rows)}
    early = [r for i, r in enumerate(rows) if r["parent_id"] and position[r["parent_id"]] > i]
    assert 10 <= len(early) <= 80
    assert all(r["created"].endswith("Z") for r in rows)


def test_roster_has_no_personal_data(people):
    text = (SAMPLE / "roster.csv").read_text()
    assert text.splitlines()[0] == "person,display_name,role,group"
    assert "@" not in text
    assert people["role"].value_counts().to_dict() == {"student": 80, "instructor": 2, "ta": 2}
    assert people.loc["s001", "display_name"] == "Learner 001"
    assert people.loc["inst1", "group"] is pd.NA or pd.isna(people.loc["inst1", "group"])


def test_no_real_addresses_in_the_native_files():
    emails = set(re.findall(r"[\w.+-]+@[\w.-]+", (SAMPLE / "wordpress_blogs.xml").read_text()))
    assert emails and all(e.endswith("@example.org") for e in emails)
    logs = list(csv.reader((SAMPLE / "moodle_logs.csv").open(encoding="utf-8-sig")))
    assert {r[-1] for r in logs[1:]} == {""}  # IP address column left empty


# -- networks with known properties -----------------------------------------------------------------


def test_lurkers_and_isolated_learners_in_the_reply_network(events, people, course):
    net = ca.build_network(events, ties="reply", people=people)
    g = net.to_igraph()
    indeg = pd.Series(g.degree(mode="in"), index=net.nodes.index)
    deg = pd.Series(g.degree(), index=net.nodes.index)
    kind = course.people.set_index("person")["kind"]
    lurkers = kind.index[kind == "lurker"]
    isolated = kind.index[kind == "isolated"]
    assert len(lurkers) == 12 and (deg[lurkers] == 0).all()
    assert (indeg[isolated] == 0).all()
    assert (net.nodes.loc[isolated, "n_events"] > 0).all()  # they did post
    assert net.n_nodes == 84


def _instructor_share(events, people, first_week, last_week):
    net = ca.build_network(
        events,
        ties="reply",
        people=people,
        start=START + first_week * WEEK,
        end=START + last_week * WEEK,
    )
    role = people["role"]
    e = net.edges
    return float(
        (e["source"].map(role).eq("instructor") | e["target"].map(role).eq("instructor")).mean()
    )


def test_instructor_share_of_ties_falls(events, people):
    early = _instructor_share(events, people, 0, 3)
    late = _instructor_share(events, people, 9, 12)
    assert early > 0.3
    assert late < 0.05
    assert early > 5 * late


def test_groups_form_then_bridge(events, people):
    shares = []
    for a, b in ((0, 3), (9, 12)):
        net = ca.build_network(events, people=people, start=START + a * WEEK, end=START + b * WEEK)
        e = net.edges
        g = people["group"]
        students = e["source"].map(people["role"]).eq("student") & e["target"].map(
            people["role"]
        ).eq("student")
        shares.append(
            float((e.loc[students, "source"].map(g) == e.loc[students, "target"].map(g)).mean())
        )
    # with 6 groups of equal size, random ties would stay inside a group 1/6 of the time
    assert shares[0] > 0.6
    assert shares[1] < shares[0] - 0.2


# -- the native files, read by the real readers (skipped until each reader exists) ------------------


def _pairs(ev: pd.DataFrame, platform: str, actions=("reply", "comment")) -> Counter:
    ids = _alias_map(platform)
    sel = ev[ev["action"].isin(actions) & ev["target"].notna()]
    return Counter(zip(sel["actor"].map(ids), sel["target"].map(ids), strict=True))


def _truth_pairs(posts: pd.DataFrame) -> Counter:
    by_id = posts.set_index("post_id")
    r = posts[posts["parent_id"].notna()]
    return Counter(zip(r["author"], by_id.loc[r["parent_id"], "author"], strict=True))


def test_moodle_forum_export_reads_into_the_same_forum(forum):
    pytest.importorskip("connectana.io.moodle")
    raw = (SAMPLE / "moodle_forum_export.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,discussion,parent,userid,userfullname,created,modified,")
    ev = ca.read_events(SAMPLE / "moodle_forum_export.csv", format="moodle_forum")
    assert len(ev) == len(forum)
    assert int((ev["action"] == "reply").sum()) == 978
    assert _pairs(ev, "moodle") == _truth_pairs(forum)


def test_xapi_statements_read_into_the_same_forum(forum):
    pytest.importorskip("connectana.io.xapi")
    statements = json.loads((SAMPLE / "xapi_statements.json").read_text())
    replies = [s for s in statements if "statement" in s["context"]]
    assert len(replies) == 978
    assert replies[0]["context"]["statement"]["objectType"] == "StatementRef"
    ev = ca.read_events(SAMPLE / "xapi_statements.json", format="xapi")
    assert len(ev) == len(forum)
    assert _pairs(ev, "xapi") == _truth_pairs(forum)


def test_moodle_log_reads_posts_and_views(course, forum):
    pytest.importorskip("connectana.io.moodle")
    head = (SAMPLE / "moodle_logs.csv").read_text(encoding="utf-8-sig").splitlines()[:2]
    assert (
        head[0]
        == "Time,User full name,Affected user,Event context,Component,Event name,Description,Origin,IP address"
    )
    assert re.match(r'^"\d\d/\d\d/\d\d, \d\d:\d\d",', head[1])
    ev = ca.read_events(SAMPLE / "moodle_logs.csv", format="moodle_log", tz="UTC")
    assert ev.attrs["ingest"].read == len(course.views) + len(forum)
    assert int((ev["action"] == "reply").sum()) == 978
    assert int((ev["action"] == "post").sum()) == 84
    ids = _alias_map("moodle")
    lurkers = set(course.people.loc[course.people["kind"] == "lurker", "person"])
    acting = ev[ev["action"].isin(["post", "reply"])]["actor"].map(ids)
    assert not lurkers & set(acting)
    assert lurkers <= set(ev["actor"].map(ids))  # lurkers are in the log: they view


def test_canvas_view_reads_into_the_topic(course):
    pytest.importorskip("connectana.io.canvas")
    c = course.posts[course.posts["platform"] == "canvas"]
    deleted = set(c.loc[c["deleted"], "post_id"])
    assert len(deleted) == 1
    ev = ca.read_events(SAMPLE / "canvas_discussion_view.json", format="canvas_discussion")
    entries = c[c["parent_id"].notna()]
    assert len(ev) == len(entries) - 1  # the deleted entry has no author
    # explicit ties: entries answering an entry that is not deleted
    explicit = entries[
        entries["parent_id"].isin(entries["post_id"]) & ~entries["parent_id"].isin(deleted)
    ]
    assert explicit["parent_id"].nunique() > 3
    author = dict(zip(c["post_id"], c["author"], strict=True))
    truth = Counter((r.author, author[r.parent_id]) for r in explicit.itertuples(index=False))
    assert _pairs(ev, "canvas") == truth
    # the top-level entries answer the topic, whose author is not in the view
    assert ev["parent_id"].isna().sum() == (entries["parent_id"] == "topic-77").sum() - 1


def test_discourse_topic_reads_into_the_topic(course):
    pytest.importorskip("connectana.io.discourse")
    d = course.posts[course.posts["platform"] == "discourse"]
    topic = json.loads((SAMPLE / "discourse_topic.json").read_text())
    numbers = [p["post_number"] for p in topic["post_stream"]["posts"]]
    assert numbers != list(range(1, len(numbers) + 1))  # gaps
    assert topic["post_stream"]["posts"][-1]["post_type"] == 3
    ev = ca.read_events(SAMPLE / "discourse_topic.json", format="discourse")
    assert len(ev) == len(d)  # the system post is set aside
    assert _pairs(ev, "discourse") == _truth_pairs(d)


def test_wordpress_blogs_read_into_the_comment_network(course):
    pytest.importorskip("connectana.io.wordpress")
    bp, bc = course.blog_posts, course.blog_comments
    ev = ca.read_events(SAMPLE / "wordpress_blogs.xml", format="wordpress")
    comments = bc[(bc["type"] == "comment") & (bc["approved"] == "1")]
    assert int(ev["action"].isin(["comment", "reply"]).sum()) == len(comments)
    post_author = dict(zip(bp["post_id"], bp["author"], strict=True))
    comment_author = dict(zip(bc["comment_id"], bc["author"], strict=True))
    truth = Counter(
        (r.author, post_author[r.post_id] if pd.isna(r.parent_id) else comment_author[r.parent_id])
        for r in comments.itertuples(index=False)
    )
    truth = Counter({k: v for k, v in truth.items() if k[0] != k[1]}) + Counter(
        {k: v for k, v in truth.items() if k[0] == k[1]}
    )
    assert _pairs(ev, "wordpress") == truth
    assert int((bc["type"] == "pingback").sum()) == 6


def test_slack_export_reads_into_the_chat(course):
    pytest.importorskip("connectana.io.slack")
    chat = course.chat
    folder = SAMPLE / "slack_export"
    assert {p.name for p in folder.iterdir() if p.is_dir()} == {"general", "help", "random"}
    # replies are stored in the day file of their own date, often after their parent's
    later = 0
    for r in chat[chat["thread_ts"].notna()].itertuples(index=False):
        later += int(float(r.ts)) // 86400 > int(float(r.thread_ts)) // 86400
    assert later > 10
    ev = ca.read_events(folder, format="slack")
    replies = chat[chat["thread_ts"].notna()]
    assert int((ev["action"] == "reply").sum()) == len(replies)
    assert _pairs(ev, "slack", actions=("reply",)) == Counter(
        zip(replies["user"], replies["parent_user"], strict=True)
    )
    assert int((ev["action"] == "mention").sum()) == sum(len(m) for m in chat["mentions"])
    n_reactions = sum(len(users) for rs in chat["reactions"] for _, users in rs)
    assert int((ev["action"] == "react").sum()) == n_reactions
    assert np.isin(["bot_message", "channel_join"], chat["subtype"].dropna().unique()).all()
