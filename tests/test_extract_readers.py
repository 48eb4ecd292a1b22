"""Extraction works for every reader whose platform carries links or tags.

Each test takes the reader's hand-made fixture of ``tests/data``, writes links and tags
into one message (HTML ``href``s, plain URLs, structured fields) and counts what
``read_events(..., extract=True)`` finds. The real exports that carry links (WordPress,
Slack, Discourse) are counted by hand in ``tests/test_extract.py``.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd

import connectana as ca
from connectana.extract import RESOURCES


def _tokens(ev: pd.DataFrame) -> list[list[str]]:
    """The resources of the events that have any, each as a list of tokens."""
    return [v.split("\n") for v in ev[RESOURCES].dropna()]


def test_edx_forum_body_html_and_markdown(data_dir, tmp_path):
    lines = (data_dir / "edx" / "forum.mongo").read_text().splitlines()
    doc = json.loads(lines[0])
    doc["body"] = (
        'See [notes](https://x.org/n?utm_source=a) and <a href="https://y.org/p/">y</a> #MOOC'
    )
    path = tmp_path / "forum.mongo"
    path.write_text("\n".join([json.dumps(doc), *lines[1:]]) + "\n")
    ev = ca.read_events(path, format="edx_forum", extract=True)
    # the anchor first, then the Markdown link of the visible text (its ")" left out)
    assert _tokens(ev) == [["url:https://y.org/p", "url:https://x.org/n", "hashtag:mooc"]]
    assert ev.loc[ev[RESOURCES].notna(), "event_id"].tolist() == ["c1"]
    assert "text" not in ev.columns


def test_canvas_live_events_message_html(data_dir, tmp_path):
    lines = (data_dir / "canvas" / "events.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    first["body"]["text"] = '<p>Read <a href="https://x.org/a">this</a> #LAK, www.z.org/q.</p>'
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")
    ev = ca.read_events(path, format="canvas_events", extract=True)
    assert _tokens(ev) == [["url:https://x.org/a", "url:http://z.org/q", "hashtag:lak"]]


def test_feed_post_content_links(data_dir, tmp_path):
    folder = tmp_path / "rss"
    shutil.copytree(data_dir / "wordpress" / "feeds" / "rss", folder)
    posts = folder / "posts.rss"
    text = posts.read_text()
    assert text.count("<p>Hello network</p>") == 1
    posts.write_text(
        text.replace(
            "<p>Hello network</p>",
            '<p>Hello <a href="https://x.org/b#part">network</a> #CCK11</p>',
        )
    )
    ev = ca.read_events(folder, format="feed", extract=True)
    assert _tokens(ev) == [["url:https://x.org/b", "hashtag:cck11"]]


def test_slack_attachments_unfurls_and_text_links(data_dir, tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(data_dir / "slack" / "export", folder)
    day = folder / "general" / "2024-03-01.json"
    messages = json.loads(day.read_text())
    messages[0]["text"] = "Welcome, see <https://y.org/z|the slides> #intro"
    messages[0]["attachments"] = [  # an unfurl: the same link twice, tracker removed
        {
            "original_url": "https://x.org/unfurl?utm_source=slack",
            "from_url": "https://x.org/unfurl",
        }
    ]
    day.write_text(json.dumps(messages))
    ev = ca.read_events(folder, format="slack", extract=True)
    # structured fields first, then the text (mrkdwn link, hashtag)
    assert _tokens(ev) == [["url:https://x.org/unfurl", "url:https://y.org/z", "hashtag:intro"]]


def test_discourse_link_counts_beyond_the_cooked_html(data_dir, tmp_path):
    topic = json.loads((data_dir / "discourse" / "topic.json").read_text())
    post = topic["post_stream"]["posts"][0]
    assert post["cooked"] == "<p>Hello all</p>"  # no link in the HTML
    post["link_counts"] = [
        {"url": "https://x.org/only-in-link-counts", "internal": False, "clicks": 3},
        {"url": "/t/other-topic/9", "internal": True, "clicks": 1},
    ]
    path = tmp_path / "topic.json"
    path.write_text(json.dumps(topic))
    ev = ca.read_events(path, format="discourse", extract=True)
    assert _tokens(ev) == [["url:https://x.org/only-in-link-counts", "internal:/t/other-topic/9"]]


def test_xapi_result_response(data_dir, tmp_path):
    statement = json.loads((data_dir / "xapi" / "single.json").read_text())
    statement["result"] = {"response": "my answer cites https://x.org/r and #xapi"}
    path = tmp_path / "statement.json"
    path.write_text(json.dumps(statement))
    ev = ca.read_events(path, format="xapi", extract=True)
    assert _tokens(ev) == [["url:https://x.org/r", "hashtag:xapi"]]
