"""The bundled sample course: a seeded simulator and its native export files.

:func:`simulate_course` simulates a connectivist course (12 weeks, two
instructors, two TAs and ~80 students) as in-memory tables;
:func:`write_sample_data` writes it in each platform's native export format
(Moodle forum export and log report, Canvas discussion view, WordPress WXR,
Slack export, xAPI statements, Discourse topic) plus three plain tables
(``forum_posts.csv``, ``roster.csv``, ``aliases.csv``). The files are
byte-for-byte reproducible for a seed: ``python -m connectana.datasets``
regenerates ``sample_data/``.

:func:`sample_path` and :func:`load_sample` find the bundled files. They live
in ``sample_data/`` at the root of the source checkout (the package is
installed editable, so ``sample_data/`` sits next to the ``connectana/``
folder); the environment variable ``CONNECTANA_SAMPLE_DATA`` points elsewhere.

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

import argparse
import csv
import dataclasses
import io
import json
import os
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from .errors import ConnectanaError

__all__ = [
    "COURSE_START",
    "SAMPLE_FILES",
    "Course",
    "simulate_course",
    "write_sample_data",
    "sample_path",
    "load_sample",
    "main",
]

#: First day of the simulated course (a Monday), 00:00 UTC.
COURSE_START = datetime(2026, 1, 12, tzinfo=timezone.utc)

#: The files of the sample course and the format each one is read with
#: (``read_events(path, format=...)``); ``roster`` and ``aliases`` are People tables.
SAMPLE_FILES: dict[str, str] = {
    "forum_posts.csv": "table",
    "roster.csv": "roster",
    "aliases.csv": "aliases",
    "moodle_forum_export.csv": "moodle_forum",
    "moodle_logs.csv": "moodle_log",
    "canvas_discussion_view.json": "canvas_discussion",
    "wordpress_blogs.xml": "wordpress",
    "slack_export": "slack",
    "xapi_statements.json": "xapi",
    "discourse_topic.json": "discourse",
}

DAY = 86_400
WEEK = 7 * DAY
_START_S = int(COURSE_START.timestamp())
_LMS = "https://lms.example.org"
_NAMESPACE = uuid.UUID("6f1b2a0c-3d4e-5f60-8a9b-0c1d2e3f4a5b")

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


def _sentence(rng: np.random.Generator, n: int = 8) -> str:
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
        rows.append((p.person, "xapi", f"{_LMS}|{moodle}"))  # xAPI account homePage|name
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


def _emit_order(post_ids: list[str], parents: list, moved: set[str]) -> list[str]:
    """File order: time order, but each moved reply is written just before its parent."""
    before: dict[str, list[str]] = {}
    for pid, par in zip(post_ids, parents, strict=True):
        if pid in moved:
            before.setdefault(par, []).append(pid)
    out: list[str] = []

    def emit(pid: str) -> None:
        for child in before.get(pid, []):
            emit(child)
        out.append(pid)

    for pid in post_ids:
        if pid not in moved:
            emit(pid)
    return out


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
        w0 = _START_S + w * WEEK
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
                "text": _sentence(rng, int(rng.integers(6, 30))),
                "deleted": False,
            }
        )
    return pd.DataFrame(rows)


def _canvas(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """One Canvas discussion topic (week 2) with nested entries and one deleted entry."""
    students = people[(people["kind"] == "regular") & (people["join_week"] == 0)]["person"].tolist()
    cast = [str(x) for x in rng.choice(students, size=14, replace=False)] + ["ta1"]
    t0 = _START_S + WEEK + 9 * 3600
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
                "text": "<p>" + _sentence(rng, int(rng.integers(6, 20))) + "</p>",
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
    t = _START_S + 5 * WEEK + 2 * DAY + 14 * 3600
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
                "text": "<p>" + _sentence(rng, int(rng.integers(6, 20))) + "</p>",
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
            t = _START_S + w * WEEK + int(rng.integers(0, 6 * DAY))
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
            pool = [c for c in commenters if c != p.author and join[c] <= (t - _START_S) // WEEK]
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
        t = _START_S + join[u] * WEEK + int(rng.integers(0, DAY))
        for ch in channels:
            rows.append(row(ch, t + channels.index(ch), u, subtype="channel_join"))
    for w in range(weeks):
        w0 = _START_S + w * WEEK
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
            parent = row(ch, t, who, mentions=mentions, text=_sentence(rng, 7))
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
                        text=_sentence(rng, 6),
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
            w0 = _START_S + w * WEEK
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
        raise ValueError("n_students must be at least 20")
    if weeks < 8:
        raise ValueError("weeks must be at least 8")
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
    return Course(
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


# ---------------------------------------------------------------------------------------------
# Writers: one function per native format
# ---------------------------------------------------------------------------------------------


def _csv_bytes(header: Sequence[str], rows, *, bom: bool = False) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def _json_bytes(obj) -> bytes:
    return (json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _secs(t: pd.Timestamp) -> int:
    return int(t.value // 1_000_000_000)


def _iso(t: pd.Timestamp, ms: bool = False) -> str:
    d = datetime.fromtimestamp(_secs(t), tz=timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + (".000Z" if ms else "Z")


def _uuid(course: Course, *parts) -> str:
    return str(uuid.uuid5(_NAMESPACE, ":".join(map(str, (course.seed, *parts)))))


def _file_order(course: Course, forum: pd.DataFrame) -> pd.DataFrame:
    """Forum rows in file order: time order with about 4% of replies moved before their parent."""
    rng = np.random.default_rng([course.seed, 7])
    replies = forum["parent_id"].notna().to_numpy()
    moved = set(forum.loc[replies & (rng.random(len(forum)) < 0.04), "post_id"])
    order = _emit_order(forum["post_id"].tolist(), forum["parent_id"].tolist(), moved)
    return forum.set_index("post_id", drop=False).loc[order].reset_index(drop=True)


def _forum_rows(course: Course) -> pd.DataFrame:
    forum = course.posts[course.posts["platform"] == "forum"].reset_index(drop=True)
    return _file_order(course, forum)


def _write_forum_posts(course: Course, path: Path) -> None:
    f = _forum_rows(course)
    rows = [
        (
            r.post_id,
            "" if pd.isna(r.parent_id) else r.parent_id,
            r.thread_id,
            r.author,
            _iso(r.created),
        )
        for r in f.itertuples(index=False)
    ]
    path.write_bytes(_csv_bytes(["post_id", "parent_id", "thread_id", "author", "created"], rows))


def _write_roster(course: Course, path: Path) -> None:
    p = course.people
    rows = list(zip(p["person"], p["display_name"], p["role"], p["group"], strict=True))
    path.write_bytes(_csv_bytes(["person", "display_name", "role", "group"], rows))


def _write_aliases(course: Course, path: Path) -> None:
    a = course.aliases.sort_values(["person", "platform"], kind="stable")
    path.write_bytes(_csv_bytes(["person", "platform", "platform_id"], a.itertuples(index=False)))


_MOODLE_FORUM_FIELDS = [
    "id", "discussion", "parent", "userid", "userfullname", "created", "modified", "mailed",
    "subject", "message", "messageformat", "messagetrust", "attachment", "totalscore", "mailnow",
    "deleted", "privatereplyto", "privatereplytofullname", "wordcount", "charcount",
]  # fmt: skip


def _write_moodle_forum(course: Course, path: Path) -> None:
    f = _forum_rows(course)
    uid = course.person_ids("moodle")
    name = dict(zip(course.people["person"], course.people["display_name"], strict=True))
    rows = []
    for r in f.itertuples(index=False):
        s = _secs(r.created)
        rows.append(
            (
                r.post_id, r.thread_id, 0 if pd.isna(r.parent_id) else r.parent_id, uid[r.author],
                name[r.author], s, s, 1, r.subject, f"<p>{r.text}</p>", 1, 0, 0, 0, 0, 0, 0, "",
                len(r.text.split()), len(r.text),
            )
        )  # fmt: skip
    path.write_bytes(_csv_bytes(_MOODLE_FORUM_FIELDS, rows, bom=True))


_LOG_HEADER = [
    "Time", "User full name", "Affected user", "Event context", "Component", "Event name",
    "Description", "Origin", "IP address",
]  # fmt: skip
_CM_FORUM = 12
_COURSE_ID = 7


def _write_moodle_logs(course: Course, path: Path) -> None:
    uid = course.person_ids("moodle")
    name = dict(zip(course.people["person"], course.people["display_name"], strict=True))
    items = []  # (time, seq, row)
    for r in course.views.itertuples(index=False):
        u = uid[r.person]
        if r.event == "Course viewed":
            row = (
                "-",
                "Course: Connected Learning 2026",
                "System",
                "Course viewed",
                f"The user with id '{u}' viewed the course with id '{_COURSE_ID}'.",
            )
        elif r.event == "Discussion viewed":
            row = (
                "-",
                "Forum: Course forum",
                "Forum",
                "Discussion viewed",
                f"The user with id '{u}' has viewed the discussion with id '{r.resource}' "
                f"in the forum with course module id '{_CM_FORUM}'.",
            )
        else:
            kind, title = r.resource.split("|", 1)
            component = {"resource": "File", "page": "Page", "url": "URL"}[kind]
            row = (
                "-",
                f"{component}: {title}",
                component,
                "Course module viewed",
                f"The user with id '{u}' viewed the '{kind}' activity with course module id "
                f"'{r.cmid}'.",
            )
        items.append((_secs(r.time), u, (name[r.person], *row)))
    for r in _forum_rows(course).itertuples(index=False):
        u = uid[r.author]
        if pd.isna(r.parent_id):
            row = (
                "-",
                "Forum: Course forum",
                "Forum",
                "Discussion created",
                f"The user with id '{u}' has created the discussion with id '{r.thread_id}' "
                f"in the forum with course module id '{_CM_FORUM}'.",
            )
        else:
            row = (
                "-",
                "Forum: Course forum",
                "Forum",
                "Post created",
                f"The user with id '{u}' has created the post with id '{r.post_id}' in the "
                f"discussion with id '{r.thread_id}' in the forum with course module id "
                f"'{_CM_FORUM}'.",
            )
        items.append((_secs(r.created), u, (name[r.author], *row)))
    # newest first, as the log report shows and downloads them
    items.sort(key=lambda x: (x[0], x[1]), reverse=True)
    rows = []
    for t, _, (who, affected, context, component, event, desc) in items:
        stamp = datetime.fromtimestamp(t, tz=timezone.utc).strftime("%d/%m/%y, %H:%M")
        rows.append((stamp, who, affected, context, component, event, desc, "web", ""))
    path.write_bytes(_csv_bytes(_LOG_HEADER, rows, bom=True))


def _write_canvas(course: Course, path: Path) -> None:
    c = course.posts[course.posts["platform"] == "canvas"]
    cid = course.person_ids("canvas")
    name = dict(zip(course.people["person"], course.people["display_name"], strict=True))
    entries = c[c["parent_id"].notna()]
    children: dict[str, list] = {}
    for r in entries.itertuples(index=False):
        children.setdefault(r.parent_id, []).append(r)
    base = "https://canvas.example.org"

    def entry(r) -> dict:
        d = {
            "id": int(r.post_id),
            "parent_id": None if r.parent_id == "topic-77" else int(r.parent_id),
            "created_at": _iso(r.created),
            "updated_at": _iso(r.created),
        }
        if r.deleted:
            d["deleted"] = True
        else:
            d.update(user_id=int(cid[r.author]), message=r.text, rating_count=None, rating_sum=None)
        if r.post_id in children:
            d["replies"] = [entry(x) for x in children[r.post_id]]
        return d

    shown = sorted(set(entries.loc[~entries["deleted"], "author"]), key=lambda p: int(cid[p]))
    view = {
        "unread_entries": [],
        "forced_entries": [],
        "entry_ratings": {},
        "participants": [
            {
                "id": int(cid[p]),
                "display_name": name[p],
                "avatar_image_url": f"{base}/images/messages/avatar-50.png",
                "html_url": f"{base}/courses/{_COURSE_ID}/users/{cid[p]}",
                "pronouns": None,
            }
            for p in shown
        ],
        "view": [entry(x) for x in children.get("topic-77", [])],
        "new_entries": [],
    }
    path.write_bytes(_json_bytes(view))


def _cdata(text: str) -> str:
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


_PARIS = ZoneInfo("Europe/Paris")


def _wp_dates(t: pd.Timestamp) -> tuple[str, str]:
    d = datetime.fromtimestamp(_secs(t), tz=timezone.utc)
    return d.astimezone(_PARIS).strftime("%Y-%m-%d %H:%M:%S"), d.strftime("%Y-%m-%d %H:%M:%S")


def _write_wordpress(course: Course, path: Path) -> None:
    bp, bc = course.blog_posts, course.blog_comments
    login = course.person_ids("wordpress")
    name = dict(zip(course.people["person"], course.people["display_name"], strict=True))
    authors = sorted(set(bp["author"]) | set(bc["author"].dropna()), key=lambda p: login[p])
    wp_id = {p: i + 2 for i, p in enumerate(authors)}
    site = "https://blogs.example.org"
    end = COURSE_START + timedelta(weeks=course.weeks)
    out = [
        '<?xml version="1.0" encoding="UTF-8" ?>',
        "<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->",
        "<!-- It contains information about your site's posts, pages, comments, categories, and other content. -->",
        '<!-- generator="WordPress/6.4.3" created="' + end.strftime("%Y-%m-%d %H:%M") + '" -->',
        '<rss version="2.0"',
        '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"',
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"',
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"',
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"',
        '\txmlns:wp="http://wordpress.org/export/1.2/"',
        ">",
        "",
        "<channel>",
        "\t<title>Connected Learning 2026 blogs</title>",
        f"\t<link>{site}</link>",
        "\t<description>Course blogs of a synthetic connectivist course</description>",
        "\t<pubDate>" + end.strftime("%a, %d %b %Y %H:%M:%S +0000") + "</pubDate>",
        "\t<language>en-GB</language>",
        "\t<wp:wxr_version>1.2</wp:wxr_version>",
        f"\t<wp:base_site_url>{site}</wp:base_site_url>",
        f"\t<wp:base_blog_url>{site}</wp:base_blog_url>",
        "",
    ]
    for p in authors:
        out += [
            "\t<wp:author>",
            f"\t\t<wp:author_id>{wp_id[p]}</wp:author_id>",
            f"\t\t<wp:author_login>{_cdata(login[p])}</wp:author_login>",
            f"\t\t<wp:author_email>{_cdata(login[p] + '@example.org')}</wp:author_email>",
            f"\t\t<wp:author_display_name>{_cdata(name[p])}</wp:author_display_name>",
            f"\t\t<wp:author_first_name>{_cdata('')}</wp:author_first_name>",
            f"\t\t<wp:author_last_name>{_cdata('')}</wp:author_last_name>",
            "\t</wp:author>",
        ]
    out += ["", "\t<generator>https://wordpress.org/?v=6.4.3</generator>", ""]
    link = {}
    for r in bp.itertuples(index=False):
        d = datetime.fromtimestamp(_secs(r.created), tz=timezone.utc)
        link[r.post_id] = f"{site}/{d:%Y/%m/%d}/{r.slug}/"
    rng = np.random.default_rng([course.seed, 11])
    for r in bp.itertuples(index=False):
        local, gmt = _wp_dates(r.created)
        d = datetime.fromtimestamp(_secs(r.created), tz=timezone.utc)
        week = (_secs(r.created) - _START_S) // WEEK + 1
        out += [
            "\t<item>",
            f"\t\t<title>{_cdata(r.title)}</title>",
            f"\t\t<link>{link[r.post_id]}</link>",
            "\t\t<pubDate>" + d.strftime("%a, %d %b %Y %H:%M:%S +0000") + "</pubDate>",
            f"\t\t<dc:creator>{_cdata(login[r.author])}</dc:creator>",
            f'\t\t<guid isPermaLink="false">{site}/?p={r.post_id}</guid>',
            "\t\t<description></description>",
            f"\t\t<content:encoded>{_cdata('<p>' + _sentence(rng, 40) + '</p>')}</content:encoded>",
            f"\t\t<excerpt:encoded>{_cdata('')}</excerpt:encoded>",
            f"\t\t<wp:post_id>{r.post_id}</wp:post_id>",
            f"\t\t<wp:post_date>{_cdata(local)}</wp:post_date>",
            f"\t\t<wp:post_date_gmt>{_cdata(gmt)}</wp:post_date_gmt>",
            f"\t\t<wp:post_modified>{_cdata(local)}</wp:post_modified>",
            f"\t\t<wp:post_modified_gmt>{_cdata(gmt)}</wp:post_modified_gmt>",
            f"\t\t<wp:comment_status>{_cdata('open')}</wp:comment_status>",
            f"\t\t<wp:ping_status>{_cdata('open')}</wp:ping_status>",
            f"\t\t<wp:post_name>{_cdata(r.slug)}</wp:post_name>",
            f"\t\t<wp:status>{_cdata('publish')}</wp:status>",
            "\t\t<wp:post_parent>0</wp:post_parent>",
            "\t\t<wp:menu_order>0</wp:menu_order>",
            f"\t\t<wp:post_type>{_cdata('post')}</wp:post_type>",
            f"\t\t<wp:post_password>{_cdata('')}</wp:post_password>",
            "\t\t<wp:is_sticky>0</wp:is_sticky>",
            f'\t\t<category domain="category" nicename="week-{week}">{_cdata(f"Week {week}")}</category>',
        ]
        for c in bc[bc["post_id"] == r.post_id].itertuples(index=False):
            local, gmt = _wp_dates(c.created)
            if c.type == "pingback":
                src = bp[bp["post_id"] == c.source_post_id].iloc[0]
                author, email, url, user_id = (
                    f"{src['title']} &laquo; {name[src['author']]}",
                    "",
                    link[src["post_id"]],
                    0,
                )
                content = "[&#8230;] " + _sentence(rng, 10) + " [&#8230;]"
            elif c.approved == "spam":
                author, email, url, user_id = (
                    "Essay Writing Help",
                    "offers@example.org",
                    "https://spam.example.org/",
                    0,
                )
                content = "Great post! Visit my site."
            else:
                author = name[c.author]
                email = login[c.author] + "@example.org"
                url = f"{site}/author/{login[c.author]}/"
                user_id = 0 if c.guest else wp_id[c.author]
                content = _sentence(rng, int(rng.integers(5, 25)))
            out += [
                "\t\t<wp:comment>",
                f"\t\t\t<wp:comment_id>{c.comment_id}</wp:comment_id>",
                f"\t\t\t<wp:comment_author>{_cdata(author)}</wp:comment_author>",
                f"\t\t\t<wp:comment_author_email>{_cdata(email)}</wp:comment_author_email>",
                f"\t\t\t<wp:comment_author_url>{url}</wp:comment_author_url>",
                f"\t\t\t<wp:comment_author_IP>{_cdata('')}</wp:comment_author_IP>",
                f"\t\t\t<wp:comment_date>{_cdata(local)}</wp:comment_date>",
                f"\t\t\t<wp:comment_date_gmt>{_cdata(gmt)}</wp:comment_date_gmt>",
                f"\t\t\t<wp:comment_content>{_cdata(content)}</wp:comment_content>",
                f"\t\t\t<wp:comment_approved>{_cdata(c.approved)}</wp:comment_approved>",
                f"\t\t\t<wp:comment_type>{_cdata(c.type)}</wp:comment_type>",
                f"\t\t\t<wp:comment_parent>{0 if pd.isna(c.parent_id) else int(c.parent_id)}</wp:comment_parent>",
                f"\t\t\t<wp:comment_user_id>{user_id}</wp:comment_user_id>",
                "\t\t</wp:comment>",
            ]
        out.append("\t</item>")
    out += ["</channel>", "</rss>", ""]
    path.write_bytes("\n".join(out).encode("utf-8"))


def _write_slack(course: Course, folder: Path) -> None:
    chat = course.chat
    sid = course.person_ids("slack")
    people = course.people.set_index("person")
    folder.mkdir(parents=True, exist_ok=True)
    team = "T0CONNECT1"
    bot_user, bot_id = "U0COURSEBOT", "B0COURSEBOT"
    handle = {p: people.loc[p, "display_name"].lower().replace(" ", ".") for p in sid}
    users = []
    for p in sorted(sid, key=lambda x: sid[x]):
        role = people.loc[p, "role"]
        dn = people.loc[p, "display_name"]
        users.append(
            {
                "id": sid[p],
                "team_id": team,
                "name": handle[p],
                "deleted": False,
                "real_name": dn,
                "tz": "Europe/London",
                "tz_label": "Greenwich Mean Time",
                "tz_offset": 0,
                "profile": {
                    "real_name": dn,
                    "real_name_normalized": dn,
                    "display_name": dn if role != "student" else handle[p],
                    "display_name_normalized": dn if role != "student" else handle[p],
                    "team": team,
                },
                "is_bot": False,
                "is_admin": role == "instructor",
                "is_owner": p == "inst1",
                "is_restricted": False,
                "is_ultra_restricted": False,
                "updated": _START_S,
            }
        )
    users.append(
        {
            "id": bot_user,
            "team_id": team,
            "name": "coursebot",
            "deleted": False,
            "real_name": "Course reminders",
            "profile": {
                "real_name": "Course reminders",
                "display_name": "",
                "bot_id": bot_id,
                "team": team,
            },
            "is_bot": True,
            "is_admin": False,
            "is_owner": False,
            "updated": _START_S,
        }
    )
    (folder / "users.json").write_bytes(_json_bytes(users))
    channels = []
    for i, ch in enumerate(sorted(set(chat["channel"]))):
        c = chat[chat["channel"] == ch]
        members = sorted({sid[u] for u in c["user"].dropna()})
        channels.append(
            {
                "id": f"C0{i + 1:08d}",
                "name": ch,
                "created": _START_S - DAY,
                "creator": sid["inst1"],
                "is_archived": False,
                "is_general": ch == "general",
                "members": members,
                "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {
                    "value": f"#{ch} of Connected Learning 2026",
                    "creator": sid["inst1"],
                    "last_set": _START_S - DAY,
                },
                "pins": [],
            }
        )
    (folder / "channels.json").write_bytes(_json_bytes(channels))
    for f in ("dms.json", "groups.json", "mpims.json"):
        (folder / f).write_bytes(b"[]\n")
    rng = np.random.default_rng([course.seed, 13])
    for ch in sorted(set(chat["channel"])):
        c = chat[chat["channel"] == ch]
        replies: dict[str, list] = {}
        for r in c.itertuples(index=False):
            if isinstance(r.thread_ts, str):
                replies.setdefault(r.thread_ts, []).append(r)
        days: dict[str, list] = {}
        for r in c.itertuples(index=False):
            if r.subtype == "bot_message":
                m = {
                    "type": "message",
                    "subtype": "bot_message",
                    "text": r.text,
                    "ts": r.ts,
                    "username": "Course reminders",
                    "bot_id": bot_id,
                }
            else:
                u = sid[r.user]
                text = r.text
                for mentioned in r.mentions:
                    text = f"<@{sid[mentioned]}> " + text
                m = {
                    "type": "message",
                    "user": u,
                    "text": text,
                    "ts": r.ts,
                    "team": team,
                    "user_team": team,
                    "source_team": team,
                    "user_profile": {
                        "real_name": people.loc[r.user, "display_name"],
                        "display_name": handle[r.user],
                        "name": handle[r.user],
                        "team": team,
                        "is_restricted": False,
                        "is_ultra_restricted": False,
                    },
                }
                if r.subtype == "channel_join":
                    m["subtype"] = "channel_join"
                    m["text"] = f"<@{u}> has joined the channel"
                    del m["team"], m["user_team"], m["source_team"]
                else:
                    m["client_msg_id"] = str(uuid.UUID(bytes=rng.bytes(16), version=4))
                if isinstance(r.thread_ts, str):
                    m["thread_ts"] = r.thread_ts
                    m["parent_user_id"] = sid[r.parent_user]
                elif r.ts in replies:
                    rs = replies[r.ts]
                    reply_users = sorted({sid[x.user] for x in rs})
                    m.update(
                        thread_ts=r.ts,
                        reply_count=len(rs),
                        reply_users=reply_users,
                        reply_users_count=len(reply_users),
                        latest_reply=rs[-1].ts,
                        replies=[{"user": sid[x.user], "ts": x.ts} for x in rs],
                    )
                if r.reactions:
                    m["reactions"] = [
                        {"name": n, "users": [sid[x] for x in us], "count": len(us)}
                        for n, us in r.reactions
                    ]
            day = datetime.fromtimestamp(int(r.ts.split(".")[0]), tz=timezone.utc).strftime(
                "%Y-%m-%d"
            )
            days.setdefault(day, []).append(m)
        (folder / ch).mkdir(exist_ok=True)
        for day, msgs in sorted(days.items()):
            (folder / ch / f"{day}.json").write_bytes(_json_bytes(msgs))


def _write_xapi(course: Course, path: Path) -> None:
    f = course.posts[course.posts["platform"] == "forum"]
    uid = course.person_ids("xapi")
    sid = {r.post_id: _uuid(course, "forum", r.post_id) for r in f.itertuples(index=False)}
    course_act = {
        "id": f"{_LMS}/course/view.php?id={_COURSE_ID}",
        "objectType": "Activity",
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/course",
            "name": {"en": "Connected Learning 2026"},
        },
    }
    statements = []
    for r in f.itertuples(index=False):
        discussion = {
            "id": f"{_LMS}/mod/forum/discuss.php?d={r.thread_id}",
            "objectType": "Activity",
            "definition": {"type": "http://id.tincanapi.com/activitytype/discussion"},
        }
        s = {
            "id": sid[r.post_id],
            "actor": {
                "objectType": "Agent",
                "account": {"homePage": _LMS, "name": uid[r.author].split("|", 1)[1]},
            },
            "timestamp": _iso(r.created),
            "stored": _iso(r.created + pd.Timedelta(seconds=2), ms=True),
            "version": "1.0.3",
        }
        if pd.isna(r.parent_id):
            s["verb"] = {"id": "http://activitystrea.ms/create", "display": {"en": "Created"}}
            s["object"] = {
                **discussion,
                "definition": {**discussion["definition"], "name": {"en": r.subject}},
            }
            s["context"] = {
                "platform": "Moodle",
                "language": "en",
                "contextActivities": {"grouping": [course_act]},
            }
        else:
            s["verb"] = {"id": "http://id.tincanapi.com/verb/replied", "display": {"en": "Replied"}}
            s["object"] = {
                "id": f"{_LMS}/mod/forum/discuss.php?d={r.thread_id}#p{r.post_id}",
                "objectType": "Activity",
                "definition": {
                    "type": "http://id.tincanapi.com/activitytype/forum-reply",
                    "name": {"en": r.subject},
                },
            }
            s["context"] = {
                "platform": "Moodle",
                "language": "en",
                "statement": {"objectType": "StatementRef", "id": sid[r.parent_id]},
                "contextActivities": {"parent": [discussion]},
            }
        statements.append(s)
    # one statement per line (as LRS exports are usually written): smaller than indented JSON
    lines = ",\n".join(json.dumps(s, sort_keys=True, ensure_ascii=False) for s in statements)
    path.write_bytes(("[\n" + lines + "\n]\n").encode("utf-8"))


def _write_discourse(course: Course, path: Path) -> None:
    d = course.posts[course.posts["platform"] == "discourse"].reset_index(drop=True)
    a = course.aliases[course.aliases["platform"] == "discourse"]
    numeric = a["platform_id"].str.fullmatch(r"\d+")
    uname = dict(zip(a.loc[~numeric, "person"], a.loc[~numeric, "platform_id"], strict=True))
    uid = {
        p: int(x)
        for p, x in zip(a.loc[numeric, "person"], a.loc[numeric, "platform_id"], strict=True)
    }
    people = course.people.set_index("person")
    number = dict(zip(d["post_id"], d["post_number"], strict=True))
    author_of = dict(zip(d["post_id"], d["author"], strict=True))

    def avatar(u: str) -> str:
        return f"/letter_avatar_proxy/v4/letter/{u[0]}/8c91f0/{{size}}.png"

    posts = []
    for r in d.itertuples(index=False):
        role = people.loc[r.author, "role"]
        u = uname[r.author]
        n_replies = int((d["parent_id"] == r.post_id).sum())
        p = {
            "id": int(r.post_id),
            "name": people.loc[r.author, "display_name"],
            "username": u,
            "avatar_template": avatar(u),
            "created_at": _iso(r.created, ms=True),
            "cooked": r.text,
            "post_number": int(r.post_number),
            "post_type": 1,
            "updated_at": _iso(r.created, ms=True),
            "reply_count": n_replies,
            "reply_to_post_number": None if pd.isna(r.parent_id) else int(number[r.parent_id]),
            "quote_count": 0,
            "incoming_link_count": 0,
            "reads": 10,
            "score": 0.4,
            "yours": False,
            "topic_id": 42,
            "topic_slug": "tools-for-mapping-your-network",
            "display_username": people.loc[r.author, "display_name"],
            "version": 1,
            "can_edit": False,
            "can_delete": False,
            "can_recover": False,
            "user_title": None,
            "actions_summary": [],
            "moderator": role == "ta",
            "admin": False,
            "staff": role != "student",
            "user_id": uid[r.author],
            "hidden": False,
            "trust_level": 4 if role != "student" else 1,
            "deleted_at": None,
            "user_deleted": False,
        }
        if not pd.isna(r.parent_id):
            pu = uname[author_of[r.parent_id]]
            p["reply_to_user"] = {
                "username": pu,
                "name": people.loc[author_of[r.parent_id], "display_name"],
                "avatar_template": avatar(pu),
            }
        posts.append(p)
    last = d.iloc[-1]
    closed_at = last["created"] + pd.Timedelta(days=3)
    posts.append(
        {
            "id": int(last["post_id"]) + 1,
            "name": "system",
            "username": "system",
            "avatar_template": "/images/discourse-logo-sketch-small.png",
            "created_at": _iso(closed_at, ms=True),
            "cooked": "",
            "post_number": int(last["post_number"]) + 1,
            "post_type": 3,
            "action_code": "closed.enabled",
            "updated_at": _iso(closed_at, ms=True),
            "reply_count": 0,
            "reply_to_post_number": None,
            "quote_count": 0,
            "incoming_link_count": 0,
            "reads": 5,
            "score": 0,
            "yours": False,
            "topic_id": 42,
            "topic_slug": "tools-for-mapping-your-network",
            "display_username": "system",
            "version": 1,
            "can_edit": False,
            "can_delete": False,
            "can_recover": False,
            "user_title": None,
            "actions_summary": [],
            "moderator": True,
            "admin": True,
            "staff": True,
            "user_id": -1,
            "hidden": False,
            "trust_level": 4,
            "deleted_at": None,
            "user_deleted": False,
        }
    )
    counts = d["author"].value_counts()
    first = d.iloc[0]
    participants = [
        {
            "id": uid[p],
            "username": uname[p],
            "name": people.loc[p, "display_name"],
            "avatar_template": avatar(uname[p]),
            "post_count": int(counts[p]),
            "primary_group_name": None,
        }
        for p in sorted(counts.index, key=lambda x: (-int(counts[x]), uname[x]))
    ]
    topic = {
        "post_stream": {"posts": posts, "stream": [p["id"] for p in posts]},
        "id": 42,
        "title": first["subject"],
        "fancy_title": first["subject"],
        "posts_count": len(posts),
        "created_at": _iso(first["created"], ms=True),
        "views": 96,
        "reply_count": int(d["parent_id"].notna().sum()),
        "like_count": 0,
        "last_posted_at": _iso(last["created"], ms=True),
        "visible": True,
        "closed": True,
        "archived": False,
        "archetype": "regular",
        "slug": "tools-for-mapping-your-network",
        "category_id": 5,
        "user_id": uid[first["author"]],
        "highest_post_number": int(last["post_number"]) + 1,
        "deleted_at": None,
        "deleted_by": None,
        "details": {
            "created_by": {
                "id": uid[first["author"]],
                "username": uname[first["author"]],
                "name": people.loc[first["author"], "display_name"],
                "avatar_template": avatar(uname[first["author"]]),
            },
            "last_poster": {
                "id": uid[last["author"]],
                "username": uname[last["author"]],
                "name": people.loc[last["author"], "display_name"],
                "avatar_template": avatar(uname[last["author"]]),
            },
            "participants": participants,
        },
    }
    path.write_bytes(_json_bytes(topic))


_README = """\
# sample_data — a synthetic course, in each platform's native export format

