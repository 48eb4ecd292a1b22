"""Privacy end to end: run the whole pipeline on a course full of known names, e-mail
addresses, IP addresses and ids, and check that none of them appears in any byte written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import connectana as ca  # noqa: E402
from connectana.cli import main  # noqa: E402

# Things that must never be written (ids, names, e-mails, IPs, message text).
SECRETS = [
    "zorblax_anna",
    "quinforth_ben",
    "vexmoor_cleo",
    "Anna Zorblax",
    "Ben Quinforth",
    "Cleo Vexmoor",
    "Dmitri Guestwalker",
    "anna.zorblax@uni.example",
    "ben.q@uni.example",
    "dmitri.gw@mail.example",
    "203.0.113.77",
    "198.51.100.23",
    "SECRET-MESSAGE-TEXT",
    "a-secret-key-nobody-sees",
    b"a-secret-key-nobody-sees".hex(),  # the key as it is stored in its file
    # roster columns on no drop list (#15: written next to the pseudonym before)
    "Zorblaxovich",
    "MATRIKEL-4471",
    "CANARY-ROSTER-NOTE",
]

# Input folders appear in no output file (base names at most); the terminal may show them.
FOLDER = "Zorblax-private-folder"

FORUM = """post_id,parent_id,thread_id,author,created,message
1,,t1,zorblax_anna,2026-01-12T10:00:00Z,SECRET-MESSAGE-TEXT one
2,1,t1,quinforth_ben,2026-01-13T10:00:00Z,SECRET-MESSAGE-TEXT two
3,2,t1,vexmoor_cleo,2026-01-14T10:00:00Z,SECRET-MESSAGE-TEXT three
4,1,t1,quinforth_ben,2026-01-20T10:00:00Z,SECRET-MESSAGE-TEXT four
5,,t2,vexmoor_cleo,2026-01-21T10:00:00Z,SECRET-MESSAGE-TEXT five
6,5,t2,zorblax_anna,2026-01-22T10:00:00Z,SECRET-MESSAGE-TEXT six
"""

ROSTER = """person,display_name,role,group,email,Apellidos,matrikel,remarks
zorblax_anna,Anna Zorblax,instructor,g1,anna.zorblax@uni.example,Zorblaxovich,MATRIKEL-4471,
quinforth_ben,Ben Quinforth,student,g1,ben.q@uni.example,Quinforthez,MATRIKEL-4472,
vexmoor_cleo,Cleo Vexmoor,student,g2,,Vexmoorova,MATRIKEL-4473,CANARY-ROSTER-NOTE
"""

WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Course blog</title>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://blog.example</wp:base_site_url>
  <wp:author><wp:author_id>7</wp:author_id><wp:author_login>annaz</wp:author_login>
    <wp:author_email>anna.zorblax@uni.example</wp:author_email>
    <wp:author_display_name>Anna Zorblax</wp:author_display_name></wp:author>
  <item>
    <title>Week 1 reflections</title>
    <dc:creator>annaz</dc:creator>
    <content:encoded>SECRET-MESSAGE-TEXT blog</content:encoded>
    <wp:post_id>10</wp:post_id>
    <wp:post_date_gmt>2026-01-15 09:00:00</wp:post_date_gmt>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
    <wp:comment>
      <wp:comment_id>100</wp:comment_id>
      <wp:comment_author>Dmitri Guestwalker</wp:comment_author>
      <wp:comment_author_email>dmitri.gw@mail.example</wp:comment_author_email>
      <wp:comment_author_IP>203.0.113.77</wp:comment_author_IP>
      <wp:comment_date_gmt>2026-01-15 10:00:00</wp:comment_date_gmt>
      <wp:comment_content>SECRET-MESSAGE-TEXT comment</wp:comment_content>
      <wp:comment_approved>1</wp:comment_approved>
      <wp:comment_type>comment</wp:comment_type>
      <wp:comment_parent>0</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>101</wp:comment_id>
      <wp:comment_author>Ben Quinforth</wp:comment_author>
      <wp:comment_author_email>ben.q@uni.example</wp:comment_author_email>
      <wp:comment_author_IP>198.51.100.23</wp:comment_author_IP>
      <wp:comment_date_gmt>2026-01-16 10:00:00</wp:comment_date_gmt>
      <wp:comment_content>SECRET-MESSAGE-TEXT reply</wp:comment_content>
      <wp:comment_approved>1</wp:comment_approved>
      <wp:comment_type>comment</wp:comment_type>
      <wp:comment_parent>100</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>
  </item>
</channel>
</rss>
"""


