"""The WordPress WXR and blog-feed readers: real WXR exports and hand-made traps."""

from __future__ import annotations

import hashlib
import re
from collections import Counter

import pandas as pd
import pytest

import connectana as ca
from connectana.io.wordpress import normalize_name, read_feed, read_wordpress


def _edges(ev, **kw):
    net = ca.build_network(ev, **kw)
    return sorted(net.edges[["source", "target", "weight"]].itertuples(index=False, name=None))


def _h(mail: str) -> str:
    return hashlib.sha1(mail.lower().encode()).hexdigest()[:12]


# ----------------------------------------------------------------------------- real WXR


@pytest.fixture
def theme(real_data):
    return real_data / "wordpress_wxr" / "theme-unit-test-data.xml"


def test_real_theme_unit_test_29_comment_ties(theme):
    ev = read_wordpress(theme, include_unapproved=True)
    ca.validate_events(ev)
    answers = ev[ev["action"].isin(["comment", "reply"])]
    # 33 comments = 29 comments/replies + 2 pingbacks + 2 trackbacks
    assert len(answers) == 29
    assert (ev["action"] == "share").sum() == 4
    net = ca.build_network(ev, loops=True)
    assert net.meta["interactions"] == 29
    assert net.meta["unresolved_replies"] == 0
    # 10 answer a comment (comment_parent != 0) ...
    replies = ev[ev["action"] == "reply"]
    assert len(replies) == 10
    # ... among them the 10-deep chain 904 <- 905 <- ... <- 915 on "Template: Comments"
    parent = dict(zip(ev["object_id"], ev["parent_id"], strict=True))
    node, chain = "comment:915", ["comment:915"]
    while parent[node].startswith("comment:"):
        node = parent[node]
        chain.append(node)
    assert chain[-1] == "comment:904" and len(chain) == 10
    assert parent["comment:904"] == "post:1148"
    # self-loops present: themedemos on own posts (169, 903; 920 by the same account)
    # and Fred Bloggs answering himself (907 -> 906)
    assert net.meta["self_loops"] == 4
    edges = {(s, t): w for s, t, w in _edges(ev, loops=True)}
    assert edges[("themedemos", "themedemos")] == 3
    fred = f"guest:fred bloggs:{_h('example@example.org')}"
    assert edges[(fred, fred)] == 1
    jane = f"guest:jane doe:{_h('example@example.org')}"
    # guest Jane Doe x3; her 4th comment (920) was made from account 24783058 = themedemos
    assert edges[(jane, "themedemos")] == 3
    assert ca.build_network(ev).meta["self_loops_removed"] == 4


def test_real_theme_unit_test_by_name_jane_doe_x4(theme):
    ev = read_wordpress(theme, include_unapproved=True, identity="name")
    edges = {(s, t): w for s, t, w in _edges(ev, loops=True)}
    jane = f"guest:jane doe:{_h('example@example.org')}"
    assert edges[(jane, "themedemos")] == 4
    assert sum(edges.values()) == 29


def test_real_theme_unit_test_defaults(theme):
    ev = read_wordpress(theme)
    report = ev.attrs["ingest"]
    assert report.balanced
    # 3 comments held for moderation (1015, 1016, 1017)
    assert report.set_aside["unapproved"] == 3
    assert report.set_aside["unpublished"] == 2  # a draft and a scheduled post
    assert (ev["action"].isin(["comment", "reply"])).sum() == 26
    # pings: cross-blog shares from the linking host to the post author
    pings = ev[ev["action"] == "share"]
    assert set(pings["actor"]) == {"site:tellyworth.wordpress.com"}
    assert set(pings["target"]) == {"themedemos"}
    assert set(pings["parent_id"]) == {"post:1149"}
    # Greek names survive; the blog is the context (not wordpress.com)
    assert f"guest:john κώστας doe τάδε:{_h('example@example.org')}" in set(ev["actor"])
    assert ev["context"].unique().tolist() == ["https://wpthemetestdata.wordpress.com"]
    # GMT dates, whatever the local offset was (+10h for comment 167)
    row = ev.set_index("event_id").loc["comment:167"]
    assert row["timestamp"] == pd.Timestamp("2007-09-04T00:49:28Z")
    # no e-mail anywhere
    assert not ev.astype(str).apply(lambda c: c.str.contains("@example")).any().any()


def test_real_theme_unit_test_pings_off(theme):
    ev = read_wordpress(theme, pings=False)
    assert (ev["action"] == "share").sum() == 0
    assert ev.attrs["ingest"].set_aside["ping"] == 4


