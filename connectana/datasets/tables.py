"""Writers of the plain sample tables: ``forum_posts.csv``, ``roster.csv``, ``aliases.csv``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .encode import csv_bytes, forum_rows, iso
from .simulate import Course


def write_forum_posts(course: Course, path: Path) -> None:
    f = forum_rows(course)
    rows = [
        (
            r.post_id,
            "" if pd.isna(r.parent_id) else r.parent_id,
            r.thread_id,
            r.author,
            iso(r.created),
        )
        for r in f.itertuples(index=False)
    ]
    path.write_bytes(csv_bytes(["post_id", "parent_id", "thread_id", "author", "created"], rows))


def write_roster(course: Course, path: Path) -> None:
    p = course.people
    rows = list(zip(p["person"], p["display_name"], p["role"], p["group"], strict=True))
    path.write_bytes(csv_bytes(["person", "display_name", "role", "group"], rows))


def write_aliases(course: Course, path: Path) -> None:
    a = course.aliases.sort_values(["person", "platform"], kind="stable")
    path.write_bytes(csv_bytes(["person", "platform", "platform_id"], a.itertuples(index=False)))
