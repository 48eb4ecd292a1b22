"""Resources in the structured fields of platform records (issue #19).

Some platforms give the links, tags and files of a message beside its text: Slack
``files``/``attachments``/``blocks``, Discourse ``link_counts``, Mastodon ``tags`` and
``card``. These helpers turn one record into ``(kind, value)`` pairs that a reader
puts in the ``resources`` column of its records; :func:`connectana.extract.add_resources`
normalises them with the resources found in the text.
"""

from __future__ import annotations

from typing import Any

__all__ = ["slack_resources", "discourse_resources", "mastodon_resources"]


def _walk_blocks(node: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "link" and isinstance(node.get("url"), str):
            out.append(("url", node["url"]))
        for v in node.values():
            if isinstance(v, (list, dict)):
                _walk_blocks(v, out)
    elif isinstance(node, list):
        for v in node:
            _walk_blocks(v, out)


def slack_resources(message: dict) -> list[tuple[str, str]]:
    """Structured resources of a Slack message: ``files`` (their ids), the links of
    ``attachments`` (unfurls: ``original_url``, ``from_url``, ``title_link``) and the
    ``link`` elements of rich-text ``blocks``.

    Examples
    --------
    >>> from connectana.io.structured import slack_resources
    >>> slack_resources({"files": [{"id": "F1"}],
    ...     "attachments": [{"original_url": "https://x.org/a", "from_url": "https://x.org/a"}],
    ...     "blocks": [{"type": "rich_text", "elements": [{"type": "link", "url": "https://y.org"}]}]})
    [('file', 'F1'), ('url', 'https://x.org/a'), ('url', 'https://y.org')]
    """
    out: list[tuple[str, str]] = []
    for f in message.get("files") or []:
        if isinstance(f, dict) and isinstance(f.get("id"), str):
            out.append(("file", f["id"]))
    for a in message.get("attachments") or []:
        if isinstance(a, dict):
            for key in ("original_url", "from_url", "title_link"):
                if isinstance(a.get(key), str):
                    out.append(("url", a[key]))
    _walk_blocks(message.get("blocks"), out)
    return list(dict.fromkeys(out))


def discourse_resources(post: dict) -> list[tuple[str, str]]:
    """Structured resources of a Discourse post: its ``link_counts`` (``internal``
    links as kind ``internal``).

    Examples
    --------
    >>> from connectana.io.structured import discourse_resources
    >>> discourse_resources({"link_counts": [{"url": "https://x.org", "internal": False},
    ...                                      {"url": "/t/a/2", "internal": True}]})
    [('url', 'https://x.org'), ('internal', '/t/a/2')]
    """
    out = []
    for link in post.get("link_counts") or []:
        if isinstance(link, dict) and isinstance(link.get("url"), str):
            out.append(("internal" if link.get("internal") else "url", link["url"]))
    return out


def mastodon_resources(status: dict) -> list[tuple[str, str]]:
    """Structured resources of a Mastodon status: its ``tags`` (names) and the
    link of its preview ``card``.

    Examples
    --------
    >>> from connectana.io.structured import mastodon_resources
    >>> mastodon_resources({"tags": [{"name": "LAK"}], "card": {"url": "https://x.org/a"}})
    [('hashtag', 'LAK'), ('url', 'https://x.org/a')]
    """
    out = []
    for t in status.get("tags") or []:
        if isinstance(t, dict) and isinstance(t.get("name"), str):
            out.append(("hashtag", t["name"]))
    card = status.get("card")
    if isinstance(card, dict) and isinstance(card.get("url"), str):
        out.append(("url", card["url"]))
    return out
