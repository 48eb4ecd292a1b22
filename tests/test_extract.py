"""Resources pulled out of messages at read time (connectana.extract)."""

from __future__ import annotations

import pandas as pd
import pytest

import connectana as ca
from connectana.extract import RESOURCES, extract_resources, find_resources
from connectana.urls import classify_url, normalize_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://WWW.Example.ORG/Path/", "https://example.org/Path"),  # path case kept
        ("http://example.org:80/a", "http://example.org/a"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
        ("https://example.org/a#section-2", "https://example.org/a"),
        ("https://example.org/a?utm_source=tw&id=7", "https://example.org/a"),
        ("https://example.org/", "https://example.org"),
        ("https://example.org", "https://example.org"),
        ("www.example.org/x", "http://example.org/x"),
        ("https://ann:secret@example.org/a", "https://example.org/a"),
        ("https://blog.example.org/a", "https://blog.example.org/a"),  # only www. goes
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("https://example.org/caf%C3%A9", "https://example.org/caf%C3%A9"),
        ("https://[2001:db8::1]:8080/a", "https://[2001:db8::1]:8080/a"),
        ("/t/welcome/57/", "/t/welcome/57"),
        ("https://www.youtube.com/watch?v=abc&t=42&si=xyz", "https://youtube.com/watch?v=abc"),
        ("mailto:ann@uni.edu", None),
        ("javascript:alert(1)", None),
        ("ftp://example.org/file", None),
        ("notes/page.html", None),
        ("https://example.org:99999/", None),  # impossible port
        ("https://", None),
    ],
)
def test_normalize_url(raw, expected):
    assert normalize_url(raw) == expected


def test_normalize_url_keeps_query_on_request_without_trackers():
    url = "https://example.org/a?utm_medium=x&fbclid=1&gclid=2&q=network&mc_eid=3&page=2#top"
    assert normalize_url(url, query=True) == "https://example.org/a?q=network&page=2"


def test_classify_url():
    assert classify_url("https://example.org/a") == "url"
    assert classify_url("/t/a/1") == "internal"
    assert classify_url("https://x.slack.com/archives/C1", ["slack.com"]) == "internal"
    assert classify_url("https://notslack.com/a", ["slack.com"]) == "url"
    assert classify_url("https://mastodon.social/@ann") == "mention"
    assert classify_url("https://forum.example.org/u/ann", ["forum.example.org"]) == "mention"
    assert classify_url("https://gephi.org/users/quick-start") == "url"  # not a person
    assert classify_url("https://medium.com/@ann/my-post") == "url"  # an article, not a profile


def test_find_resources_in_html():
    html = (
        '<p>Read <a href="https://Example.org/paper/?utm_source=x">this</a> and '
        '<a href="mailto:ann@uni.edu">mail me</a>. <img src="https://img.org/cat.gif"></p>'
        '<p>Tags: <a href="https://m.social/tags/LAK" class="mention hashtag">#<span>LAK</span></a>'
        ' <a href="https://m.social/@bob" class="u-url mention">@<span>bob</span></a></p>'
        "<dl><dt>#dowork</dt><dd>Coined by</dd></dl> also https://other.org/x."
    )
    assert find_resources(html) == [
        "url:https://example.org/paper",
        "url:https://other.org/x",
        "hashtag:lak",
        "hashtag:dowork",
    ]


def test_find_resources_in_plain_and_mrkdwn_text():
    text = (
        "See <https://a.org/b|the slides>, (https://en.wikipedia.org/wiki/Graph_(discrete_mathematics))"
        " and [notes](https://c.org/n). #Connectivism! C# &#39; #1 x#y #mooc-2024."
    )
    assert find_resources(text) == [
        "url:https://a.org/b",
        "url:https://en.wikipedia.org/wiki/Graph_(discrete_mathematics)",
        "url:https://c.org/n",
        "hashtag:connectivism",
        "hashtag:mooc-2024",
    ]


def test_same_resource_once_per_event():
    assert find_resources("https://a.org https://www.a.org/ #X #x") == [
        "url:https://a.org",
        "hashtag:x",
    ]