Everything here is **generated** by `connectana.datasets` (seed {seed}); no real person is in it.
Regenerate byte for byte with

    python -m connectana.datasets            # or: connectana sample --out sample_data

The course: 12 weeks from Monday 2026-01-12 (UTC), 2 instructors, 2 TAs, {n_students} students
in 6 study groups. Instructors are very active early and fade; replies stay inside study groups
early and bridge groups later; {n_lurkers} lurkers never post (they only view resources); 3 isolated
learners start threads that nobody answers; late joiners enrol in weeks 4-7. People use
different usernames on different platforms: `aliases.csv` maps each platform id to one person.

| file | format (`read_events(..., format=)`) | content |
|---|---|---|
| `forum_posts.csv` | `table` | the course forum: `post_id,parent_id,thread_id,author,created` (ISO, UTC); a few replies come before their parent in file order |
| `roster.csv` | People table | `person,display_name,role,group` (`make_people(..., person="person", role="role", group="group", display_name="display_name")`) |
| `aliases.csv` | - | `person,platform,platform_id` (platforms: moodle, xapi, canvas, wordpress, slack, discourse) |
| `moodle_forum_export.csv` | `moodle_forum` | the same forum as Moodle's Forum > Export (CSV, UTF-8 BOM, `created` in Unix seconds, Moodle user ids) |
| `moodle_logs.csv` | `moodle_log` | Reports > Logs download (English headers, newest first, `dd/mm/yy, HH:MM` in UTC, empty IP address): resource views and forum post events |
| `xapi_statements.json` | `xapi` | the same forum as xAPI statements; replies point to their parent statement with `context.statement` (StatementRef) |
| `canvas_discussion_view.json` | `canvas_discussion` | one Canvas topic, full view JSON (`participants`, recursive `view`, one deleted entry that still has replies) |
| `discourse_topic.json` | `discourse` | one Discourse topic (`post_stream`, `reply_to_post_number`, post-number gaps, a system "closed" post) |
| `wordpress_blogs.xml` | `wordpress` | WXR 1.2 of the course blogs: comments with `comment_parent`, guest comments, pingbacks, one spam comment; site time zone Europe/Paris (dates change offset on 2026-03-29), e-mail addresses are made up `@example.org` ones |
| `slack_export/` | `slack` | Slack export: `users.json`, `channels.json`, one folder per channel with day files; threads with replies in later day files, mentions, reactions, a bot, channel joins |

