"""Writer of the Slack export sample folder."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .encode import json_bytes
from .simulate import DAY, START_S, Course


def write_slack(course: Course, folder: Path) -> None:
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
                "updated": START_S,
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
            "updated": START_S,
        }
    )
    (folder / "users.json").write_bytes(json_bytes(users))
    channels = []
    for i, ch in enumerate(sorted(set(chat["channel"]))):
        c = chat[chat["channel"] == ch]
        members = sorted({sid[u] for u in c["user"].dropna()})
        channels.append(
            {
                "id": f"C0{i + 1:08d}",
                "name": ch,
                "created": START_S - DAY,
                "creator": sid["inst1"],
                "is_archived": False,
                "is_general": ch == "general",
                "members": members,
                "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {
                    "value": f"#{ch} of Connected Learning 2026",
                    "creator": sid["inst1"],
                    "last_set": START_S - DAY,
                },
                "pins": [],
            }
        )
    (folder / "channels.json").write_bytes(json_bytes(channels))
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
            (folder / ch / f"{day}.json").write_bytes(json_bytes(msgs))