def _table(tmp_path, texts):
    df = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(len(texts))],
            "actor": ["ann", "bob", "cat", "dan"][: len(texts)],
            "thread_id": "t1",
            "timestamp": [f"2024-01-0{i + 1}T10:00:00Z" for i in range(len(texts))],
            "text": texts,
        }
    )
    path = tmp_path / "forum.csv"
    df.to_csv(path, index=False)
    return path


def test_read_events_extract_drops_text_and_queries(tmp_path):
    path = _table(
        tmp_path,
        ["see https://x.org/p?token=SECRET&utm_source=a #LAK", "", "no link here", "#lak"],
    )
    ev = ca.read_events(path, format="table", extract=("urls", "hashtags"))
    assert "text" not in ev.columns
    assert ev[RESOURCES].fillna("").tolist() == [
        "url:https://x.org/p\nhashtag:lak",
        "",
        "",
        "hashtag:lak",
    ]
    assert "SECRET" not in ev.to_csv()
    assert ev.attrs["ingest"].notes["events with resources"] == 2
    only_tags = ca.read_events(path, format="table", extract=("hashtags",))
    assert only_tags[RESOURCES].tolist()[0] == "hashtag:lak"
    kept = ca.read_events(path, format="table", extract=True, keep_text=True, url_query=True)
    assert kept["text"].iloc[0].startswith("see")
    assert kept[RESOURCES].iloc[0] == "url:https://x.org/p?token=SECRET\nhashtag:lak"
    # without extract= nothing changes
    plain = ca.read_events(path, format="table")
    assert RESOURCES not in plain.columns and "text" not in plain.columns


def test_unknown_extract_kind(tmp_path):
    path = _table(tmp_path, ["x"])
    with pytest.raises(ValueError, match="extract= takes"):
        ca.read_events(path, format="table", extract=("links",))


def test_resources_table_survives_filter_and_concat(tmp_path):
    path = _table(tmp_path, ["https://x.org/a #lak", "https://x.org/a", "", "#LAK"])
    ev = ca.read_events(path, format="table", extract=True)
    sub = ev[ev["actor"] != "ann"]
    r = ca.resources(sub)
    assert r[["actor", "kind", "resource", "host"]].values.tolist() == [
        ["bob", "url", "https://x.org/a", "x.org"],
        ["dan", "hashtag", "lak", pd.NA],
    ]
    other = ev.assign(platform="blog")
    both = ca.concat_events([ev, other])
    assert len(ca.resources(both)) == 2 * len(ca.resources(ev)) == 8
    assert list(ca.resources(ev).columns) == [
        "event_id",
        "actor",
        "timestamp",
        "kind",
        "resource",
        "host",
        "thread_id",
        "context",
        "platform",
    ]


def test_resources_without_column_lists_mention_events():
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["a", "b"],
                "target": ["b", "a"],
                "action": ["mention", "reply"],
                "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True),
            }
        )
    )
    r = ca.resources(ev)
    assert r[["actor", "kind", "resource"]].values.tolist() == [["a", "mention", "b"]]
    assert ca.resources(ev, mentions=False).empty


def test_internal_hosts_parameter():
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["a"],
                "text": ["https://forum.uni.edu/d/12 and https://www.uni.edu/library"],
                "timestamp": pd.to_datetime(["2024-01-01"], utc=True),
            }
        ),
        keep_text=True,
    )
    out = extract_resources(ev, internal_hosts=["forum.uni.edu"])
    assert (
        out[RESOURCES].iloc[0] == "internal:https://forum.uni.edu/d/12\nurl:https://uni.edu/library"
    )


# -- privacy ---------------------------------------------------------------------------
def test_profile_links_are_pseudonymised():
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["ann", "bob"],
                "target": [None, "ann"],
                "text": [
                    'follow me https://mastodon.social/@ann and <a href="/users/bob/posts">bob</a>',
                    "https://x.org/a",
                ],
                "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True),
            }
        ),
        keep_text=True,
    )
    ev = extract_resources(ev)
    assert ev[RESOURCES].iloc[0] == (
        "internal:/users/bob/posts\nmention:https://mastodon.social/@ann"
    )
    out = ca.pseudonymize(ev, key=b"k")
    ann, bob = out["actor"].tolist()
    assert out[RESOURCES].iloc[0] == (
        f"internal:/users/{bob}/posts\nmention:https://mastodon.social/@{ann}"
    )
    assert out[RESOURCES].iloc[1] == "url:https://x.org/a"
    assert "ann" not in out.to_csv() and "bob" not in out.to_csv()