def test_real_small_wxr_files(real_data):
    d = real_data / "wordpress_wxr"
    v10 = read_wordpress(d / "valid-wxr-1.0.xml")
    # 6 published posts/pages + 1 comment (http://wordpress.org/export/1.0/)
    assert Counter(v10["action"]) == {"post": 6, "comment": 1}
    assert v10.attrs["ingest"].options["wxr_version"] == "1.0"
    assert v10.loc[v10["action"] == "comment", ["actor", "target"]].values.tolist() == [
        ["guest:mr wordpress", "admin"]  # no e-mail given
    ]
    v11 = read_wordpress(d / "valid-wxr-1.1.xml")
    assert Counter(v11["action"]) == {"post": 2, "comment": 1}
    assert v11.loc[v11["action"] == "comment", "target"].tolist() == ["john"]
    utf8 = read_wordpress(d / "wxr-utf-8-challenges.xml")
    assert len(utf8) == 1 and utf8.attrs["ingest"].read == 1
    # the author login with zero-width characters survives byte for byte
    assert utf8["actor"].iloc[0] == "admin\u200c\u200b\u200d\u200e"


# ----------------------------------------------------------------------------- hand-made WXR


def test_traps_wxr(data_dir):
    ev = read_wordpress(data_dir / "wordpress" / "traps.xml", tz="Europe/Athens")
    ca.validate_events(ev)
    report = ev.attrs["ingest"]
    assert (report.read, report.kept) == (16, 10)
    assert report.set_aside == {
        "spam": 1,
        "unapproved": 1,
        "trash": 1,
        "unpublished": 1,
        "other item type": 1,
        "on item set aside": 1,
    }
    dim = f"guest:δημήτρης:{_h('dim@example.org')}"  # entity-decoded, stripped, lower-cased
    assert _edges(ev, loops=True) == sorted(
        [
            (dim, "alice", 1),
            ("user:5", dim, 1),  # registered account 5 answering the guest
            ("bea", "user:5", 1),  # a guest comment with an author's e-mail is that author
            ("alice", "alice", 1),  # comment_user_id 2 is alice (wp:author_id)
            ("guest:greta", "alice", 1),
            ("alice", "bea", 1),
        ]
    )
    shares = ev[ev["action"] == "share"]
    assert shares[["actor", "target"]].values.tolist() == [
        ["site:other.example", "alice"],
        ["site:third.example", "bea"],
    ]
    by_id = ev.set_index("event_id")
    # zero GMT dates: local time in Europe/Athens (UTC+2 in February)
    assert by_id.loc["post:11", "timestamp"] == pd.Timestamp("2024-02-02T08:00Z")
    assert by_id.loc["comment:108", "timestamp"] == pd.Timestamp("2024-02-01T18:00Z")
    assert report.notes["local date used"] == 2
    assert by_id.loc["comment:101", "thread_id"] == "post:10"
    assert by_id.loc["comment:101", "parent_id"] == "comment:100"
    assert set(ev["context"]) == {"https://blog.example"}
    assert "text" not in ev.columns


def test_traps_wxr_options(data_dir):
    ev = read_wordpress(
        data_dir / "wordpress" / "traps.xml",
        tz="Europe/Athens",
        include_unapproved=True,
        pings=False,
        identity="name",
        keep_text=True,
    )
    report = ev.attrs["ingest"]
    assert report.set_aside["ping"] == 2 and "unapproved" not in report.set_aside
    assert report.set_aside["spam"] == 1  # spam stays out
    dim = f"guest:δημήτρης:{_h('dim@example.org')}"
    by_id = ev.set_index("event_id")
    # by name, the guest and the account are one person: a self-reply
    assert (by_id.loc["comment:101", "actor"], by_id.loc["comment:101", "target"]) == (dim, dim)
    eleni = f"guest:ελένη παπαδοπούλου:{_h('eleni@example.gr')}"
    assert (by_id.loc["comment:105", "actor"], by_id.loc["comment:105", "target"]) == (
        eleni,
        "alice",
    )
    assert by_id.loc["comment:100", "text"] == "Γεια σου!"
    assert "192.0.2.7" not in ev.to_string()


def test_zero_gmt_date_without_tz_is_an_error(data_dir):
    with pytest.raises(ca.InputError, match=r"traps\.xml.*post_id 10\) comment 108.*tz="):
        read_wordpress(data_dir / "wordpress" / "traps.xml")
    ev = read_wordpress(data_dir / "wordpress" / "traps.xml", on_error="skip")
    assert ev.attrs["ingest"].set_aside["invalid record"] == 2  # post 11 and comment 108
    assert ev.attrs["ingest"].balanced


