"""In-memory input: what every reader's *parse* step accepts besides a file.

Every reader is *load* → *parse* → :func:`~connectana.make_events` (as
networkx's ``read_X`` is thin over ``parse_X``): ``read_X(path)`` loads the file
and hands the loaded value to ``parse_X``; :func:`~connectana.read_events` hands
a value already in memory straight to ``parse_X`` (:data:`connectana.io.PARSERS`),
with no temporary file:

* ``table``, ``moodle_forum``, ``moodle_log``: a DataFrame (the forum export
  also as its JSON rows, a list of dicts);
* the JSON formats (``canvas_discussion``, ``canvas_events``, ``discourse``,
  ``edx_forum``, ``edx_tracking``, ``mastodon``, ``xapi``): the parsed JSON — a
  dict (one document, e.g. a ``/context`` or ``/view`` response) or a list (of
  records: statements, events, documents, statuses); a DataFrame is read as its
  rows;
* ``slack``: a ``{channel: [messages]}`` mapping or one channel's list of messages;
* ``wordpress``, ``feed``: the XML as ``bytes``;
* ``moodle_backup``: the ``.mbz`` archive as ``bytes`` or a binary file object
  (read under the same ``max_bytes`` limit as a file).

The ingest report's ``source`` and every error's ``file`` say ``<in-memory ...>``
(or the ``source=`` given to ``parse_X``); records are numbered from 1 in the
order given, so an error names the record. What a reader takes from a file
*name* cannot come from memory: the Canvas topic id when the ``/view`` response
does not hold it (give the topic's JSON with its ``id``), and the ``file:line``
event ids of tracking logs (``memory:<n>`` instead).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd

from ..errors import InputError

__all__ = ["Located", "is_in_memory", "json_value", "located", "memory_label"]


def is_in_memory(value: Any) -> bool:
    """True for input that is not a path or a list of paths.

    Examples
    --------
    >>> from connectana.io.memory import is_in_memory
    >>> is_in_memory("a.csv"), is_in_memory(["a.csv", "b.csv"]), is_in_memory([{"id": 1}])
    (False, False, True)
    """
    if isinstance(value, (str, os.PathLike)):
        return False
    if (
        isinstance(value, (list, tuple))
        and value
        and all(isinstance(v, (str, os.PathLike)) for v in value)
    ):
        return False
    return True


def memory_label(value: Any) -> str:
    """How errors and the report name an in-memory value.

    Examples
    --------
    >>> from connectana.io.memory import memory_label
    >>> memory_label([{}, {}]), memory_label(b"<rss/>")
    ('<in-memory list, 2 records>', '<in-memory bytes>')
    """
    if isinstance(value, pd.DataFrame):
        return f"<in-memory DataFrame, {len(value)} rows>"
    if isinstance(value, (list, tuple)):
        return f"<in-memory list, {len(value)} records>"
    return f"<in-memory {type(value).__name__}>"


def json_value(value: Any) -> Any:
    """Parsed JSON as the JSON readers take it: a DataFrame becomes its rows (a
    list of dicts; times as ISO 8601 text), a tuple a list; dicts and lists are
    returned as they are. Anything else is an :class:`~connectana.errors.InputError`.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.io.memory import json_value
    >>> json_value(pd.DataFrame({"id": ["1"], "n": [2]}))
    [{'id': '1', 'n': 2}]
    """
    if isinstance(value, pd.DataFrame):
        try:
            return json.loads(value.to_json(orient="records", date_format="iso"))
        except (TypeError, ValueError, OverflowError) as exc:
            raise InputError(
                f"the DataFrame cannot be read as JSON records ({exc})",
                file=memory_label(value),
                expected="columns of strings, numbers, times, lists or dicts",
            ) from None
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, (dict, list)):
        return value
    raise InputError(
        f"cannot read a {type(value).__name__}",
        file=memory_label(value),
        expected="a path, parsed JSON (a dict or a list) or a DataFrame",
    )


class Located:
    """Records with where each was read: ``(file, row, value)`` triples.

    What the *load* step of a reader hands to its *parse* step (lazily: a file
    is read as the parser iterates). ``labels`` maps a file to the short name
    event ids are made of (:func:`~connectana.io.common.file_labels`; default:
    the file as given). In-memory records become one with :func:`located`,
    numbered from 1 and labelled ``memory``.
    """

    def __init__(
        self, items: Iterable[tuple[str, int, Any]], labels: dict[str, str] | None = None
    ) -> None:
        self.items = items
        self.labels = labels or {}

    def label(self, file: str) -> str:
        """The short name of ``file`` in event ids."""
        return self.labels.get(file, file)

    def __iter__(self) -> Iterator[tuple[str, int, Any]]:
        return iter(self.items)


def located(value: Any, label: str) -> Located:
    """``value`` as :class:`Located` records: a list gives one record an item
    (numbered from 1), a dict is one record (or a document the reader unpacks).

    Examples
    --------
    >>> from connectana.io.memory import located
    >>> list(located([{"a": 1}, {"a": 2}], "<mem>"))
    [('<mem>', 1, {'a': 1}), ('<mem>', 2, {'a': 2})]
    """
    if isinstance(value, Located):
        return value
    value = json_value(value)
    if isinstance(value, dict):
        return Located([(label, 1, value)], {label: "memory"})
    return Located(((label, i, v) for i, v in enumerate(value, start=1)), {label: "memory"})