@pytest.fixture
def course(tmp_path: Path) -> dict[str, Path]:
    src = tmp_path / FOLDER  # a folder named after a person: written nowhere (#15)
    src.mkdir()
    files = {
        "forum": src / "forum.csv",
        "roster": src / "roster.csv",
        "blog": src / "blog.xml",
        "aliases": src / "aliases.csv",
        "key": src / "course.key",
    }
    files["forum"].write_text(FORUM)
    files["roster"].write_text(ROSTER)
    files["blog"].write_text(WXR)
    files["key"].write_text(b"a-secret-key-nobody-sees".hex() + "\n")
    files["key"].chmod(0o600)
    blog = ca.read_events(files["blog"], format="wordpress")
    guest = next(a for a in blog["actor"] if a.startswith("guest:") and "ben" in a)
    files["aliases"].write_text(
        "person,platform,platform_id\n"
        "zorblax_anna,table,zorblax_anna\nquinforth_ben,table,quinforth_ben\n"
        "vexmoor_cleo,table,vexmoor_cleo\nzorblax_anna,wordpress,annaz\n"
        f"quinforth_ben,wordpress,{guest}\n"
    )
    return files


def _readable(path: Path) -> str:
    """Everything a file says, decompressed where needed (Parquet)."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        meta = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
        return table.to_pandas().to_csv() + json.dumps(meta)
    return path.read_bytes().decode("utf-8", errors="replace")


def _leaks(folder: Path) -> list[tuple[str, str]]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = _readable(path)
        for secret in [*SECRETS, FOLDER]:
            if re.search(re.escape(secret), text, flags=re.I):
                found.append((path.name, secret))
    return found


def test_nothing_identifying_is_written_anywhere(course, tmp_path, capsys):
    out = tmp_path / "out"
    key = ["--key-file", str(course["key"])]
    both = [str(course["forum"]), str(course["blog"]), "--format", "table", "--format",
            "wordpress", "--aliases", str(course["aliases"])]  # fmt: skip
    assert main(["report", *both, "--roster", str(course["roster"]), "--out", str(out / "report"),
                 "--start", "2026-01-12T00:00Z", *key]) == 0  # fmt: skip
    assert main(["ingest", *both, "--out", str(out / "events.parquet"),
                 "--set-aside", str(out / "aside.csv"), *key]) == 0  # fmt: skip
    for to, name in (("gexf", "net.gexf"), ("graphml", "net.graphml"), ("csv", "tables")):
        assert main(["export", str(course["forum"]), "--format", "table", "--to", to,
                     "--roster", str(course["roster"]), "--out", str(out / name), *key]) == 0  # fmt: skip
    printed = capsys.readouterr()

    # the library's own writers, used as a notebook would, with a key
    from connectana import export, plotting
    from connectana.interactive import write_html
    from connectana.metrics.engagement import engagement, write_engagement

    forum = ca.read_events(course["forum"])
    people = ca.read_people(course["roster"])
    net = ca.build_network(forum, people=people)
    pnet = ca.pseudonymize(net, key_file=course["key"])
    export.write_tables(pnet, out / "lib_tables", format="parquet")
    export.to_gexf(pnet, out / "lib.gexf", dynamic=True)
    write_engagement(
        engagement(forum, people=people, key_file=course["key"]), out / "engagement.xlsx"
    )
    # a names view alive in the process must not end up in the pseudonymised file (#15)
    from connectana.interactive import interactive

    names_view = interactive(net, labels="names", key_file=course["key"])
    write_html(net, out / "view.html", key_file=course["key"])
    names_view.close()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text stays text in the SVG
        ax = plotting.sociogram(net, key_file=course["key"])
        ax.figure.savefig(out / "sociogram.svg")
        ax = plotting.plot_engagement_heatmap(
            engagement(forum, people=people, names=True), "posts", key_file=course["key"]
        )
        ax.figure.savefig(out / "heatmap.svg")

    written = sorted(p.name for p in out.rglob("*") if p.is_file())
    assert {
        "report.html",
        "engagement.csv",
        "isolated.csv",
        "events.parquet",
        "net.gexf",
        "view.html",
    } <= set(  # fmt: skip
        written
    )
    assert _leaks(out) == []
    for secret in SECRETS:
        assert secret not in printed.out and secret not in printed.err
    # and the key file never moved into an output folder
    assert not list(out.rglob("*.key"))


def test_names_appear_only_when_asked(course, tmp_path):
    out = tmp_path / "named"
    assert main(["report", str(course["forum"]), "--format", "table", "--roster",
                 str(course["roster"]), "--out", str(out), "--names"]) == 0  # fmt: skip
    text = (out / "report.html").read_text()
    assert "Cleo Vexmoor" in text or "vexmoor_cleo" in text
    # even with names, e-mail addresses and message text are never kept
    for secret in ("anna.zorblax@uni.example", "SECRET-MESSAGE-TEXT"):
        assert secret not in text
    assert pd.read_csv(out / "engagement.csv")["person"].notna().all()
