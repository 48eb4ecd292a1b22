"""Moodle readers: forum export, course backup, log report."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import connectana as ca
from connectana.errors import ConnectanaError, FormatError, SchemaError, TimestampError
from connectana.events import REPLY_ACTIONS
from connectana.io.moodle import read_moodle_backup, read_moodle_forum, read_moodle_log


def edge_list(ev: pd.DataFrame, **kw) -> list[tuple[str, str, int]]:
    """Sorted (source, target, weight) of build_network(ev, **kw)."""
    net = ca.build_network(ev, **kw)
    return sorted(
        (str(s), str(t), int(w)) for s, t, w in net.edges[["source", "target", "weight"]].values
    )


def n_reply_ties(ev: pd.DataFrame) -> int:
    """Answers with a known target: the interactions of the reply tie rule."""
    return int((ev["action"].isin(REPLY_ACTIONS) & ev["target"].notna()).sum())


def balanced(ev: pd.DataFrame) -> bool:
    rep = ev.attrs["ingest"]
    return rep.read == rep.kept + rep.set_aside_total == rep.kept + sum(rep.set_aside.values())


# ---------------------------------------------------------------- real fixtures


def test_real_forum_export_three_starters(real_data):
    path = real_data / "moodle_forum_export" / "discussion.csv"
    ev = read_moodle_forum(path, tz="Europe/London")
    ca.validate_events(ev)
    assert ev["actor"].tolist() == ["168621", "144790", "163454"]
    assert ev["action"].tolist() == ["post", "post", "post"]
    assert ev["thread_id"].tolist() == ["1257548", "1257990", "1258277"]
    # 3 distinct userids although two share the label "User 1"
    assert ev["actor"].nunique() == 3
    assert "User 1" not in set(ev.columns) and "userfullname" not in ev.columns
    # "Tuesday, 3 December 2024, 5:09 PM" in London (UTC+0 in winter)
    assert ev["timestamp"].iloc[0] == pd.Timestamp("2024-12-03 17:09", tz="UTC")
    assert n_reply_ties(ev) == 0
    assert balanced(ev) and ev.attrs["ingest"].kept == 3
    assert edge_list(ev) == []


def test_real_forum_export_needs_tz(real_data):
    with pytest.raises(TimestampError, match="tz="):
        read_moodle_forum(real_data / "moodle_forum_export" / "discussion.csv")


def test_real_log_report(real_data):
    path = real_data / "moodle_log_report" / "example_platform_logs.csv"
    ev = read_moodle_log(path, tz="UTC")
    rep = ev.attrs["ingest"]
    assert rep.read == 20 and rep.kept == 7
    assert rep.set_aside == {"no user": 13}
    assert rep.options["header_language"] == ["en"]
    assert rep.options["columns"]["time"] == "Time"  # the leading index column was dropped
    assert rep.options["actor"] == "user id from the description"
    assert sorted(ev["actor"].unique()) == ["287", "58"]
    assert ev["action"].value_counts().to_dict() == {"other": 5, "view": 2}
    # newest first in the file, oldest first in the events
    assert ev["timestamp"].iloc[0] == pd.Timestamp("2023-01-23 11:56", tz="UTC")
    assert ev["timestamp"].iloc[-1] == pd.Timestamp("2023-01-23 12:09", tz="UTC")
    assert ev["timestamp"].is_monotonic_increasing
    # within the same minute the file's last row (its oldest) comes first
    assert ev["event_id"].iloc[:4].tolist() == ["row20", "row19", "row18", "row17"]
    assert n_reply_ties(ev) == 0
    assert edge_list(ev) == []


def test_real_log_report_dates_need_tz(real_data):
    with pytest.raises(TimestampError, match="tz="):
        read_moodle_log(real_data / "moodle_log_report" / "example_platform_logs.csv")


def test_real_logstore_rows_are_not_a_log_report(real_data):
    # the DB rows of mdl_logstore_standard_log are not the report download
    with pytest.raises(SchemaError, match="not a Moodle log report"):
        read_moodle_log(real_data / "moodle_log_report" / "example_database_data.csv", tz="UTC")


# ---------------------------------------------------------------- forum export


def test_forum_csv_bom_replies_before_parents_deleted_parent(data_dir):
    ev = read_moodle_forum(data_dir / "moodle" / "forum_bom.csv")
    ca.validate_events(ev)
    rep = ev.attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (8, 7, {"deleted": 1})
    assert rep.notes["reply to a deleted post (target unknown)"] == 1
    assert rep.notes["private reply (privatereplyto)"] == 1
    assert rep.options["timestamp"]["unit"] == "s"
    assert ev["event_id"].tolist() == ["10", "11", "12", "13", "20", "22", "23"]
    child = ev.set_index("event_id").loc["22"]
    assert child["parent_id"] == "21" and pd.isna(child["target"])
    assert ev["timestamp"].iloc[0] == pd.Timestamp(1700000000, unit="s", tz="UTC")
    # 12 (stored first) answers 11 by user 2; 23 is a private reply to user 2
    assert edge_list(ev) == [("2", "1", 1), ("3", "2", 2), ("4", "1", 1)]
    assert "text" not in ev.columns


def test_forum_keep_text(data_dir):
    ev = read_moodle_forum(data_dir / "moodle" / "forum_bom.csv", keep_text=True)
    assert ev.set_index("event_id").loc["10", "text"] == "<p>a</p>"


def test_forum_json_sheet_wrapper(data_dir):
    ev = read_moodle_forum(data_dir / "moodle" / "forum.json")
    assert ev["event_id"].tolist() == ["1", "2", "3"]
    assert ev["action"].tolist() == ["post", "reply", "reply"]
    assert edge_list(ev) == [("5", "6", 1), ("6", "5", 1)]


def test_forum_human_dates_with_tz(data_dir):
    ev = read_moodle_forum(data_dir / "moodle" / "forum_human.csv", tz="Europe/Madrid")
    # 5:09 PM in Madrid (UTC+1 in December)
    assert ev["timestamp"].tolist() == [
        pd.Timestamp("2024-12-03 16:09", tz="UTC"),
        pd.Timestamp("2024-12-04 10:05", tz="UTC"),
    ]
    assert edge_list(ev) == [("9", "8", 1)]


def test_forum_unknown_tz_names_tz(data_dir):
    with pytest.raises(ConnectanaError, match="tz=") as err:
        read_moodle_forum(data_dir / "moodle" / "forum_human.csv", tz="Mars/Olympus")
    assert err.value.field == "tz" and err.value.found == "Mars/Olympus"


def test_forum_xlsx(tmp_path, data_dir):
    df = pd.read_csv(data_dir / "moodle" / "forum_bom.csv", encoding="utf-8-sig", dtype=str)
    path = tmp_path / "forum.xlsx"
    df.to_excel(path, index=False)
    ev = read_moodle_forum(path)
    assert edge_list(ev) == [("2", "1", 1), ("3", "2", 2), ("4", "1", 1)]


def test_forum_missing_column(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("id,discussion,userid,created\n1,2,3,1700000000\n")
    with pytest.raises(SchemaError) as err:
        read_moodle_forum(path)
    assert err.value.field == "parent" and err.value.file == str(path)


def test_forum_bad_json(tmp_path):
    path = tmp_path / "f.json"
    path.write_text('[[{"id": "1", "discussion": "2",\n "parent": }]]')
    with pytest.raises(FormatError) as err:
        read_moodle_forum(path)
    assert err.value.file == str(path) and err.value.row == 2 and "column 12" in str(err.value)


def test_forum_bad_date_names_row_and_field(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("id,discussion,parent,userid,created\n1,2,0,3,1700000000\n2,2,1,4,soon\n")
    with pytest.raises(TimestampError):
        read_moodle_forum(path)
    path.write_text("id,discussion,parent,userid,created\n1,2,0,3,1700000000\n2,2,1,,1700000001\n")
    with pytest.raises(ConnectanaError) as err:
        read_moodle_forum(path)
    assert (err.value.row, err.value.field) == (2, "userid")
    ev = read_moodle_forum(path, on_error="skip")
    assert dict(ev.attrs["ingest"].set_aside) == {"post has no user id": 1}
    assert balanced(ev)


# ---------------------------------------------------------------- course backup


def _forum_xml(cmid: int, posts: list[tuple]) -> bytes:
    """posts: (post id, discussion id, parent, userid, created[, deleted])."""
    by_disc: dict = {}
    for p in posts:
        by_disc.setdefault(p[1], []).append(p)
    discs = []
    for did, ps in by_disc.items():
        items = "".join(
            f'<post id="{p[0]}"><parent>{p[2]}</parent><userid>{p[3]}</userid>'
            f"<created>{p[4]}</created><modified>{p[4]}</modified><subject>s</subject>"
            f"<message>&lt;p&gt;m{p[0]}&lt;/p&gt;</message>"
            "<privatereplyto>$@NULL@$</privatereplyto>"
            + (f"<deleted>{p[5]}</deleted>" if len(p) > 5 else "")
            + "</post>"
            for p in ps
        )
        discs.append(
            f'<discussion id="{did}"><name>d</name><firstpost>{ps[0][0]}</firstpost>'
            f"<userid>{ps[0][3]}</userid><groupid>-1</groupid><timeend>$@NULL@$</timeend>"
            f"<posts>{items}</posts></discussion>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<activity id="1" moduleid="{cmid}" '
        f'modulename="forum" contextid="40"><forum id="7"><name>F</name>'
        f"<discussions>{''.join(discs)}</discussions></forum></activity>"
    ).encode()


ROLES_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?><roles_definition>'
    b'<role id="3"><name></name><shortname>editingteacher</shortname>'
    b"<nameincourse>$@NULL@$</nameincourse><archetype>editingteacher</archetype></role>"
    b'<role id="4"><name></name><shortname>teacher</shortname><archetype>teacher</archetype></role>'
    b'<role id="5"><name></name><shortname>student</shortname><archetype>student</archetype></role>'
    b"</roles_definition>"
)
COURSE_ROLES_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?><roles><role_overrides></role_overrides>'
    b"<role_assignments>"
    b'<assignment id="1"><roleid>3</roleid><userid>1</userid></assignment>'
    b'<assignment id="2"><roleid>5</roleid><userid>2</userid></assignment>'
    b'<assignment id="3"><roleid>4</roleid><userid>3</userid></assignment>'
    b'<assignment id="4"><roleid>5</roleid><userid>3</userid></assignment>'
    b"</role_assignments></roles>"
)
USERS_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?><users>'
    b'<user id="1"><username>t</username></user><user id="2"><username>s</username></user>'
    b'<user id="3"><username>a</username></user></users>'
)


def _backup_files(posts: list[tuple] | None) -> dict[str, bytes]:
    files = {
        "moodle_backup.xml": b"<moodle_backup><information/></moodle_backup>",
        "roles.xml": ROLES_XML,
        "course/roles.xml": COURSE_ROLES_XML,
        "users.xml": USERS_XML,
        "activities/forum_12/forum.xml": _forum_xml(12, posts or []),
        "activities/forum_12/roles.xml": b"<roles/>",
    }
    return files


def _write_mbz(path, files: dict[str, bytes], kind: str = "tgz"):
    if kind == "zip":
        with zipfile.ZipFile(path, "w") as z:
            for name, data in files.items():
                z.writestr(name, data)
        return path
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


BACKUP_POSTS = [
    # stored by id; discussion 70: 1 starts, 2 (student) answers 1, 3 (TA) answers 2,
    # post 103 is deleted and 104 answers it
    (100, 70, 0, 1, 1700000000),
    (101, 70, 100, 2, 1700000100),
    (102, 70, 101, 3, 1700000200),
    (103, 70, 100, 2, 1700000300, 1),
    (104, 70, 103, 1, 1700000400),
    (110, 71, 0, 3, 1700001000),
    (111, 71, 110, 2, 1700001100),
]


@pytest.mark.parametrize("kind", ["tgz", "zip", "folder"])
def test_backup_posts_and_roles(tmp_path, kind):
    files = _backup_files(BACKUP_POSTS)
    if kind == "folder":
        path = tmp_path / "backup"
        for name, data in files.items():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_bytes(data)
    else:
        path = _write_mbz(tmp_path / "course.mbz", files, kind)
    ev = read_moodle_backup(path)
    ca.validate_events(ev)
    rep = ev.attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (7, 6, {"deleted": 1})
    assert rep.notes["reply to a deleted post (target unknown)"] == 1
    assert rep.options["users_in_backup"] == 3
    assert set(ev["context"]) == {"forum_12"}
    roles = dict(zip(ev["actor"], ev["role"], strict=True))
    # Moodle's "teacher" is the non-editing teacher; user 3 is also a student: the higher wins
    assert roles == {"1": "instructor", "2": "student", "3": "ta"}
    assert edge_list(ev) == [("2", "1", 1), ("2", "3", 1), ("3", "2", 1)]


def test_backup_role_map_and_keep_text(tmp_path):
    path = _write_mbz(tmp_path / "c.mbz", _backup_files(BACKUP_POSTS))
    ev = read_moodle_backup(path, role_map={"teacher": "instructor"}, keep_text=True)
    assert ev.set_index("actor")["role"].to_dict()["3"] == "instructor"
    assert ev.set_index("event_id").loc["100", "text"] == "<p>m100</p>"


def test_backup_without_user_data(tmp_path):
    path = _write_mbz(tmp_path / "empty.mbz", _backup_files(None))
    ev = read_moodle_backup(path)
    ca.validate_events(ev)
    rep = ev.attrs["ingest"]
    assert len(ev) == 0 and rep.read == 0 and rep.balanced
    assert any("without user data" in m for m in rep.messages)


def test_backup_not_a_backup(tmp_path):
    path = tmp_path / "x.mbz"
    path.write_bytes(b"not an archive")
    with pytest.raises(FormatError, match="not a Moodle backup"):
        read_moodle_backup(path)
    files = _backup_files(BACKUP_POSTS)
    files["activities/forum_12/forum.xml"] = b"<activity><forum>"
    with pytest.raises(FormatError) as err:
        read_moodle_backup(_write_mbz(tmp_path / "bad.mbz", files))
    assert "forum_12/forum.xml" in err.value.file


# ---------------------------------------------------------------- log report


def test_log_spanish_cr_only_obfuscated(data_dir):
    ev = read_moodle_log(data_dir / "moodle" / "log_es_cr.csv", tz="UTC")
    ca.validate_events(ev)
    rep = ev.attrs["ingest"]
    assert rep.options["header_language"] == ["es"]
    assert (rep.read, rep.kept) == (6, 4)
    # 'x98' post id in a created post: set aside; 'x' course id in a course view: kept
    assert dict(rep.set_aside) == {"no user": 1, "unparseable description": 1}
    assert ev["action"].tolist() == ["other", "post", "view", "reply"]
    assert ev["actor"].tolist() == ["6", "6", "6", "7"]
    assert ev["thread_id"].tolist()[1:] == ["8", "8", "8"]
    assert ev["timestamp"].iloc[-1] == pd.Timestamp("2023-01-24 10:00", tz="UTC")
    assert rep.notes["reply with unknown parent"] == 1
    assert any("no reply structure" in m for m in rep.messages)
    assert n_reply_ties(ev) == 0
    # the star rule ties the reply to the discussion's starter
    assert edge_list(ev, ties="star") == [("7", "6", 1)]


def test_log_forum_join_gives_reply_targets(data_dir):
    d = data_dir / "moodle"
    ev = read_moodle_log(d / "log_es_cr.csv", tz="UTC", forum=d / "forum_for_log.csv")
    reply = ev[ev["action"] == "reply"].iloc[0]
    assert (reply["object_id"], reply["parent_id"], reply["target"]) == ("51", "50", "6")
    assert ev.attrs["ingest"].notes["reply target from the forum export"] == 1
    assert edge_list(ev) == [("7", "6", 1)]
    # the same with Events from read_moodle_forum
    forum = read_moodle_forum(d / "forum_for_log.csv")
    ev2 = read_moodle_log(d / "log_es_cr.csv", tz="UTC", forum=forum)
    assert ev2["target"].tolist() == ev["target"].tolist()


def test_log_german_actions(data_dir):
    ev = read_moodle_log(data_dir / "moodle" / "log_de.csv", tz="Europe/Berlin")
    assert ev.attrs["ingest"].options["header_language"] == ["de"]
    assert ev["action"].tolist() == ["post", "reply", "edit", "delete"]
    assert ev["object_id"].tolist()[1:] == ["61", "61", "61"]
    # 31.01.24 09:00 in Berlin = 08:00 UTC
    assert ev["timestamp"].iloc[0] == pd.Timestamp("2024-01-31 08:00", tz="UTC")


def test_log_yearless_dates(data_dir):
    path = data_dir / "moodle" / "log_yearless.csv"
    with pytest.raises(TimestampError, match="year=") as err:
        read_moodle_log(path, tz="Europe/Dublin")
    assert err.value.field == "Time"
    ev = read_moodle_log(path, tz="Europe/Dublin", year=2018)
    # reordered columns (Affected user first) are mapped by name
    assert ev["actor"].tolist() == ["5", "4"]
    assert ev["action"].tolist() == ["view", "view"]
    assert ev["thread_id"].tolist()[1] == "12"
    # 11 May 09:44 in Dublin (UTC+1 in summer)
    assert ev["timestamp"].tolist() == [
        pd.Timestamp("2018-05-10 22:10", tz="UTC"),
        pd.Timestamp("2018-05-11 08:44", tz="UTC"),
    ]


def test_log_unknown_language_mapped_by_position(data_dir):
    ev = read_moodle_log(data_dir / "moodle" / "log_it_positional.csv", tz="UTC")
    rep = ev.attrs["ingest"]
    assert rep.options["header_language"] == "unknown (mapped by position)"
    assert any("by their position" in m for m in rep.messages)
    assert ev["action"].tolist() == ["post", "reply"]
    assert edge_list(ev, ties="star") == [("1", "3", 1)]


def test_log_actor_by_name(data_dir):
    ev = read_moodle_log(data_dir / "moodle" / "log_de.csv", tz="UTC", actor="name")
    assert ev["actor"].tolist() == ["Nutzer 1", "Nutzer 2", "Nutzer 2", "Nutzer 2"]
    assert ev.attrs["ingest"].options["actor"] == "user full name"


def test_log_missing_column(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text('Time,User full name,Description\n"23/01/23, 12:09",A,x\n')
    with pytest.raises(SchemaError) as err:
        read_moodle_log(path, tz="UTC")
    assert err.value.field == "event" and err.value.file == str(path)


def test_log_bad_time_row(tmp_path, data_dir):
    text = (data_dir / "moodle" / "log_de.csv").read_text()
    path = tmp_path / "log.csv"
    path.write_text(text.replace('"01.02.24, 18:00"', '"gestern"'))
    with pytest.raises(TimestampError) as err:
        read_moodle_log(path, tz="UTC")
    assert (err.value.row, err.value.field) == (2, "Zeit")
    ev = read_moodle_log(path, tz="UTC", on_error="skip")
    assert dict(ev.attrs["ingest"].set_aside) == {"unparseable timestamp": 1}
    assert balanced(ev)


def test_read_events_dispatch(data_dir):
    ev = ca.read_events(data_dir / "moodle" / "forum.json", format="moodle_forum")
    assert ev.attrs["ingest"].format == "moodle_forum"


# ---------------------------------------------------------------- robustness regressions


def test_forum_json_not_utf8(tmp_path, data_dir):
    # was a raw UnicodeDecodeError
    data = (data_dir / "moodle" / "forum.json").read_bytes()
    path = tmp_path / "f.json"
    path.write_bytes(data.replace(b'"id"', b'"\xe9id"', 1))
    for on_error in ("raise", "skip"):
        with pytest.raises(FormatError) as err:
            read_moodle_forum(path, on_error=on_error)
        assert err.value.file == str(path) and isinstance(err.value.row, int)
        assert "not UTF-8" in str(err.value)


def test_forum_json_wrong_types(tmp_path):
    # 1e999 (infinity) in userid raised OverflowError; an array as id was kept as "[5]"
    path = tmp_path / "f.json"
    path.write_text(
        '[[{"id": 1, "discussion": 2, "parent": 0, "userid": 3, "created": 1700000000},'
        ' {"id": 2, "discussion": 2, "parent": 1, "userid": 1e999, "created": 1700000100},'
        ' {"id": [5], "discussion": 2, "parent": 1, "userid": 4, "created": 1700000200}]]'
    )
    with pytest.raises(ca.InputError) as err:
        read_moodle_forum(path)
    assert (err.value.file, err.value.row, err.value.field) == (str(path), 3, "id")
    rep = read_moodle_forum(path, on_error="skip").attrs["ingest"]
    assert (rep.read, rep.kept) == (3, 1)
    assert dict(rep.set_aside) == {"post has no id": 1, "post has no user id": 1}


def test_backup_truncated_archive(tmp_path):
    # was a raw EOFError from tarfile/gzip
    data = _write_mbz(tmp_path / "c.mbz", _backup_files(BACKUP_POSTS)).read_bytes()
    path = tmp_path / "cut.mbz"
    path.write_bytes(data[: len(data) // 2])
    for on_error in ("raise", "skip"):
        with pytest.raises(FormatError, match="backup archive cannot be read") as err:
            read_moodle_backup(path, on_error=on_error)
        assert err.value.file == str(path)


def test_backup_broken_xml_names_member_and_line(tmp_path):
    files = _backup_files(BACKUP_POSTS)
    files["activities/forum_12/forum.xml"] = files["activities/forum_12/forum.xml"][:-20]
    path = _write_mbz(tmp_path / "c.mbz", files)
    with pytest.raises(FormatError) as err:
        read_moodle_backup(path)
    assert err.value.file.endswith("c.mbz!activities/forum_12/forum.xml")
    assert isinstance(err.value.row, int)


def test_forum_broken_date_among_epochs_names_its_row(tmp_path):
    # was a column-level "format not recognised" error; now the row, with skip set aside
    path = tmp_path / "f.csv"
    path.write_text("id,discussion,parent,userid,created\n1,2,0,3,1700000000\n2,2,1,4,soon\n")
    with pytest.raises(TimestampError, match="unparseable timestamp; found 'soon'") as err:
        read_moodle_forum(path)
    assert (err.value.file, err.value.row, err.value.field) == (str(path), 2, "created")
    rep = read_moodle_forum(path, on_error="skip").attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (2, 1, {"unparseable timestamp": 1})


def _yearless_log(tmp_path, times: list[str]) -> Path:
    head = "Time,User full name,Affected user,Event context,Component,Event name,Description,Origin,IP address\n"  # fmt: skip
    rows = [
        f'"{t}",Student {i},-,Forum: Q&A,Forum,Course module viewed,'
        f"\"The user with id '{i}' viewed the 'forum' activity with course module id '3'.\","
        "web,0.0.0.0\n"
        for i, t in enumerate(times, start=1)
    ]
    p = tmp_path / "log.csv"
    p.write_text(head + "".join(rows))
    return p


def test_log_yearless_dates_across_new_year(tmp_path):
    # the log report lists the newest rows first; the course ran from December into January
    p = _yearless_log(tmp_path, ["2 Jan, 10:00", "1 Jan, 00:30", "31 Dec, 23:50", "14 Dec, 09:00"])
    ev = read_moodle_log(p, tz="UTC", year=2018)  # the year of the oldest row
    assert ev["timestamp"].tolist() == [
        pd.Timestamp("2018-12-14 09:00", tz="UTC"),
        pd.Timestamp("2018-12-31 23:50", tz="UTC"),
        pd.Timestamp("2019-01-01 00:30", tz="UTC"),
        pd.Timestamp("2019-01-02 10:00", tz="UTC"),
    ]
    opts = ev.attrs["ingest"].options["timestamp"]
    assert opts["yearless_order"] == "newest first" and opts["years"] == [2018, 2019]
    # the same rows oldest first, and a leap day in the second year
    p = _yearless_log(tmp_path, ["30 Dec, 08:00", "29 Feb, 12:00", "1 Mar, 12:00"])
    ev = read_moodle_log(p, tz="UTC", year=2023)
    assert ev["timestamp"].dt.strftime("%Y-%m-%d").tolist() == [
        "2023-12-30",
        "2024-02-29",
        "2024-03-01",
    ]
    assert ev.attrs["ingest"].options["timestamp"]["yearless_order"] == "oldest first"


def test_log_yearless_dates_out_of_order_stay_in_one_year(tmp_path):
    p = _yearless_log(tmp_path, ["3 Mar, 10:00", "1 Jan, 00:30", "2 Feb, 23:50"])
    ev = read_moodle_log(p, tz="UTC", year=2020)
    assert (ev["timestamp"].dt.year == 2020).all()
    assert ev.attrs["ingest"].options["timestamp"]["yearless_order"] == "not in time order"
