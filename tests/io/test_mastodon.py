"""The Mastodon reader (saved API Status entities), on hand-made fixtures."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import connectana as ca
from connectana.io.mastodon import read_mastodon


def _edges(ev, **kw):
    net = ca.build_network(ev, **kw)
    return sorted(net.edges[["source", "target", "weight"]].itertuples(index=False, name=None))


S = "1090000000000000"  # id prefix of the fixture's statuses


def test_statuses(data_dir):
    ev = ca.read_events(data_dir / "mastodon" / "statuses.json", format="mastodon")
    ca.validate_events(ev)
    report = ev.attrs["ingest"]
    # 7 statuses (a bot's and a duplicate set aside) + 4 mentions produced
    assert report.notes["statuses read"] == 7
    assert report.notes["derived mention events"] == 4
    assert (report.read, report.kept) == (11, 9)
    assert report.set_aside == {"bot": 1, "duplicate": 1}
    assert report.balanced
    # replies: account ids, target from in_reply_to_account_id (even for a parent not in the file)
    assert _edges(ev) == [("1", "2", 1), ("2", "1", 1), ("3", "4", 1)]
    assert _edges(ev, ties="mention") == [
        ("1", "2", 1),
        ("1", "3", 1),
        ("2", "1", 1),
        ("3", "4", 1),
    ]
    by_id = ev.set_index("event_id")
    # ids are strings, 64-bit, untouched
    assert by_id.loc[S + "03", "parent_id"] == S + "02"
    assert by_id.loc[S + "03", "thread_id"] == S + "01"  # root through the chain
    assert by_id.loc[S + "06", "thread_id"] == "108999999999999999"  # chain leaves the file
    # a reblog is a share aimed at the reblogged status's author
    assert by_id.loc[S + "04", ["actor", "action", "target", "parent_id"]].tolist() == [
        "3",
        "share",
        "1",
        S + "01",
    ]
    assert by_id.loc[f"{S}03:mention:3", ["action", "parent_id"]].tolist() == ["mention", S + "03"]
    assert set(ev["context"]) == {"mastodon.example"}
    assert "text" not in ev.columns and "acct" not in ev.columns


def test_keep_text_adds_display_handle(data_dir):
    ev = read_mastodon(data_dir / "mastodon" / "statuses.json", keep_text=True, mentions=False)
    by_id = ev.set_index("event_id")
    assert by_id.loc[S + "02", "acct"] == "bob@other.social"
    assert by_id.loc[S + "01", "text"] == "<p>Week 1 question</p>"
    assert (ev.attrs["ingest"].read, ev.attrs["ingest"].kept) == (7, 5)


def test_reblogs_off(data_dir):
    ev = read_mastodon(data_dir / "mastodon" / "statuses.json", reblogs=False)
    assert "share" not in set(ev["action"])
    assert ev.attrs["ingest"].set_aside["reblog"] == 1


def test_outbox_like_file_with_integer_ids(data_dir):
    ev = read_mastodon(data_dir / "mastodon" / "outbox.json")
    assert ev[["event_id", "actor", "action", "target", "parent_id"]].values.tolist() == [
        ["109000000000000101", "1", "post", pd.NA, pd.NA],
        ["109000000000000102", "2", "reply", "1", "109000000000000101"],
    ]
    # +02:00 offset converted to UTC
    assert ev["timestamp"].iloc[0] == pd.Timestamp("2024-05-01T06:00Z")


def test_bad_input(tmp_path):
    p = tmp_path / "s.json"
    p.write_text('[{"id": "1",\n "account": }]')
    with pytest.raises(ca.FormatError, match=r"s\.json.*row 2.*not valid JSON"):
        read_mastodon(p)
    p.write_text('[{"id": "1", "created_at": "2024-01-01T00:00Z", "account": {}}]')
    with pytest.raises(ca.InputError, match=r"s\.json.*row 1.*field 'account\.id'"):
        read_mastodon(p)
    ev = read_mastodon(p, on_error="skip")
    assert len(ev) == 0 and ev.attrs["ingest"].set_aside == {"invalid record": 1}
    p.write_text('{"hello": []}')
    with pytest.raises(ca.FormatError, match="no array of statuses"):
        read_mastodon(p)


# ---------------------------------------------------------------- robustness regressions


def _statuses(data_dir) -> list:
    return json.loads((data_dir / "mastodon" / "statuses.json").read_text())


@pytest.mark.parametrize(
    ("record", "field", "value"),
    [
        (0, "mentions", 7),  # was a TypeError
        (1, "in_reply_to_id", {"id": "1"}),  # was kept as the id "{'id': '1'}"
        (0, "id", ["1"]),
    ],
)
def test_wrong_field_types(tmp_path, data_dir, record, field, value):
    st = _statuses(data_dir)
    st[record][field] = value
    path = tmp_path / "s.json"
    path.write_text(json.dumps(st))
    with pytest.raises(ca.InputError) as err:
        read_mastodon(path)
    assert (err.value.file, err.value.row, err.value.field) == (str(path), record + 1, field)
    rep = read_mastodon(path, on_error="skip").attrs["ingest"]
    assert rep.set_aside["invalid record"] == 1 and rep.balanced


def test_malformed_url_and_non_utf8(tmp_path, data_dir):
    st = _statuses(data_dir)
    st[0]["url"] = "http://[broken/x"  # urlsplit raised ValueError
    path = tmp_path / "s.json"
    path.write_text(json.dumps(st))
    ev = read_mastodon(path)
    assert pd.isna(ev.set_index("event_id").loc[str(st[0]["id"]), "context"])
    path.write_bytes(json.dumps(st).encode().replace(b'"id"', b'"\xe9id"', 1))
    with pytest.raises(ca.FormatError) as err:  # was a UnicodeDecodeError
        read_mastodon(path, on_error="skip")
    assert err.value.file == str(path) and err.value.row == 1 and "not UTF-8" in str(err.value)


def test_reply_cycle_terminates(tmp_path):
    st = [
        {"id": "1", "created_at": "2024-01-01T10:00:00Z", "account": {"id": "7"}}
        | {"in_reply_to_id": "2", "in_reply_to_account_id": "8"},
        {"id": "2", "created_at": "2024-01-01T11:00:00Z", "account": {"id": "8"}}
        | {"in_reply_to_id": "1", "in_reply_to_account_id": "7"},
    ]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(st))
    ev = read_mastodon(path, mentions=False)
    assert ev["target"].tolist() == ["8", "7"]