# -- real exports: links counted by hand ------------------------------------------------
def test_discourse_topic_links(real_data):
    ev = ca.read_events(real_data / "discourse" / "topic.json", format="discourse", extract=True)
    r = ca.resources(ev)
    # post 83 (post_number 1) links three sites (cooked hrefs = its link_counts);
    # posts 3 and 14 only embed images, post 2 is a moderator action (set aside)
    assert r["event_id"].unique().tolist() == ["83"]
    assert sorted(r["resource"]) == [
        "http://discourse.org",
        "http://meta.discourse.org",
        "https://github.com/discourse/discourse",
    ]
    assert set(r["kind"]) == {"url"}
    assert "text" not in ev.columns


def test_slack_export_files(real_data):
    ev = ca.read_events(
        real_data / "slack_export" / "source_export.zip", format="slack", extract=True
    )
    r = ca.resources(ev, mentions=False)
    # two messages of 2025-01-11 share a file each; no message text holds a link
    assert r[["kind", "resource"]].values.tolist() == [
        ["file", "FO746B80F5F9"],
        ["file", "FO260121BC1C"],
    ]
    assert r["actor"].tolist() == ["UOF82F39AE", "UOF82F39AE"]


def test_wordpress_links_and_pings(real_data):
    ev = ca.read_events(
        real_data / "wordpress_wxr" / "theme-unit-test-data.xml", format="wordpress", extract=True
    )
    r = ca.resources(ev)
    by_event = r.groupby("event_id")["resource"].apply(list)
    # post 582: a bare URL on its own line (an embed) and one <a href>
    assert by_event["post:582"] == [
        "https://codex.wordpress.org/Embeds",
        "https://wordpress.tv/2009/03/16/anatomy-of-a-wordpress-theme-exploring-the-files-behind-your-theme",
    ]
    # post 1161: a YouTube embed (the video id is kept) and one <a href>
    assert by_event["post:1161"] == [
        "https://codex.wordpress.org/Embeds",
        "https://youtube.com/watch?v=SQEQr7c0-dw",
    ]
    # post 575: one link inside <cite>
    assert by_event["post:575"] == ["http://brainyquote.com/quotes/quotes/m/marktwain163473.html"]
    # the 2 pingbacks and 2 trackbacks on post 1149 share the citing posts
    pings = r[r["actor"].str.startswith("site:")]
    assert len(pings) == 4
    assert (
        pings["resource"].str.startswith("http://tellyworth.wordpress.com/2007/11/21/ping-").all()
    )
    # links to the blog itself are internal
    internal = r[r["kind"] == "internal"]
    assert len(internal) > 0
    assert (internal["host"] == "wpthemetestdata.wordpress.com").all()


def test_batch_equals_one_message_at_a_time():
    texts = [
        '<p>A <a href="https://a.org/x">link</a> &amp; #Tag</p>',
        "plain https://b.org/y?utm_source=z, #other",
        None,
        "nothing here",
        "<p>no anchor but https://c.org/z and #html</p>",
        "slack <https://d.org|d> <@U123> #s",
        "#first https://a.org/x #Tag",
        "",
        "www.e.org/a/b/ and (https://f.org/p_(q)).",
    ]
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": [f"p{i}" for i in range(len(texts))],
                "text": texts,
                "timestamp": pd.date_range("2024-01-01", periods=len(texts), tz="UTC"),
            }
        ),
        keep_text=True,
    )
    batch = extract_resources(ev)[RESOURCES].fillna("").tolist()
    one = ["\n".join(find_resources(t)) if isinstance(t, str) else "" for t in texts]
    assert batch == one
    assert batch[0] == "url:https://a.org/x\nhashtag:tag"
    assert batch[4] == "url:https://c.org/z\nhashtag:html"
    assert batch[8] == "url:http://e.org/a/b\nurl:https://f.org/p_(q)"