def test_namespace_prefix_and_version_do_not_matter(data_dir):
    ev = read_wordpress(data_dir / "wordpress" / "wxr10_prefix.xml")
    assert ev[["event_id", "actor", "action", "target"]].values.tolist() == [
        ["post:1", "admin", "post", pd.NA],
        ["comment:1", f"guest:mr wordpress:{_h('mr@wordpress.example')}", "comment", "admin"],
        ["comment:2", "user:1", "reply", f"guest:mr wordpress:{_h('mr@wordpress.example')}"],
    ]


def test_broken_xml_is_a_format_error(tmp_path):
    p = tmp_path / "broken.xml"
    p.write_text("<rss><channel>\n<item><title>x</item>\n</channel></rss>")
    with pytest.raises(ca.FormatError, match=r"broken\.xml.*row 2.*broken XML"):
        read_wordpress(p)
    q = tmp_path / "atom.xml"
    q.write_text('<feed xmlns="http://www.w3.org/2005/Atom"/>')
    with pytest.raises(ca.FormatError, match="not a WordPress export"):
        read_wordpress(q)


def test_normalize_name():
    assert normalize_name("\n  Ping 1 &laquo; What&#8217;s a tellyworth?  ") == (
        "ping 1 « what’s a tellyworth?"
    )
    assert normalize_name("&#916;ΗΜΉΤΡΗΣ") == "δημήτρης"


# ----------------------------------------------------------------------------- feeds


def test_rss_post_and_comment_feeds(data_dir):
    ev = read_feed(data_dir / "wordpress" / "feeds" / "rss")
    ca.validate_events(ev)
    report = ev.attrs["ingest"]
    assert (report.read, report.kept) == (5, 5)
    by_id = ev.set_index("event_id")
    assert by_id.loc["http://blog.example/?p=2", "timestamp"] == pd.Timestamp("2024-01-02T08:00Z")
    # RSS2 comment feeds have no parent: the post from the link minus #comment-N
    assert (
        by_id.loc["http://blog.example/?p=1#comment-6", "parent_id"] == "http://blog.example/?p=1"
    )
    assert report.notes["parent from link (post level only)"] == 3
    assert _edges(ev) == [("bob", "alice", 1), ("carol & co", "alice", 1)]
    # Dan commented on a post missing from the post feed
    assert report.notes["parent missing"] == 1
    assert set(ev["action"]) == {"post", "comment"}
    assert set(ev["context"]) == {"http://blog.example"}


def test_atom_comment_feed_threads_with_in_reply_to(data_dir):
    ev = ca.read_events(data_dir / "wordpress" / "feeds" / "atom", format="feed")
    by_id = ev.set_index("event_id")
    c = "http://blog.example/?p=1#comment-"
    # thr:in-reply-to (prefix t:) ref = parent id; href used when ref is unknown
    assert by_id.loc[c + "6", ["action", "parent_id", "target"]].tolist() == [
        "reply",
        c + "5",
        "bob",
    ]
    assert by_id.loc[c + "7", ["action", "parent_id", "target"]].tolist() == [
        "reply",
        c + "6",
        "carol",
    ]
    assert by_id.loc[c + "5", ["action", "target"]].tolist() == ["comment", "alice"]
    # the second post is by Bob (entry author wins over the feed author)
    assert _edges(ev) == [
        ("alice", "carol", 1),
        ("bob", "alice", 1),
        ("carol", "bob", 1),
        ("dan", "bob", 1),
    ]
    assert by_id.loc[c + "7", "thread_id"] == "http://blog.example/?p=1"
    assert ev.attrs["ingest"].notes["parent missing"] == 1  # Eve, on a post not in the feeds


def test_feed_refuses_urls_and_broken_xml(tmp_path):
    with pytest.raises(ca.InputError, match="not fetched"):
        read_feed("https://blog.example/feed/")
    p = tmp_path / "broken.rss"
    p.write_text(
        '<rss version="2.0"><channel><title>b</title>\n<item><title>x</title>'
        "<link>http://b.example/1</link><dc:creator>Ann</dc:creator>"
        "<pubDate>Mon, 01 Jan 2024 09:00:00 +0000</pubDate></item>\n</channel>"
    )
    with pytest.raises(ca.FormatError, match=r"broken\.rss.*broken feed XML"):
        read_feed(p)
    ev = read_feed(p, on_error="skip")
    assert ev.attrs["ingest"].notes["feed read with recovery"] == 1


def test_feed_author_emails_are_never_kept(tmp_path):
    p = tmp_path / "f.rss"
    p.write_text(
        '<rss version="2.0"><channel><title>x</title>'
        "<managingEditor>ed@example.org (Ed)</managingEditor>"
        "<item><link>http://b.example/1</link><author>carol@example.org (Carol)</author>"
        "<pubDate>Mon, 01 Jan 2024 09:00:00 +0000</pubDate></item>"
        "<item><link>http://b.example/2</link><author>Dan@example.org</author>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate></item>"
        "<item><link>http://b.example/3</link>"
        "<pubDate>Mon, 01 Jan 2024 11:00:00 +0000</pubDate></item>"
        "</channel></rss>"
    )
    ev = read_feed(p)
    # name beside the address; a hash when there is only an address; else the feed's author
    assert ev["actor"].tolist() == ["carol", "mail:" + _h("dan@example.org"), "ed"]
    assert "@" not in ev.to_string()