Sizes: {n_forum} forum posts ({n_replies} replies) in {n_threads} threads, {n_blog} blog posts with
{n_comments} comments, {n_chat} Slack messages, {n_views} LMS view rows.

Notes for reading:

- The Moodle log report carries local times without an offset: read it with `tz="UTC"` (the
  simulated site runs on UTC).
- `aliases.csv` lists the ids the readers produce: Moodle user ids, Canvas user ids, WordPress
  logins, Slack user ids, Discourse user ids *and* usernames, and xAPI accounts as
  `homePage|name`. `connectana.people.apply_aliases(events, "sample_data/aliases.csv")` maps
  them to the roster's `person`.
- The ground truth behind these files is `connectana.datasets.simulate_course(seed=0)`
  (in-memory tables: people, aliases, posts, blog posts and comments, chat, LMS views).

Where the files are found: `connectana.datasets.sample_path(name)` looks in `sample_data/` at
the root of the source checkout (the package is installed in editable mode, so this folder
sits next to `connectana/`), or in the folder named by the environment variable
`CONNECTANA_SAMPLE_DATA`. `connectana.datasets.load_sample()` returns every file's path.
"""


def write_sample_data(folder: str | os.PathLike, *, seed: int = 0) -> list[Path]:
    """Simulate the sample course and write it in each platform's native format.

    Parameters
    ----------
    folder : path-like
        Created if needed; existing sample files in it are overwritten.
    seed : int
        Seed of :func:`simulate_course`.

    Returns
    -------
    list of Path
        The files and folders written (see :data:`SAMPLE_FILES`), plus ``README.md``.

    Notes
    -----
    The output is byte-for-byte reproducible for a seed: JSON keys are sorted,
    no generation time is written, times come from the simulation only and
    CSV files use ``\\n`` line endings.

    Examples
    --------
    >>> import tempfile
    >>> from connectana.datasets import write_sample_data
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     names = sorted(p.name for p in write_sample_data(folder))
    >>> names[:3]
    ['README.md', 'aliases.csv', 'canvas_discussion_view.json']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    course = simulate_course(seed)
    writers = {
        "forum_posts.csv": _write_forum_posts,
        "roster.csv": _write_roster,
        "aliases.csv": _write_aliases,
        "moodle_forum_export.csv": _write_moodle_forum,
        "moodle_logs.csv": _write_moodle_logs,
        "canvas_discussion_view.json": _write_canvas,
        "wordpress_blogs.xml": _write_wordpress,
        "slack_export": _write_slack,
        "xapi_statements.json": _write_xapi,
        "discourse_topic.json": _write_discourse,
    }
    written = []
    for name, write in writers.items():
        write(course, folder / name)
        written.append(folder / name)
    forum = course.posts[course.posts["platform"] == "forum"]
    students = course.people[course.people["role"] == "student"]
    readme = _README.format(
        seed=seed,
        n_students=len(students),
        n_lurkers=int((students["kind"] == "lurker").sum()),
        n_forum=len(forum),
        n_replies=int(forum["parent_id"].notna().sum()),
        n_threads=forum["thread_id"].nunique(),
        n_blog=len(course.blog_posts),
        n_comments=int((course.blog_comments["type"] == "comment").sum()),
        n_chat=len(course.chat),
        n_views=len(course.views),
    )
    (folder / "README.md").write_bytes(readme.encode("utf-8"))
    written.append(folder / "README.md")
    return written


