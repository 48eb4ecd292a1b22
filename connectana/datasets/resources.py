"""Links and hashtags planted in the sample course's messages (issue #19).

Connectivist learners pass readings, videos and tags around. The simulator
plants links and hashtags in the messages of every platform (Moodle forum,
Canvas, Discourse, the WordPress blogs, Slack) with its *own* random stream
(``numpy.random.default_rng([seed, 19])``): no interaction, timestamp or id of
the course changes; only message texts get longer.

The rule, per platform, in time order: a person writing a message in a unit
(a thread; a blog with its comments; a Slack channel) first *sees* every
link and tag that appeared in that unit before. They then share each thing
they have seen and not yet shared with its *pull* probability — high for the
first few links and tags of :data:`LINKS` and :data:`TAGS`, low for the rest —
and with a small probability introduce a new one (the next unused link or tag
of the platform's shuffled list). So a few resources spread from thread to
thread and many are shared once or twice.

``Course.resources`` is the ground truth: one row per (message, resource) with
``platform`` (``forum``, ``canvas``, ``discourse``, ``blog_post``,
``blog_comment``, ``slack``), ``message`` (post id, comment id or Slack ts),
``person``, ``time``, ``kind`` (``url`` or ``hashtag``), ``resource`` (as
:func:`connectana.urls.normalize_url` or the case-folded tag gives it) and
``written`` (as it appears in the text, with ``www.``, tracking parameters or
fragments to normalise).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["LINKS", "TAGS", "plant_resources", "snippet"]

#: Links the simulated learners share: (as written, normalised, anchor text).
LINKS: tuple[tuple[str, str, str], ...] = (
    ("https://www.downes.ca/post/38653", "https://downes.ca/post/38653", "connective knowledge"),
    (
        "https://en.wikipedia.org/wiki/Connectivism?utm_source=course",
        "https://en.wikipedia.org/wiki/Connectivism",
        "Connectivism",
    ),
    (
        "https://www.youtube.com/watch?v=PMhFEmWxJ4k&t=30s",
        "https://youtube.com/watch?v=PMhFEmWxJ4k",
        "Siemens talk",
    ),
    (
        "http://www.elearnspace.org/Articles/connectivism.htm",
        "http://elearnspace.org/Articles/connectivism.htm",
        "Siemens 2004",
    ),
    (
        "https://www.irrodl.org/index.php/irrodl/article/view/523/",
        "https://irrodl.org/index.php/irrodl/article/view/523",
        "IRRODL paper",
    ),
    ("https://igraph.org/r/#docs", "https://igraph.org/r", "igraph"),
    (
        "https://networkx.org/documentation/stable/",
        "https://networkx.org/documentation/stable",
        "networkx docs",
    ),
    (
        "https://doi.org/10.18608/jla.2018.52.3",
        "https://doi.org/10.18608/jla.2018.52.3",
        "tie paper",
    ),
    (
        "https://www.solaresearch.org/core/handbook-of-learning-analytics/",
        "https://solaresearch.org/core/handbook-of-learning-analytics",
        "LA handbook",
    ),
    ("https://gephi.org/users/quick-start/", "https://gephi.org/users/quick-start", "Gephi"),
    (
        "https://www.zotero.org/groups/connectivism?fbclid=XYZ",
        "https://zotero.org/groups/connectivism",
        "Zotero group",
    ),
    ("https://ds106.us/", "https://ds106.us", "ds106"),
    ("https://arxiv.org/abs/1703.05174", "https://arxiv.org/abs/1703.05174", "preprint"),
    (
        "https://snap.stanford.edu/data/CollegeMsg.html",
        "https://snap.stanford.edu/data/CollegeMsg.html",
        "CollegeMsg data",
    ),
    ("https://www.nature.com/articles/30918", "https://nature.com/articles/30918", "small worlds"),
    ("https://github.com/igraph/rigraph", "https://github.com/igraph/rigraph", "rigraph"),
    (
        "https://www.coursera.org/learn/social-network-analysis",
        "https://coursera.org/learn/social-network-analysis",
        "SNA course",
    ),
    (
        "https://theconversation.com/learning-in-networks-4711",
        "https://theconversation.com/learning-in-networks-4711",
        "article",
    ),
    (
        "https://mitpress.mit.edu/books/networks-crowds-and-markets",
        "https://mitpress.mit.edu/books/networks-crowds-and-markets",
        "Networks book",
    ),
    (
        "https://cmooc.example.net/week-3-reading.pdf",
        "https://cmooc.example.net/week-3-reading.pdf",
        "week 3 reading",
    ),
)
LINKS += tuple(  # readings that one or two people share
    (
        f"https://www.readings.example.org/item/{k}/?ref=feed#p2",
        f"https://readings.example.org/item/{k}",
        f"reading {k}",
    )
    for k in range(1, 41)
)
#: Hashtags (as written; the resource is the case-folded tag without ``#``).
TAGS: tuple[str, ...] = (
    "#Connectivism",
    "#CCK26",
    "#LAK",
    "#NetworkThinking",
    "#OpenEd",
    "#PLN",
    "#SNA",
    "#edtech",
    "#MOOC",
    "#rhizo",
    "#digped",
    "#ds106",
) + tuple(f"#Idea{k}" for k in range(1, 21))
#: Chance that a person who has seen the i-th link / tag shares it in a message.
LINK_PULL: tuple[float, ...] = (0.15, 0.1, 0.06, 0.04) + (0.01,) * (len(LINKS) - 4)
TAG_PULL: tuple[float, ...] = (0.12, 0.08, 0.05) + (0.008,) * (len(TAGS) - 3)
#: Chance that a message introduces a new link / tag, per platform.
_INTRODUCE = {
    "forum": (0.03, 0.015),
    "canvas": (0.12, 0.08),
    "discourse": (0.15, 0.1),
    "blog_post": (0.2, 0.15),
    "blog_comment": (0.04, 0.03),
    "slack": (0.03, 0.02),
}


def _plant(rng: np.random.Generator, messages: list[tuple], rates: dict) -> dict:
    """{message key: [(kind, index), ...]} for ``messages`` = (key, time, person, unit, rate
    key) of one platform (module docstring)."""
    order = sorted(range(len(messages)), key=lambda i: (messages[i][1], i))
    links = [int(x) for x in rng.permutation(len(LINKS))]
    tags = [int(x) for x in rng.permutation(len(TAGS))]
    seen_in: dict[Any, dict] = {}
    exposed: dict[str, dict] = {}
    shared: set = set()
    out = {}
    for i in order:
        key, _, person, unit, rate = messages[i]
        mine = exposed.setdefault(person, {})
        for thing in seen_in.get(unit, ()):
            mine.setdefault(thing, None)
        planted = []
        for thing in mine:
            if (person, thing) not in shared:
                pull = LINK_PULL[thing[1]] if thing[0] == "url" else TAG_PULL[thing[1]]
                if rng.random() < pull:
                    planted.append(thing)
        p_link, p_tag = rates[rate]
        if links and rng.random() < p_link:
            planted.append(("url", links.pop(0)))
        if tags and rng.random() < p_tag:
            planted.append(("hashtag", tags.pop(0)))
        for thing in planted:
            shared.add((person, thing))
            seen_in.setdefault(unit, {})[thing] = None
        if planted:
            out[key] = planted
    return out


def snippet(planted: pd.DataFrame, *, slack: bool = False) -> str:
    """The text a message gains: HTML anchors (Slack ``<url|label>``) and ``#tags``."""
    parts = []
    for r in planted.itertuples(index=False):
        if r.kind == "hashtag":
            parts.append(r.written)
        else:
            label = next(t for w, _, t in LINKS if w == r.written)
            parts.append(
                f"<{r.written}|{label}>" if slack else f'<a href="{r.written}">{label}</a>'
            )
    return (" " + " ".join(parts)) if parts else ""


