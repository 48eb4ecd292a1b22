"""Writers of the Moodle sample files: forum export CSV and the log report."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from .encode import COURSE_ID, csv_bytes, forum_rows, secs
from .simulate import Course

_MOODLE_FORUM_FIELDS = [
    "id", "discussion", "parent", "userid", "userfullname", "created", "modified", "mailed",
    "subject", "message", "messageformat", "messagetrust", "attachment", "totalscore", "mailnow",
    "deleted", "privatereplyto", "privatereplytofullname", "wordcount", "charcount",
]  # fmt: skip


def write_moodle_forum(course: Course, path: Path) -> None:
    f = forum_rows(course)
    uid = course.person_ids("moodle")
    name = dict(zip(course.people["person"], course.people["display_name"], strict=True))
    rows = []
    for r in f.itertuples(index=False):
        s = secs(r.created)
        rows.append(
            (
                r.post_id, r.thread_id, 0 if pd.isna(r.parent_id) else r.parent_id, uid[r.author],
                name[r.author], s, s, 1, r.subject, f"<p>{r.text}</p>", 1, 0, 0, 0, 0, 0, 0, "",
                len(r.text.split()), len(r.text),
            )
        )  # fmt: skip
    path.write_bytes(csv_bytes(_MOODLE_FORUM_FIELDS, rows, bom=True))


_LOG_HEADER = [
    "Time", "User full name", "Affected user", "Event context", "Component", "Event name",
    "Description", "Origin", "IP address",
]  # fmt: skip
_CM_FORUM = 12


def write_moodle_logs(course: Course, path: Path) -> None:
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
                f"The user with id '{u}' viewed the course with id '{COURSE_ID}'.",
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
        items.append((secs(r.time), u, (name[r.person], *row)))
    for r in forum_rows(course).itertuples(index=False):
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
        items.append((secs(r.created), u, (name[r.author], *row)))
    # newest first, as the log report shows and downloads them
    items.sort(key=lambda x: (x[0], x[1]), reverse=True)
    rows = []
    for t, _, (who, affected, context, component, event, desc) in items:
        stamp = datetime.fromtimestamp(t, tz=timezone.utc).strftime("%d/%m/%y, %H:%M")
        rows.append((stamp, who, affected, context, component, event, desc, "web", ""))
    path.write_bytes(csv_bytes(_LOG_HEADER, rows, bom=True))