def test_hashtag_written_against_a_url_gives_both():
    # the URL is found wherever it starts, then the hashtag before it (the texts where
    # a hashtag may run into a URL are scanned again with the slower pattern)
    assert find_resources("#mooc www.x.org/a and #tagwww.y.org/b") == [
        "url:http://x.org/a",
        "url:http://y.org/b",
        "hashtag:mooc",
        "hashtag:tag",
    ]
    assert find_resources("#readhttps://z.org/p #www #http") == [
        "url:https://z.org/p",
        "hashtag:read",
        "hashtag:www",
        "hashtag:http",
    ]
    assert find_resources("#https://z.org/q a#www.w.org") == [
        "url:https://z.org/q",
        "url:http://w.org",
    ]


def test_marker_and_control_characters_in_messages():
    # U+001E/U+001F (the scan's markers) become spaces; control characters in an
    # HTML message (lxml refuses them) do not make the read fail
    assert find_resources("a\x1fhttps://a.org/x\x1e#t") == ["url:https://a.org/x", "hashtag:t"]
    html = '<p>\x01<a href="https://b.org/y">b</a>\x0b</p>\x01 #ctl'
    assert find_resources(html) == ["url:https://b.org/y", "hashtag:ctl"]


# -- the sample course: extraction finds exactly what the simulator planted -------------
SAMPLE_READS = [
    ("moodle_forum_export.csv", "moodle_forum", ["forum"]),
    ("canvas_discussion_view.json", "canvas_discussion", ["canvas"]),
    ("discourse_topic.json", "discourse", ["discourse"]),
    ("wordpress_blogs.xml", "wordpress", ["blog_post", "blog_comment"]),
    ("slack_export", "slack", ["slack"]),
]


@pytest.fixture(scope="module")
def planted():
    from connectana.datasets import simulate_course

    return simulate_course(seed=0).resources


@pytest.mark.parametrize(("file", "fmt", "platforms"), SAMPLE_READS)
def test_sample_course_resources_match_the_simulation(planted, file, fmt, platforms):
    from collections import Counter

    from connectana.datasets import sample_path

    ev = ca.read_events(sample_path(file), format=fmt, extract=True)
    r = ca.resources(ev, kinds=["url", "hashtag"])
    truth = planted[planted["platform"].isin(platforms)]
    assert len(truth) > 0  # every platform carries links or tags
    assert Counter(zip(r["kind"], r["resource"], strict=True)) == Counter(
        zip(truth["kind"], truth["resource"], strict=True)
    )
    assert r["timestamp"].sort_values().tolist() == sorted(truth["time"])


def test_sample_course_pingbacks_are_internal_links():
    from connectana.datasets import sample_path, simulate_course

    ev = ca.read_events(sample_path("wordpress_blogs.xml"), format="wordpress", extract=True)
    r = ca.resources(ev, kinds=["internal"])
    pings = simulate_course(seed=0).blog_comments["type"].eq("pingback").sum()
    assert len(r) == pings == 6
    assert r["actor"].str.startswith("site:").all()


def test_mastodon_tags_card_and_instance_links(tmp_path):
    import json

    statuses = [
        {
            "id": "1",
            "created_at": "2024-01-01T10:00:00Z",
            "url": "https://m.social/@ann/1",
            "account": {"id": "10", "acct": "ann", "username": "ann"},
            "content": '<p>Reading <a href="https://x.org/paper">x</a> '
            '<a href="https://m.social/tags/LAK" class="mention hashtag" rel="tag">'
            '#<span>LAK</span></a> and <a href="https://m.social/@bob/7">bob\'s post</a></p>',
            "tags": [{"name": "LAK"}, {"name": "CCK"}],
            "card": {"url": "https://x.org/paper?utm_source=masto"},
            "mentions": [],
        }
    ]
    path = tmp_path / "statuses.json"
    path.write_text(json.dumps(statuses))
    ev = ca.read_events(path, format="mastodon", extract=True)
    # structured tags and card first, then the anchors; the instance's own link is internal
    assert ev[RESOURCES].iloc[0].split("\n") == [
        "hashtag:lak",
        "hashtag:cck",
        "url:https://x.org/paper",
        "internal:https://m.social/@bob/7",
    ]


