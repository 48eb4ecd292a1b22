"""Writer of the Canvas discussion full-view JSON sample."""

from __future__ import annotations

from pathlib import Path

from .encode import COURSE_ID, iso, json_bytes
from .simulate import Course


def write_canvas(course: Course, path: Path) -> None:
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
            "created_at": iso(r.created),
            "updated_at": iso(r.created),
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
                "html_url": f"{base}/courses/{COURSE_ID}/users/{cid[p]}",
                "pronouns": None,
            }
            for p in shown
        ],
        "view": [entry(x) for x in children.get("topic-77", [])],
        "new_entries": [],
    }
    path.write_bytes(json_bytes(view))
