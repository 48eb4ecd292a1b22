"""The seeded simulator of the sample course: :class:`Course` and :func:`simulate_course`.

What the course contains (all names, ids and addresses are invented):

- instructors very active in the first weeks, fading later; TAs steady;
- six study groups: replies stay inside a group early and bridge groups later;
- lurkers (about 15% of students) who never post but view resources;
- three isolated learners who start threads that nobody ever answers;
- late joiners (about 10%) who enrol in weeks 4 to 7;
- the same person under different usernames on different platforms
  (``aliases.csv`` maps every platform id to one person).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .resources import plant_resources

__all__ = [
    "COURSE_START",
    "DAY",
    "WEEK",
    "START_S",
    "LMS_URL",
    "NAMESPACE",
    "Course",
    "simulate_course",
    "sentence",
]

#: First day of the simulated course (a Monday), 00:00 UTC.
COURSE_START = datetime(2026, 1, 12, tzinfo=timezone.utc)

DAY = 86_400
WEEK = 7 * DAY
START_S = int(COURSE_START.timestamp())
LMS_URL = "https://lms.example.org"
NAMESPACE = uuid.UUID("6f1b2a0c-3d4e-5f60-8a9b-0c1d2e3f4a5b")

_TOPICS = [
    "What is a learning network?",
    "Connectivism and its critics",
    "Weak ties and where ideas come from",
    "Curating your personal learning environment",
    "Open educational resources",
    "Feedback loops in online courses",
    "Communities of practice",
    "Learning analytics and its ethics",
    "Blogging as reflective practice",
    "Networks of people and of ideas",
    "Assessment in open courses",
    "What did we learn together?",
]
_WORDS = (
    "network node tie idea resource blog reading question answer example community "
    "practice reflection feedback learning connection pattern group course week "
    "theory evidence experience project peer discussion map artefact"
).split()
_HANDLES = (
    "maple fox river owl cedar lark pine otter birch heron willow lynx aspen wren "
    "fern badger moss finch quartz tide"
).split()


@dataclasses.dataclass(eq=False)
class Course:
    """A simulated course: plain tables, one per kind of activity.

    Attributes
    ----------
    people : DataFrame
        One row per person: ``person, display_name, role`` (instructor / ta /
        student), ``group`` (study group, empty for staff), ``kind``
        (``staff``, ``regular``, ``lurker``, ``isolated``), ``join_week``
        (0-based week of enrolment), ``activity`` (relative posting rate).
    aliases : DataFrame
        ``person, platform, platform_id``: every id a person has on a platform.
    posts : DataFrame
        Discussion posts: ``post_id, platform`` (``forum`` = the Moodle forum,
        ``canvas``, ``discourse``), ``thread_id, parent_id`` (NA for a thread
        starter), ``author`` (person), ``created`` (UTC), ``subject, text,
        deleted``; Discourse rows also carry ``post_number``.
    blog_posts : DataFrame
        ``post_id, author, created, title, slug``.
    blog_comments : DataFrame
        ``comment_id, post_id, parent_id`` (comment answered, NA when on the
        post), ``author`` (NA for pingbacks), ``created, type`` (comment /
        pingback), ``approved`` (``1`` or ``spam``), ``guest`` (commented
        while logged out), ``source_post_id`` (the linking post of a pingback).
    chat : DataFrame
        Slack messages: ``channel, ts, user`` (person, NA for the bot),
        ``subtype, thread_ts, parent_user, mentions`` (list of persons),
        ``reactions`` (list of ``(name, [persons])``), ``text``.
    views : DataFrame
        LMS log rows that are not posts: ``person, time, event, cmid, resource``.
    resources : DataFrame
        The links and hashtags planted in the messages (ground truth; see
        :mod:`connectana.datasets.resources`).
    seed : int
    weeks : int

    Examples
    --------
    >>> from connectana.datasets import simulate_course
    >>> c = simulate_course(seed=0, n_students=30, weeks=8)
    >>> sorted(set(c.aliases["platform"]))
    ['canvas', 'discourse', 'moodle', 'slack', 'wordpress', 'xapi']
    >>> c.person_ids("moodle")["inst1"], c.platform_ids("moodle")["101"]
    ('101', 'inst1')
    """

    people: pd.DataFrame
    aliases: pd.DataFrame
    posts: pd.DataFrame
    blog_posts: pd.DataFrame
    blog_comments: pd.DataFrame
    chat: pd.DataFrame
    views: pd.DataFrame
    seed: int = 0
    weeks: int = 12
    resources: pd.DataFrame | None = None

    def platform_ids(self, platform: str) -> dict[str, str]:
        """``platform_id -> person`` for one platform of :attr:`aliases`."""
        a = self.aliases[self.aliases["platform"] == platform]
        return dict(zip(a["platform_id"], a["person"], strict=True))

    def person_ids(self, platform: str) -> dict[str, str]:
        """``person -> platform_id`` for one platform of :attr:`aliases`."""
        a = self.aliases[self.aliases["platform"] == platform]
        return dict(zip(a["person"], a["platform_id"], strict=True))


# ---------------------------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------------------------


def sentence(rng: np.random.Generator, n: int = 8) -> str:
    words = [str(w) for w in rng.choice(_WORDS, size=n)]
    return (" ".join(words)).capitalize() + "."


def _people(rng: np.random.Generator, n_students: int, weeks: int) -> pd.DataFrame:
    rows = []
    for i in (1, 2):
        rows.append((f"inst{i}", f"Instructor {i}", "instructor", "", "staff", 0, 1.0))
    for i in (1, 2):
        rows.append((f"ta{i}", f"Teaching Assistant {i}", "ta", "", "staff", 0, 1.0))
    order = rng.permutation(n_students)
    n_lurk = max(1, round(0.15 * n_students))
    n_iso = 3 if n_students >= 20 else 1
    n_late = max(1, round(0.10 * n_students))
    kinds = ["lurker"] * n_lurk + ["isolated"] * n_iso + ["regular"] * (n_students - n_lurk - n_iso)
    kind_of = {int(s): kinds[k] for k, s in enumerate(order)}
    groups = rng.permutation(np.arange(n_students) % 6)
    late = set(
        int(x)
        for x in rng.choice(
            [s for s in range(n_students) if kind_of[s] == "regular"], size=n_late, replace=False
        )
    )
    activity = rng.gamma(1.5, 1.0, size=n_students)
    for s in range(n_students):
        join = int(rng.integers(3, min(7, weeks))) if s in late else 0
        rows.append(
            (
                f"s{s + 1:03d}",
                f"Learner {s + 1:03d}",
                "student",
                f"G{groups[s] + 1}",
                kind_of[s],
                join,
                round(float(activity[s]), 6),
            )
        )
    return pd.DataFrame(
        rows, columns=["person", "display_name", "role", "group", "kind", "join_week", "activity"]
    )


def _aliases(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """Platform ids: Moodle/xAPI user ids, Canvas ids, WordPress logins, Slack ids, Discourse names."""
    rows = []
    slack_ids = set()
    for i, p in enumerate(people.itertuples(index=False)):
        moodle = str(101 + i)
        rows.append((p.person, "moodle", moodle))
        rows.append((p.person, "xapi", f"{LMS_URL}|{moodle}"))  # xAPI account homePage|name
        rows.append((p.person, "canvas", str(5001 + i)))
        # about a third of the people choose a handle instead of their course name
        if rng.random() < 0.35:
            handle = f"{_HANDLES[int(rng.integers(len(_HANDLES)))]}_{_HANDLES[int(rng.integers(len(_HANDLES)))]}{i}"
        else:
            handle = p.person
        rows.append((p.person, "wordpress", handle.replace("_", ".")))
        rows.append((p.person, "discourse", handle if rng.random() < 0.5 else f"{p.person}_d"))
        rows.append((p.person, "discourse", str(60 + i)))  # Discourse user_id
        while True:
            sid = "U" + "".join(rng.choice(list("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"), size=9))
            if sid not in slack_ids:
                slack_ids.add(sid)
                break
        rows.append((p.person, "slack", sid))
    return pd.DataFrame(rows, columns=["person", "platform", "platform_id"])


def _forum(rng: np.random.Generator, people: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """The Moodle course forum: instructors fade, groups form then bridge."""
    person = people["person"].tolist()
    role = dict(zip(person, people["role"], strict=True))
    group = dict(zip(person, people["group"], strict=True))
    kind = dict(zip(person, people["kind"], strict=True))
    join = dict(zip(person, people["join_week"], strict=True))
    act = dict(zip(person, people["activity"], strict=True))
    instructors = [p for p in person if role[p] == "instructor"]
    tas = [p for p in person if role[p] == "ta"]
    posters = [p for p in person if kind[p] == "regular"]
    isolated = [p for p in person if kind[p] == "isolated"]

    created: list[int] = []
    author: list[str] = []
    thread: list[int] = []
    thread_start: list[int] = []
    parent: list[int] = []  # index of the parent post, -1 for a starter
    subject: list[str] = []
    thread_subject: dict[int, str] = {}
    next_thread = 201

    for w in range(weeks):
        w0 = START_S + w * WEEK
        active = [p for p in posters if join[p] <= w]
        weights = np.array([act[p] for p in active])
        weights = weights / weights.sum()
        events: list[tuple[int, int, str]] = []  # (time, order, what)
        n_inst_threads = 2 if w < 4 else (1 if w < 8 else 0)
        for _ in range(n_inst_threads):
            events.append((w0 + int(rng.integers(3600, 2 * DAY)), 0, "inst_thread"))
        for _ in range(int(rng.poisson(0.06 * len(active))) + (1 if n_inst_threads == 0 else 0)):
            events.append((w0 + int(rng.integers(0, 6 * DAY)), 0, "student_thread"))
        for p in isolated:
            if rng.random() < 0.4:
                events.append((w0 + int(rng.integers(0, 6 * DAY)), 0, "iso:" + p))
        for _ in range(int(rng.poisson(1.3 * len(active)))):
            events.append((w0 + int(rng.integers(2 * 3600, WEEK)), 1, "reply"))
        events.sort()
        p_inst = 0.30 * np.exp(-w / 2.5)
        p_ta = 0.06
        for t, _, what in events:
            if what != "reply":
                if what == "inst_thread":
                    who = instructors[int(rng.integers(len(instructors)))]
                elif what == "student_thread":
                    who = active[int(rng.choice(len(active), p=weights))]
                else:
                    who = what[4:]
                tid = next_thread
                next_thread += 1
                topic = _TOPICS[(w + int(rng.integers(3))) % len(_TOPICS)]
                thread_subject[tid] = (
                    f"Week {w + 1}: {topic}" if role[who] == "instructor" else topic
                )
                created.append(t)
                author.append(who)
                thread.append(tid)
                thread_start.append(t)
                parent.append(-1)
                subject.append(thread_subject[tid])
                continue
            u = rng.random()
            if u < p_inst:
                who = instructors[int(rng.integers(len(instructors)))]
            elif u < p_inst + p_ta:
                who = tas[int(rng.integers(len(tas)))]
            else:
                who = active[int(rng.choice(len(active), p=weights))]
            c = np.asarray(created)
            if not len(c):
                continue
            a = np.asarray(author, dtype=object)
            ok = (c <= t - 300) & (np.asarray(thread_start) >= t - 21 * DAY) & (a != who)
            ok &= ~np.isin(a, isolated)
            if not ok.any():
                continue
            wt = np.exp(-(t - c) / (4.0 * DAY))
            a_role = np.array([role[x] for x in a])
            a_group = np.array([group[x] for x in a])
            if role[who] == "student":
                same = a_group == group[who]
                bridge = 0.05 + 1.2 * w / max(weeks - 1, 1)
                wt = wt * np.where(a_role == "student", np.where(same, 6.0, bridge), 1.0)
                wt = wt * np.where(a_role == "instructor", 6.0 * np.exp(-w / 2.5) + 0.2, 1.0)
            else:
                wt = wt * np.where(a_role == "student", 3.0, 0.3)
            wt = np.where(ok, wt, 0.0)
            k = int(rng.choice(len(wt), p=wt / wt.sum()))
            created.append(t)
            author.append(who)
            thread.append(thread[k])
            thread_start.append(thread_start[k])
            parent.append(k)
            subject.append("Re: " + thread_subject[thread[k]])

    # post ids in time order (stable on the event order)
    order = np.argsort(np.asarray(created), kind="stable")
    new_index = np.empty(len(order), dtype=np.int64)
    new_index[order] = np.arange(len(order))
    ids = [str(1001 + int(new_index[i])) for i in range(len(created))]
    rows = []
    for i in order:
        rows.append(
            {
                "post_id": ids[i],
                "platform": "forum",
                "thread_id": str(thread[i]),
                "parent_id": ids[parent[i]] if parent[i] >= 0 else None,
                "author": author[i],
                "created": created[i],
                "subject": subject[i],
                "text": sentence(rng, int(rng.integers(6, 30))),
                "deleted": False,
            }
        )
    return pd.DataFrame(rows)


def _canvas(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """One Canvas discussion topic (week 2) with nested entries and one deleted entry."""
    students = people[(people["kind"] == "regular") & (people["join_week"] == 0)]["person"].tolist()
    cast = [str(x) for x in rng.choice(students, size=14, replace=False)] + ["ta1"]
    t0 = START_S + WEEK + 9 * 3600
    rows = [
        {
            "post_id": "topic-77",
            "platform": "canvas",
            "thread_id": "77",
            "parent_id": None,
            "author": "inst1",
            "created": t0,
            "subject": "Introduce your learning network",
            "text": "<p>Who is in your learning network?</p>",
            "deleted": False,
        }
    ]
    t = t0
    for i in range(26):
        t += int(rng.integers(600, 8 * 3600))
        who = cast[int(rng.integers(len(cast)))]
        entries = [r for r in rows[1:] if r["author"] != who]
        if entries and rng.random() < 0.55:
            par = entries[int(rng.integers(max(0, len(entries) - 6), len(entries)))]["post_id"]
        else:
            par = "topic-77"
        rows.append(
            {
                "post_id": str(9001 + i),
                "platform": "canvas",
                "thread_id": "77",
                "parent_id": par,
                "author": who,
                "created": t,
                "subject": "",
                "text": "<p>" + sentence(rng, int(rng.integers(6, 20))) + "</p>",
                "deleted": False,
            }
        )
    df = pd.DataFrame(rows)
    # delete one top-level entry that has answers (it stays in the tree as a structural node)
    has_child = set(df["parent_id"].dropna())
    top = df[(df["parent_id"] == "topic-77") & df["post_id"].isin(has_child)]
    df.loc[top.index[0], "deleted"] = True
    return df


def _discourse(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """One Discourse topic in week 6: post numbers with gaps, explicit and implicit replies."""
    regular = people[people["kind"] == "regular"]["person"].tolist()
    cast = [str(x) for x in rng.choice(regular, size=8, replace=False)] + ["ta2"]
    t = START_S + 5 * WEEK + 2 * DAY + 14 * 3600
    rows = []
    number = 0
    for i in range(18):
        number += 1 if rng.random() < 0.8 or i == 0 else 2  # gaps: deleted posts are not shown
        who = cast[-1] if i == 0 else cast[int(rng.integers(len(cast)))]
        par = None
        if i > 0 and rng.random() < 0.6:
            cands = [r for r in rows if r["author"] != who]
            if cands:
                par = cands[int(rng.integers(max(0, len(cands) - 5), len(cands)))]["post_id"]
        rows.append(
            {
                "post_id": str(3301 + i),
                "platform": "discourse",
                "thread_id": "42",
                "parent_id": par,
                "author": who,
                "created": t,
                "subject": "Tools for mapping your network" if i == 0 else "",
                "text": "<p>" + sentence(rng, int(rng.integers(6, 20))) + "</p>",
                "deleted": False,
                "post_number": number,
            }
        )
        t += int(rng.integers(900, 10 * 3600))
    return pd.DataFrame(rows)


def _blogs(rng: np.random.Generator, people: pd.DataFrame, weeks: int):
    regular = people[people["kind"] == "regular"]
    bloggers = ["inst1"] + [str(x) for x in rng.choice(regular["person"], size=22, replace=False)]
    join = dict(zip(people["person"], people["join_week"], strict=True))
    group = dict(zip(people["person"], people["group"], strict=True))
    commenters = regular["person"].tolist() + ["inst1", "inst2", "ta1", "ta2"]
    posts = []
    pid = 10
    for w in range(weeks):
        for b in bloggers:
            if join[b] > w or rng.random() > (0.6 if b == "inst1" and w < 4 else 0.35):
                continue
            t = START_S + w * WEEK + int(rng.integers(0, 6 * DAY))
            title = f"{_TOPICS[(w + len(posts)) % len(_TOPICS)]} ({b} week {w + 1})"
            posts.append({"post_id": pid, "author": b, "created": t, "title": title})
            pid += 3
    bp = (
        pd.DataFrame(posts)
        .sort_values(["created", "post_id"], kind="stable")
        .reset_index(drop=True)
    )
    bp["slug"] = [
        "-".join(
            x.lower().replace("?", "").replace("(", "").replace(")", "").replace(":", "").split()
        )
        for x in bp["title"]
    ]
    comments = []
    cid = 1
    for p in bp.itertuples(index=False):
        n = int(rng.poisson(1.6))
        t = p.created
        thread: list[dict] = []
        for _ in range(n):
            t += int(rng.integers(1800, 2 * DAY))
            pool = [c for c in commenters if c != p.author and join[c] <= (t - START_S) // WEEK]
            wt = np.array([4.0 if group[c] == group[p.author] else 1.0 for c in pool])
            who = pool[int(rng.choice(len(pool), p=wt / wt.sum()))]
            par = None
            if thread and rng.random() < 0.3:
                par = thread[int(rng.integers(len(thread)))]["comment_id"]
            c = {
                "comment_id": cid,
                "post_id": p.post_id,
                "parent_id": par,
                "author": who,
                "created": t,
                "type": "comment",
                "approved": "1",
                "guest": bool(rng.random() < 0.06),
                "source_post_id": None,
            }
            thread.append(c)
            cid += 1
            # the blog's author often answers a comment
            if rng.random() < 0.35:
                t += int(rng.integers(1800, DAY))
                thread.append(
                    {
                        **c,
                        "comment_id": cid,
                        "parent_id": c["comment_id"],
                        "author": p.author,
                        "created": t,
                        "guest": False,
                    }
                )
                cid += 1
        comments.extend(thread)
    # pingbacks: a later post links an earlier post of another blogger
    for k in rng.choice(np.arange(5, len(bp)), size=6, replace=False):
        src = bp.iloc[int(k)]
        cands = bp[(bp["created"] < src["created"] - DAY) & (bp["author"] != src["author"])]
        dst = cands.iloc[int(rng.integers(len(cands)))]
        comments.append(
            {
                "comment_id": cid,
                "post_id": int(dst["post_id"]),
                "parent_id": None,
                "author": None,
                "created": int(src["created"]) + 60,
                "type": "pingback",
                "approved": "1",
                "guest": False,
                "source_post_id": int(src["post_id"]),
            }
        )
        cid += 1
    # one spam comment held by the spam filter
    target = bp.iloc[len(bp) // 2]
    comments.append(
        {
            "comment_id": cid,
            "post_id": int(target["post_id"]),
            "parent_id": None,
            "author": None,
            "created": int(target["created"]) + 3 * 3600,
            "type": "comment",
            "approved": "spam",
            "guest": True,
            "source_post_id": None,
        }
    )
    bc = pd.DataFrame(comments).sort_values(["post_id", "comment_id"], kind="stable")
    bc["parent_id"] = bc["parent_id"].astype("Int64")
    bc["source_post_id"] = bc["source_post_id"].astype("Int64")
    return bp, bc.reset_index(drop=True)


def _chat(rng: np.random.Generator, people: pd.DataFrame, weeks: int) -> pd.DataFrame:
    regular = people[people["kind"] == "regular"]
    users = ["inst1", "inst2", "ta1", "ta2"] + [
        str(x) for x in rng.choice(regular["person"], size=int(0.7 * len(regular)), replace=False)
    ]
    join = dict(zip(people["person"], people["join_week"], strict=True))
    role = dict(zip(people["person"], people["role"], strict=True))
    channels = ["general", "help", "random"]
    used_ts: set[str] = set()
    rows = []

    def ts_of(t: int) -> str:
        while True:
            s = f"{t}.{int(rng.integers(0, 1_000_000)):06d}"
            if s not in used_ts:
                used_ts.add(s)
                return s

    def row(channel, t, user, subtype=None, thread_ts=None, parent_user=None, mentions=(), text=""):
        return {
            "channel": channel,
            "ts": ts_of(t),
            "user": user,
            "subtype": subtype,
            "thread_ts": thread_ts,
            "parent_user": parent_user,
            "mentions": list(mentions),
            "reactions": [],
            "text": text,
        }

    for u in users:
        t = START_S + join[u] * WEEK + int(rng.integers(0, DAY))
        for ch in channels:
            rows.append(row(ch, t + channels.index(ch), u, subtype="channel_join"))
    for w in range(weeks):
        w0 = START_S + w * WEEK
        rows.append(
            row(
                "general",
                w0 + 8 * 3600,
                None,
                subtype="bot_message",
                text=f"Week {w + 1} starts today.",
            )
        )
        active = [u for u in users if join[u] <= w]
        staff_rate = 1.0 if w < 4 else 0.3
        for _ in range(int(rng.poisson(0.35 * len(active)))):
            who = active[int(rng.integers(len(active)))]
            if role[who] != "student" and rng.random() > staff_rate:
                continue
            ch = channels[int(rng.choice(3, p=[0.4, 0.45, 0.15]))]
            t = w0 + int(rng.integers(0, WEEK - DAY))
            mentions = []
            if rng.random() < 0.2:
                m = active[int(rng.integers(len(active)))]
                if m != who:
                    mentions.append(m)
            parent = row(ch, t, who, mentions=mentions, text=sentence(rng, 7))
            rows.append(parent)
            for _ in range(int(rng.poisson(0.9))):
                t += int(rng.integers(600, 30 * 3600))  # replies often land in a later day file
                r = active[int(rng.integers(len(active)))]
                rep_mentions = [who] if rng.random() < 0.25 and r != who else []
                rows.append(
                    row(
                        ch,
                        t,
                        r,
                        thread_ts=parent["ts"],
                        parent_user=who,
                        mentions=rep_mentions,
                        text=sentence(rng, 6),
                    )
                )
            if rng.random() < 0.3:
                k = int(rng.integers(1, 4))
                fans = sorted({active[int(rng.integers(len(active)))] for _ in range(k)} - {who})
                if fans:
                    name = ["+1", "bulb", "tada"][int(rng.integers(3))]
                    parent["reactions"] = [(name, fans)]
    df = pd.DataFrame(rows)
    df["_t"] = df["ts"].astype(float)
    df = df.sort_values(["channel", "_t"], kind="stable").drop(columns="_t").reset_index(drop=True)
    # threads whose parent is a thread starter: mark parents
    return df


def _views(
    rng: np.random.Generator, people: pd.DataFrame, posts: pd.DataFrame, weeks: int
) -> pd.DataFrame:
    resources = []
    cm = 40
    for w in range(weeks):
        for kind, name in (
            ("resource", f"Week {w + 1} reading"),
            ("page", f"Week {w + 1} overview"),
            ("url", f"Week {w + 1} video"),
        ):
            resources.append((w, cm, kind, name))
            cm += 1
    rows = []
    forum = posts[posts["platform"] == "forum"]
    for p in people.itertuples(index=False):
        for w in range(p.join_week, weeks):
            w0 = START_S + w * WEEK
            for _ in range(int(rng.poisson(0.6))):
                rows.append(
                    (p.person, w0 + int(rng.integers(0, WEEK)), "Course viewed", 0, "course")
                )
            mine = [r for r in resources if r[0] <= w]
            for _ in range(int(rng.poisson(1.5 if p.kind != "lurker" else 1.2))):
                r = mine[-1 - int(min(rng.geometric(0.6) - 1, len(mine) - 1))]
                rows.append(
                    (
                        p.person,
                        w0 + int(rng.integers(0, WEEK)),
                        "Course module viewed",
                        r[1],
                        f"{r[2]}|{r[3]}",
                    )
                )
            threads = forum[
                (forum["created"] >= w0)
                & (forum["created"] < w0 + WEEK)
                & forum["parent_id"].isna()
            ]
            for _ in range(int(rng.poisson(0.6))):
                if len(threads):
                    th = threads.iloc[int(rng.integers(len(threads)))]
                    t = int(th["created"]) + int(rng.integers(60, 3 * DAY))
                    rows.append((p.person, t, "Discussion viewed", 0, str(th["thread_id"])))
    df = pd.DataFrame(rows, columns=["person", "time", "event", "cmid", "resource"])
    return df.sort_values(["time", "person"], kind="stable").reset_index(drop=True)


def simulate_course(seed: int = 0, *, n_students: int = 80, weeks: int = 12) -> Course:
    """Simulate a connectivist course.

    Parameters
    ----------
    seed : int
        Seed of the ``numpy.random.Generator``: the only source of randomness.
    n_students : int
        Number of students (besides 2 instructors and 2 TAs); at least 20.
    weeks : int
        Length of the course in weeks (at least 8), starting on
        :data:`COURSE_START` (Monday 2026-01-12, UTC).

    Returns
    -------
    Course
        The simulated tables (see :class:`Course`).

    Notes
    -----
    The forum is simulated week by week. Each week instructors start two
    threads (weeks 1–4), one (weeks 5–8) or none; students start threads at a
    rate of 0.06 per active poster; each isolated learner starts a thread with
    probability 0.4. Each active poster contributes on average 1.3 replies a
    week. A reply is written by an instructor with probability
    ``0.30 * exp(-w / 2.5)`` (``w`` the 0-based week), by a TA with probability
    0.06, else by a student drawn by activity. Its parent is drawn among the
    earlier posts of threads started in the last 21 days, never the replier's
    own nor an isolated learner's, with weight ``exp(-age / 4 days)`` times 5
    for a student of the replier's group, ``0.05 + 1.2 w / (weeks - 1)`` for a
    student of another group (bridging grows), and ``6 exp(-w / 2.5) + 0.2``
    for an instructor's post.

    Examples
    --------
    >>> from connectana.datasets import simulate_course
    >>> c = simulate_course(seed=0, n_students=30, weeks=8)
    >>> c.people["role"].value_counts().to_dict()
    {'student': 30, 'instructor': 2, 'ta': 2}
    >>> c.posts.equals(simulate_course(seed=0, n_students=30, weeks=8).posts)
    True
    """
    if n_students < 20:
        raise ParameterError("n_students must be at least 20")
    if weeks < 8:
        raise ParameterError("weeks must be at least 8")
    rng = np.random.default_rng(seed)
    people = _people(rng, n_students, weeks)
    aliases = _aliases(rng, people)
    forum = _forum(rng, people, weeks)
    canvas = _canvas(rng, people)
    discourse = _discourse(rng, people)
    posts = pd.concat([forum, canvas, discourse], ignore_index=True)
    posts["post_number"] = posts["post_number"].astype("Int64")
    blog_posts, blog_comments = _blogs(rng, people, weeks)
    chat = _chat(rng, people, weeks)
    views = _views(rng, people, forum, weeks)
    for df, cols in (
        (posts, ["created"]),
        (blog_posts, ["created"]),
        (blog_comments, ["created"]),
        (views, ["time"]),
    ):
        for c in cols:
            df[c] = pd.to_datetime(df[c], unit="s", utc=True)
    # Only keep the aliases of platforms a person actually used
    used = {
        "moodle": set(people["person"]),
        "xapi": set(forum["author"]),
        "canvas": set(canvas["author"]),
        "discourse": set(discourse["author"]),
        "wordpress": set(blog_posts["author"]) | set(blog_comments["author"].dropna()),
        "slack": set(chat["user"].dropna()) | {m for ms in chat["mentions"] for m in ms},
    }
    keep = [p in used[pl] for p, pl in zip(aliases["person"], aliases["platform"], strict=True)]
    aliases = aliases[keep].reset_index(drop=True)
    course = Course(
        people=people,
        aliases=aliases,
        posts=posts,
        blog_posts=blog_posts,
        blog_comments=blog_comments,
        chat=chat,
        views=views,
        seed=seed,
        weeks=weeks,
    )
    # links and hashtags, from a random stream of their own (datasets/resources.py)
    course.resources = plant_resources(course)
    return course