def _slack_time(ts: str) -> pd.Timestamp:
    """A Slack ``ts`` (``"<seconds>.<microseconds>"``) as an exact UTC time."""
    secs, _, micro = ts.partition(".")
    return pd.Timestamp(int(secs), unit="s", tz="UTC") + pd.Timedelta(microseconds=int(micro or 0))


def _with(text: str, extra: str) -> str:
    if not extra:
        return text
    if text.endswith("</p>"):
        return text[:-4] + extra + "</p>"
    return text + extra


def plant_resources(course: Any) -> pd.DataFrame:
    """Plant links and hashtags in ``course`` (its ``posts`` and ``chat`` texts) and
    return the ground-truth table (module docstring); the blog writer adds the
    blogs' snippets when it writes the contents."""
    rng = np.random.default_rng([course.seed, 19])
    platforms: dict[str, list[tuple]] = {"forum": [], "canvas": [], "discourse": []}
    for r in course.posts.itertuples(index=False):
        if not r.deleted:
            platforms[r.platform].append(
                ((r.platform, r.post_id), r.created, r.author, r.thread_id, r.platform)
            )
    blogs = []
    for r in course.blog_posts.itertuples(index=False):
        blogs.append((("blog_post", r.post_id), r.created, r.author, r.post_id, "blog_post"))
    for r in course.blog_comments.itertuples(index=False):
        if r.type == "comment" and r.approved == "1" and isinstance(r.author, str):
            key = ("blog_comment", r.comment_id)
            blogs.append((key, r.created, r.author, r.post_id, "blog_comment"))
    chat = []
    for r in course.chat.itertuples(index=False):
        if isinstance(r.user, str) and not isinstance(r.subtype, str):
            chat.append((("slack", r.ts), float(r.ts), r.user, r.channel, "slack"))
    rows = []
    for messages in (*platforms.values(), blogs, chat):
        when = {m[0]: (m[1], m[2]) for m in messages}
        for key, things in _plant(rng, messages, _INTRODUCE).items():
            t, person = when[key]
            for kind, i in things:
                if kind == "url":
                    written, resource, _ = LINKS[i]
                else:
                    written, resource = TAGS[i], TAGS[i][1:].casefold()
                rows.append((*key, person, t, kind, resource, written))
    table = pd.DataFrame(
        rows, columns=["platform", "message", "person", "time", "kind", "resource", "written"]
    )
    table["time"] = [
        _slack_time(m) if p == "slack" else t
        for p, m, t in table[["platform", "message", "time"]].itertuples(index=False)
    ]
    by_message = {key: g for key, g in table.groupby(["platform", "message"], sort=False)}
    for frame, platform_of, id_col, slack in (
        (course.posts, "platform", "post_id", False),
        (course.chat, None, "ts", True),
    ):
        col = frame.columns.get_loc("text")
        ids = frame[id_col].to_numpy(dtype=object)
        where = frame[platform_of].to_numpy(dtype=object) if platform_of else ["slack"] * len(ids)
        for i, (platform, mid) in enumerate(zip(where, ids, strict=True)):
            mine = by_message.get((platform, mid))
            if mine is not None:
                frame.iat[i, col] = _with(frame.iat[i, col], snippet(mine, slack=slack))
    return table.reset_index(drop=True)
