"""Byte-exact encoding helpers shared by the sample-course writers (CSV, JSON, times, ids, file order)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Sequence
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from .simulate import NAMESPACE, Course

#: The simulated LMS's course id (Moodle course, Canvas course, xAPI activity).
COURSE_ID = 7


def emit_order(post_ids: list[str], parents: list, moved: set[str]) -> list[str]:
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


def csv_bytes(header: Sequence[str], rows, *, bom: bool = False) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def json_bytes(obj) -> bytes:
    return (json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def secs(t: pd.Timestamp) -> int:
    return int(t.value // 1_000_000_000)


def iso(t: pd.Timestamp, ms: bool = False) -> str:
    d = datetime.fromtimestamp(secs(t), tz=timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + (".000Z" if ms else "Z")


def course_uuid(course: Course, *parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(map(str, (course.seed, *parts)))))


def file_order(course: Course, forum: pd.DataFrame) -> pd.DataFrame:
    """Forum rows in file order: time order with about 4% of replies moved before their parent."""
    rng = np.random.default_rng([course.seed, 7])
    replies = forum["parent_id"].notna().to_numpy()
    moved = set(forum.loc[replies & (rng.random(len(forum)) < 0.04), "post_id"])
    order = emit_order(forum["post_id"].tolist(), forum["parent_id"].tolist(), moved)
    return forum.set_index("post_id", drop=False).loc[order].reset_index(drop=True)


def forum_rows(course: Course) -> pd.DataFrame:
    forum = course.posts[course.posts["platform"] == "forum"].reset_index(drop=True)
    return file_order(course, forum)
