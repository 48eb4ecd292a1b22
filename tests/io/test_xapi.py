"""Tests of the xAPI reader."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

import connectana as ca
from connectana.errors import FormatError, InputError
from connectana.io.xapi import actor_key, read_xapi

ANN = "mbox_sha1sum:" + hashlib.sha1(b"mailto:ann@example.org").hexdigest()
BOB = "https://lms.example|bob"
CAT = "mbox_sha1sum:" + hashlib.sha1(b"mailto:cat@example.org").hexdigest()
DAN = "openid:https://openid.example/dan"
EVE = "https://lms.example|sha1:" + hashlib.sha1(b"eve@uni.example").hexdigest()
D1 = "https://lms.example/forum/d1"
COURSE = "https://lms.example/course/7"


def edge_set(ev: pd.DataFrame, **kw) -> set[tuple[str, str, int]]:
    net = ca.build_network(ev, **kw)
    return {(s, t, int(w)) for s, t, w in net.edges[["source", "target", "weight"]].values}


def rows(ev: pd.DataFrame, *cols: str) -> list[list]:
    return [[None if pd.isna(v) else v for v in r] for r in ev[list(cols)].values.tolist()]


def all_text(ev: pd.DataFrame) -> str:
    """Every cell, column name and report entry, as one string."""
    cells = [str(v) for col in ev.columns for v in ev[col].tolist()]
    rep = ev.attrs["ingest"]
    extra = json.dumps(rep.to_dict(), default=str) + json.dumps(rep.records, default=str)
    return "\n".join([*map(str, ev.columns), *cells, extra])


def no_email_anywhere(ev: pd.DataFrame) -> bool:
    return "@" not in all_text(ev)


def test_actor_key_normalises_identifiers():
    assert actor_key({"mbox": "mailto:ann@example.org", "name": "Ann"}) == ANN
    # mbox and the mbox_sha1sum of the same address give one key
    sha = hashlib.sha1(b"mailto:ann@example.org").hexdigest()
    assert actor_key({"mbox_sha1sum": sha.upper()}) == ANN
    assert actor_key({"mbox": "ann@example.org"}) == ANN  # missing 'mailto:' added
    assert actor_key({"openid": "https://openid.example/dan"}) == DAN
    assert actor_key({"account": {"homePage": "https://lms.example", "name": "bob"}}) == BOB
    assert (
        actor_key({"account": {"homePage": "https://lms.example", "name": "eve@uni.example"}})
        == EVE
    )
    assert actor_key({"objectType": "Group", "name": "team", "member": []}) is None


def test_lrs_pages_jsonl(data_dir):
    with pytest.warns(UserWarning, match="more statements"):
        ev = ca.read_events(data_dir / "xapi" / "lrs_pages.jsonl", format="xapi")
    ca.validate_events(ev)
    assert rows(
        ev, "event_id", "actor", "action", "object_id", "parent_id", "thread_id", "target"
    ) == [
        ["s1", ANN, "post", D1, None, D1, None],
        ["s2", BOB, "reply", D1 + "#p2", D1, D1, ANN],  # context.statement -> s1
        ["s3", CAT, "comment", None, D1 + "#p2", D1, BOB],  # object is StatementRef s2
        ["s4", DAN, "comment", None, D1, D1, ANN],  # object = the parent post
        ["s5", EVE, "reply", D1 + "#p5", None, D1, None],  # parent only in contextActivities
        ["s6", BOB, "react", D1, None, D1, ANN],  # liked ann's post; time from `stored`
        ["s9", CAT, "other", "https://lms.example/quiz/q1", None, None, None],  # quiz answer
    ]
    # +01:00 offset converted to UTC
    assert ev["timestamp"].iloc[0] == pd.Timestamp("2024-03-01T09:00:00Z")
    assert ev["timestamp"].iloc[5] == pd.Timestamp("2024-03-01T14:00:00Z")
    assert ev.loc[0, "role"] == "instructor" and ev["role"].iloc[1:].isna().all()
    assert set(ev["context"].dropna()) == {COURSE}
    rep = ev.attrs["ingest"]
    assert (rep.read, rep.kept) == (9, 7)
    assert dict(rep.set_aside) == {"voiding statement": 1, "voided": 1}
    assert rep.balanced
    assert rep.notes["no reply target"] == 1
    assert rep.notes["target from statement reference"] == 2
    assert rep.notes["target from object author"] == 1
    assert rep.notes["timestamp from stored"] == 1
    assert rep.notes["more pages not read"] == 1
    # s7 (ann -> bob) was voided: no edge
    assert edge_set(ev) == {(BOB, ANN, 1), (CAT, BOB, 1), (DAN, ANN, 1)}
    # the reply with no target falls back to the thread starter when asked
    assert edge_set(ev, fallback="star") == {
        (BOB, ANN, 1),
        (CAT, BOB, 1),
        (DAN, ANN, 1),
        (EVE, ANN, 1),
    }


def test_no_email_address_is_kept(data_dir):
    with pytest.warns(UserWarning):
        ev = read_xapi(data_dir / "xapi" / "lrs_pages.jsonl")
    assert no_email_anywhere(ev)
    # the post description mentions an address: it is text, dropped by default
    with pytest.warns(UserWarning):
        kept = read_xapi(data_dir / "xapi" / "lrs_pages.jsonl", keep_text=True)
    assert kept.loc[kept["event_id"] == "s9", "text"].tolist() == ["42"]


def test_single_pretty_printed_lrs_response_and_folder(data_dir):
    with pytest.warns(UserWarning):
        page = read_xapi(data_dir / "xapi" / "lrs_page1.json")
    assert page["event_id"].tolist() == ["s1", "s2", "s3", "s4"]
    assert edge_set(page) == {(BOB, ANN, 1), (CAT, BOB, 1), (DAN, ANN, 1)}
    one = read_xapi(data_dir / "xapi" / "single.json")
    assert rows(one, "event_id", "actor", "action", "object_id") == [
        ["x1", DAN, "share", "https://lms.example/resource/9"]
    ]
    assert one["timestamp"].iloc[0] == pd.Timestamp("2024-03-02T13:00:00Z")
    # a list of files; statement ids already seen are set aside as duplicates
    with pytest.warns(UserWarning):
        both = read_xapi(
            [data_dir / "xapi" / "lrs_page1.json", data_dir / "xapi" / "lrs_pages.jsonl"]
        )
    rep = both.attrs["ingest"]
    assert (rep.read, rep.kept) == (13, 7) and rep.set_aside["duplicate id"] == 4


def test_voided_statement_removed_even_if_void_comes_first(tmp_path):
    ann = {"mbox": "mailto:ann@example.org"}
    bob = {"account": {"homePage": "h", "name": "bob"}}
    stmts = [
        {
            "id": "v",
            "actor": ann,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": "r"},
            "timestamp": "2024-01-02T00:00:00Z",
        },
        {
            "id": "r",
            "actor": bob,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/commented"},
            "object": {"objectType": "StatementRef", "id": "p"},
            "timestamp": "2024-01-01T01:00:00Z",
        },
        {
            "id": "p",
            "actor": ann,
            "verb": {"id": "http://activitystrea.ms/schema/1.0/post"},
            "object": {"id": "post"},
            "timestamp": "2024-01-01T00:00:00Z",
        },
        {
            "id": "v2",
            "actor": ann,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": "zzz"},
            "timestamp": "2024-01-03T00:00:00Z",
        },
    ]
    p = tmp_path / "s.json"
    p.write_text(json.dumps(stmts))
    ev = read_xapi(p)
    assert ev["event_id"].tolist() == ["p"]
    rep = ev.attrs["ingest"]
    assert dict(rep.set_aside) == {"voiding statement": 2, "voided": 1}
    assert rep.notes["voided statement not found"] == 1


def test_broken_json_line(data_dir):
    path = data_dir / "xapi" / "broken.jsonl"
    with pytest.raises(FormatError) as err:
        read_xapi(path)
    assert err.value.row == 2 and err.value.file == str(path)
    ev = read_xapi(path, on_error="skip")
    rep = ev.attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (3, 2, {"unparseable": 1})


def test_actor_without_identifier_names_line_and_field(data_dir):
    path = data_dir / "xapi" / "no_actor.jsonl"
    with pytest.raises(InputError) as err:
        read_xapi(path)
    assert (err.value.row, err.value.field) == (2, "actor")
    ev = read_xapi(path, on_error="skip")
    assert dict(ev.attrs["ingest"].set_aside) == {"missing actor": 1}
    assert ev["event_id"].tolist() == ["x1"]


def test_not_a_statement_and_verb_map(tmp_path):
    p = tmp_path / "data.json"
    p.write_text('{"forum": [{"id": 1}]}')
    with pytest.raises(InputError, match="not an xAPI statement"):
        read_xapi(p)
    q = tmp_path / "custom.json"
    q.write_text(
        json.dumps(
            {
                "actor": {"openid": "o"},
                "verb": {"id": "https://v/pinged"},
                "object": {"objectType": "Agent", "openid": "p"},
                "timestamp": "2024-01-01T00:00:00Z",
            }
        )
    )
    ev = read_xapi(q, verbs={"https://v/pinged": "mention"})
    assert rows(ev, "event_id", "action", "target") == [["custom.json:1", "mention", "openid:p"]]
    with pytest.raises(ValueError):
        read_xapi(q, verbs={"https://v/pinged": "poke"})
    r = tmp_path / "dm.json"
    r.write_text(q.read_text().replace("https://v/pinged", "http://id.tincanapi.com/verb/replied"))
    assert rows(read_xapi(r), "action", "target") == [["reply", "openid:p"]]


# --------------------------------------------------------------------------- #
# Real fixtures (skipped when ../shared/real_data is absent)
# --------------------------------------------------------------------------- #
def test_real_moodle_logstore(real_data):
    base = real_data / "moodle_logstore_xapi"
    files = [
        base / "discussion_created" / "statements.json",
        base / "post_created" / "statements.json",
    ]
    # the plugin's fixtures carry no timestamp: set aside (not an error) unless a default is
    # given, with a warning naming the option
    with pytest.warns(UserWarning, match="default_timestamp="):
        aside = read_xapi(files)
    rep = aside.attrs["ingest"]
    assert (len(aside), rep.read, dict(rep.set_aside)) == (0, 2, {"missing timestamp": 2})
    # the time of the post_created log row (event.json timecreated 1433946701)
    ev = read_xapi(files, default_timestamp="2015-06-10T14:31:41Z")
    user = "http://www.example.org|1"
    d1 = "http://www.example.org/mod/forum/discuss.php?d=1"
    assert rows(
        ev, "event_id", "actor", "action", "object_id", "thread_id", "target", "context"
    ) == [
        [
            "discussion_created/statements.json:1",
            user,
            "post",
            d1,
            d1,
            None,
            "http://www.example.org/course/view.php?id=2",
        ],
        [
            "post_created/statements.json:1",
            user,
            "reply",
            d1 + "#p1",
            d1,
            None,
            "http://www.example.org/course/view.php?id=2",
        ],
    ]
    assert (ev["timestamp"] == pd.Timestamp("2015-06-10T14:31:41Z")).all()
    rep = ev.attrs["ingest"]
    assert rep.notes["no reply target"] == 1 and rep.notes["timestamp defaulted"] == 2
    net = ca.build_network(ev)
    assert len(net.edges) == 0 and net.meta["unresolved_replies"] == 1
    # with the thread-starter fallback the reply ties to the discussion's
    # starter: the same user here (a self-loop, kept only with loops=True)
    star = ca.build_network(ev, fallback="star", loops=True)
    assert star.edges[["source", "target", "n_inferred"]].values.tolist() == [[user, user, 1]]
    assert no_email_anywhere(ev)  # actor.name "test_fullname" is never read
    assert "test_fullname" not in all_text(ev)


def test_real_openedx_xapi(real_data):
    ev = read_xapi(real_data / "openedx_event_routing" / "xapi_expected")
    uuid = "http://localhost:18000|32e08e30-f8ae-4ce2-94a8-c2bfe38a70cb"
    assert set(ev["actor"]) == {uuid}
    api = "http://localhost:18000/api/discussion/v1/"
    assert rows(ev, "action", "object_id", "thread_id", "target") == [
        [
            "post",
            api + "threads/64abcdfee68f35002fd013c6",
            api + "threads/64abcdfee68f35002fd013c6",
            None,
        ],
        ["delete", api + "threads/64abcdfee68f35002fd013c6", None, uuid],
        ["view", api + "comments/64a817fce68f35002fd013c3", None, None],
        [
            "reply",
            api + "comments/64b7b640e68f350033690932",
            api + "threads/64b7b2bee68f35003369092d",
            None,
        ],
        ["react", api + "comments/64b7b640e68f350033690932", None, uuid],
        [
            "reply",
            api + "comments/64d2308202808b0030b8afaf",
            api + "threads/64d1df0887e82a002b35a6f7",
            None,
        ],
    ]
    assert ev["timestamp"].iloc[-1] == pd.Timestamp("2023-08-08T12:09:39.157587Z")
    rep = ev.attrs["ingest"]
    # responses and comments are 'posted' in a thread; the answered post is not said
    assert rep.notes["no reply target"] == 2
    assert rep.notes["post in a thread read as reply"] == 2
    assert (rep.read, rep.kept) == (6, 6)
    net = ca.build_network(ev)
    assert len(net.edges) == 0 and net.meta["unresolved_replies"] == 2


@pytest.mark.filterwarnings("ignore:the LRS response links more statements")
def test_line_not_utf8_is_one_record(tmp_path, data_dir):
    # was a raw UnicodeDecodeError; now the line is named, or set aside with skip
    lines = (data_dir / "xapi" / "lrs_pages.jsonl").read_bytes().splitlines()
    path = tmp_path / "x.jsonl"
    path.write_bytes(lines[0] + b"\n" + lines[1].replace(b'"', b'"\xe9', 1) + b"\n")
    with pytest.raises(FormatError) as err:
        read_xapi(path)
    assert (err.value.file, err.value.row) == (str(path), 2)
    assert "not UTF-8" in str(err.value)
    rep = read_xapi(path, on_error="skip").attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (5, 4, {"unparseable": 1})


def test_timestamp_out_of_range(tmp_path):
    stmt = {
        "id": "s1",
        "actor": {"mbox": "mailto:a@x.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/commented"},
        "object": {"id": "http://x/o"},
        "timestamp": "99999-01-01T00:00:00Z",
    }
    path = tmp_path / "x.json"
    path.write_text(json.dumps([stmt, dict(stmt, id="s2", timestamp="2424-01-01T00:00:00Z")]))
    with pytest.raises(InputError) as err:
        read_xapi(path)
    assert (err.value.row, err.value.field) == (1, "timestamp")
    rep = read_xapi(path, on_error="skip").attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (2, 0, {"bad timestamp": 2})