# ---------------------------------------------------------------------------------------------
# Finding the bundled files
# ---------------------------------------------------------------------------------------------


def _sample_dir() -> Path:
    env = os.environ.get("CONNECTANA_SAMPLE_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1] / "sample_data"


def sample_path(name: str | None = None) -> Path:
    """Path of a bundled sample file (or of the ``sample_data`` folder).

    The folder is ``sample_data/`` at the root of the source checkout (next
    to the ``connectana/`` package folder, which is installed editable), or
    the folder named by the environment variable ``CONNECTANA_SAMPLE_DATA``.

    Parameters
    ----------
    name : str, optional
        A file name of :data:`SAMPLE_FILES` (or ``README.md``); None gives the folder.

    Raises
    ------
    ConnectanaError
        When the folder or the file is missing (regenerate it with
        ``python -m connectana.datasets``).

    Examples
    --------
    >>> from connectana.datasets import sample_path
    >>> sample_path("forum_posts.csv").name
    'forum_posts.csv'
    """
    folder = _sample_dir()
    path = folder if name is None else folder / name
    if not path.exists():
        raise ConnectanaError(
            f"sample data not found at {str(path)!r}; regenerate it with "
            "'python -m connectana.datasets --out <folder>' and set CONNECTANA_SAMPLE_DATA"
        )
    return path


def load_sample() -> dict[str, Path]:
    """Paths of every bundled sample file, keyed by file name.

    Returns
    -------
    dict
        File name → path, in the order of :data:`SAMPLE_FILES`; the format to
        read each one with is ``SAMPLE_FILES[name]``.

    Examples
    --------
    >>> from connectana.datasets import load_sample, SAMPLE_FILES
    >>> paths = load_sample()
    >>> import connectana as ca
    >>> ev = ca.read_events(paths["forum_posts.csv"], format=SAMPLE_FILES["forum_posts.csv"])
    >>> int((ev["action"] == "reply").sum()) > 500
    True
    """
    return {name: sample_path(name) for name in SAMPLE_FILES}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m connectana.datasets [--out DIR] [--seed N]``: regenerate ``sample_data/``.

    Without ``--out`` it writes the bundled folder (:func:`sample_path`); prints
    the paths written and returns 0.

    Examples
    --------
    >>> import tempfile
    >>> from connectana.datasets import main
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     main(["--out", folder])  # doctest: +ELLIPSIS
    /.../forum_posts.csv
    ...
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m connectana.datasets",
        description="Write the synthetic sample course in each platform's native export format.",
    )
    parser.add_argument(
        "--out", default=str(_sample_dir()), help="folder to write (default: %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=0, help="simulation seed (default: 0)")
    args = parser.parse_args(argv)
    for p in write_sample_data(args.out, seed=args.seed):
        print(p)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