def test_extract_without_text_warns_and_resource_network_refuses(tmp_path):
    from connectana.errors import SchemaError

    path = tmp_path / "log.csv"
    pd.DataFrame(
        {"actor": ["ann", "bob"], "timestamp": ["2024-01-01T10:00Z", "2024-01-02T10:00Z"]}
    ).to_csv(path, index=False)
    with pytest.warns(UserWarning, match="no message text"):
        ev = ca.read_events(path, extract=("urls", "hashtags"))
    assert ev[RESOURCES].isna().all() and ev.attrs["ingest"].notes["events with resources"] == 0
    plain = ca.read_events(path)
    with pytest.raises(SchemaError, match="read without extract="):
        ca.build_network(plain, "resource")  # would be an empty network, silently
    with pytest.raises(SchemaError, match="read without extract="):
        ca.resource_diffusion(plain)


# -- @name mentions in message text ------------------------------------------------------
def test_text_mentions_on_a_hand_made_forum(tmp_path):
    path = _table(
        tmp_path,
        [
            "thanks @bob. and @carl@mastodon.social, not @here",  # ann
            "mail ann@uni.edu or see https://m.social/@ann",  # bob: e-mail, profile link
            '<p>Hi <a class="mention" href="/u/ann">@ann</a> (@dan)</p>',  # cat: Discourse
            "slack syntax <@U123> is structured, not text",  # dan
        ],
    )
    ev = ca.read_events(path, extract=("mentions",))
    assert ev[RESOURCES].fillna("").tolist() == [
        "mention:@bob\nmention:@carl@mastodon.social",
        "mention:https://m.social/@ann",
        "mention:@ann\nmention:@dan",
        "",
    ]
    table = ca.resources(ev)
    assert table[["actor", "kind", "resource"]].values.tolist() == [
        ["ann", "mention", "@bob"],
        ["ann", "mention", "@carl@mastodon.social"],
        ["bob", "mention", "https://m.social/@ann"],
        ["cat", "mention", "@ann"],
        ["cat", "mention", "@dan"],
    ]
    # without "mentions" no @name is kept; "urls" still gives the profile link
    urls = ca.read_events(path, extract=("urls", "hashtags"))
    assert urls[RESOURCES].fillna("").tolist() == ["", "mention:https://m.social/@ann", "", ""]


def test_text_mentions_are_pseudonymised_like_actors(tmp_path):
    path = _table(tmp_path, ["hi @bob and @zed", "see https://m.social/@ann", "x", "y"])
    ev = ca.read_events(path, extract=("urls", "mentions"))
    out = ca.pseudonymize(ev, key=b"k")
    alias = dict(zip(ev["actor"], out["actor"], strict=True))
    zed = ca.pseudonymize(
        ca.make_events(
            pd.DataFrame({"actor": ["zed"], "timestamp": pd.to_datetime(["2024-01-01"], utc=True)})
        ),
        key=b"k",
    )["actor"].iloc[0]
    # the same keyed pseudonym as the person's actor id, whether or not they posted
    assert out[RESOURCES].iloc[0] == f"mention:@{alias['bob']}\nmention:@{zed}"
    assert out[RESOURCES].iloc[1] == f"mention:https://m.social/@{alias['ann']}"
    written = out.to_csv()
    assert not any(name in written for name in ("@bob", "@zed", "@ann", "bob", "zed"))


def test_platform_mention_records_are_not_parsed_again(tmp_path):
    import json

    statuses = [
        {
            "id": "1",
            "created_at": "2024-01-01T10:00:00Z",
            "account": {"id": "10", "acct": "ann", "username": "ann"},
            "content": '<p><span class="h-card"><a href="https://m.social/@bob" '
            'class="u-url mention">@<span>bob</span></a></span> read this</p>',
            "mentions": [{"id": "11", "username": "bob", "acct": "bob"}],
        }
    ]
    path = tmp_path / "statuses.json"
    path.write_text(json.dumps(statuses))
    ev = ca.read_events(path, format="mastodon", extract=("mentions",))
    # Mastodon's mention record made a mention event (target "11"); no text mention too
    assert ev[RESOURCES].isna().all()
    assert ca.resources(ev)[["kind", "resource"]].values.tolist() == [["mention", "11"]]
    # read without the mention events, the text is the only record of the mention
    ev = ca.read_events(path, format="mastodon", extract=("mentions",), mentions=False)
    assert ev[RESOURCES].tolist() == ["mention:@bob"]
