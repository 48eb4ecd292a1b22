"""Writer of the xAPI statements sample."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .encode import COURSE_ID, course_uuid, iso
from .simulate import LMS_URL, Course


def write_xapi(course: Course, path: Path) -> None:
    f = course.posts[course.posts["platform"] == "forum"]
    uid = course.person_ids("xapi")
    sid = {r.post_id: course_uuid(course, "forum", r.post_id) for r in f.itertuples(index=False)}
    course_act = {
        "id": f"{LMS_URL}/course/view.php?id={COURSE_ID}",
        "objectType": "Activity",
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/course",
            "name": {"en": "Connected Learning 2026"},
        },
    }
    statements = []
    for r in f.itertuples(index=False):
        discussion = {
            "id": f"{LMS_URL}/mod/forum/discuss.php?d={r.thread_id}",
            "objectType": "Activity",
            "definition": {"type": "http://id.tincanapi.com/activitytype/discussion"},
        }
        s = {
            "id": sid[r.post_id],
            "actor": {
                "objectType": "Agent",
                "account": {"homePage": LMS_URL, "name": uid[r.author].split("|", 1)[1]},
            },
            "timestamp": iso(r.created),
            "stored": iso(r.created + pd.Timedelta(seconds=2), ms=True),
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
                "id": f"{LMS_URL}/mod/forum/discuss.php?d={r.thread_id}#p{r.post_id}",
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
