"""Writer of the Discourse topic JSON sample."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .encode import iso, json_bytes
from .simulate import Course


def write_discourse(course: Course, path: Path) -> None:
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
            "created_at": iso(r.created, ms=True),
            "cooked": r.text,
            "post_number": int(r.post_number),
            "post_type": 1,
            "updated_at": iso(r.created, ms=True),
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
            "created_at": iso(closed_at, ms=True),
            "cooked": "",
            "post_number": int(last["post_number"]) + 1,
            "post_type": 3,
            "action_code": "closed.enabled",
            "updated_at": iso(closed_at, ms=True),
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
        "created_at": iso(first["created"], ms=True),
        "views": 96,
        "reply_count": int(d["parent_id"].notna().sum()),
        "like_count": 0,
        "last_posted_at": iso(last["created"], ms=True),
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
    path.write_bytes(json_bytes(topic))