def test_wxr_bad_date_names_the_item(tmp_path):
    p = tmp_path / "b.xml"
    p.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item>'
        "<dc:creator>ann</dc:creator><wp:post_id>7</wp:post_id>"
        "<wp:post_date_gmt>2024-13-45 10:00:00</wp:post_date_gmt>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        "</item></channel></rss>"
    )
    with pytest.raises(ca.TimestampError, match=r"b\.xml.*item 1 \(post_id 7\).*post_date_gmt"):
        read_wordpress(p)
    ev = read_wordpress(p, on_error="skip")
    assert len(ev) == 0 and ev.attrs["ingest"].set_aside == {"invalid record": 1}


# ---------------------------------------------------------------- robustness regressions


def test_wxr_not_utf8_names_file_and_line(tmp_path):
    # lxml raised a bare OSError ("Invalid bytes in character encoding") reading the path
    p = tmp_path / "w.xml"
    p.write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<rss><channel>\n<title>Caf\xe9</title>\n'
        b"</channel></rss>"
    )
    for on_error in ("raise", "skip"):
        with pytest.raises(ca.FormatError) as err:
            read_wordpress(p, on_error=on_error)
        assert (err.value.file, err.value.row) == (str(p), 3)


def test_feed_date_out_of_range_and_broken_encoding(tmp_path, data_dir):
    atom = (data_dir / "wordpress" / "feeds" / "atom" / "comments.atom").read_text()
    p = tmp_path / "c.atom"
    # year 2424 fits pandas' microsecond times but not the Events table (OutOfBoundsDatetime)
    p.write_text(
        atom.replace("<published>20", "<published>24", 1).replace("<updated>20", "<updated>24", 1)
    )
    with pytest.raises(ca.InputError) as err:
        read_feed(p)
    assert (err.value.file, err.value.row, err.value.field) == (str(p), "entry 1", "date")
    assert "between 1677 and 2262" in str(err.value)
    rep = read_feed(p, on_error="skip").attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (5, 4, {"invalid record": 1})
    # a broken encoding declaration made feedparser raise UnicodeDecodeError
    p.write_bytes(b'<?xml version="1.0" encoding="UT\x81F-8"?>' + atom.split("?>", 1)[1].encode())
    with pytest.raises(ca.FormatError, match="cannot be decoded") as err:
        read_feed(p, on_error="skip")
    assert err.value.file == str(p)


def test_wxr_duplicated_post_and_comment(tmp_path, data_dir):
    # an item or a comment exported twice made event ids repeat (an invalid Events table)
    xml = (data_dir / "wordpress" / "traps.xml").read_text()
    base = read_wordpress(data_dir / "wordpress" / "traps.xml", tz="Europe/Athens")
    comment = re.search(r"<wp:comment>.*?</wp:comment>", xml, re.S)
    p = tmp_path / "w.xml"
    p.write_text(xml[: comment.end()] + comment.group(0) + xml[comment.end() :])
    ev = read_wordpress(p, tz="Europe/Athens")
    ca.validate_events(ev)
    rep = ev.attrs["ingest"]
    assert rep.set_aside["duplicate"] == 1 and rep.read == base.attrs["ingest"].read + 1
    assert ev["event_id"].tolist() == base["event_id"].tolist()
    item = re.search(r"<item>.*?</item>", xml, re.S)
    p.write_text(xml[: item.end()] + item.group(0) + xml[item.end() :])
    ev = read_wordpress(p, tz="Europe/Athens")
    ca.validate_events(ev)
    assert ev["event_id"].tolist() == base["event_id"].tolist()


def test_feed_zero_date(tmp_path, data_dir):
    # WordPress' zero date parses to year -1, on which calendar.timegm raised ValueError
    atom = (data_dir / "wordpress" / "feeds" / "atom" / "comments.atom").read_text()
    first = re.search(r"<published>[^<]*</published>", atom).group(0)
    p = tmp_path / "c.atom"
    p.write_text(atom.replace(first, "<published>0000-00-00 00:00:00</published>", 1))
    with pytest.raises(ca.InputError) as err:
        read_feed(p)
    assert (err.value.row, err.value.field) == ("entry 1", "date")
    rep = read_feed(p, on_error="skip").attrs["ingest"]
    assert rep.set_aside["invalid record"] == 1 and rep.balanced
