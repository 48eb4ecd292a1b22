"""Rich display of result objects in Jupyter (``_repr_html_``).

One small HTML builder shared by every result class (the analysis, staff
dependence, tie comparisons, community evolution): a title, then named parts
— a line of text, a Series or a DataFrame shown as a table — so results read
the same way in a notebook as in the report.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import pandas as pd

__all__ = ["result_html"]

_STYLE = "font-size:.9em;margin:.2em 0 .8em 0"


def _part(value: Any, max_rows: int) -> str:
    if isinstance(value, pd.Series):
        value = value.to_frame()
    if isinstance(value, pd.DataFrame):
        shown = value.head(max_rows)
        more = (
            f"<div style='color:#666;font-size:.85em'>… {len(value) - max_rows} more rows</div>"
            if len(value) > max_rows
            else ""
        )
        table = shown.to_html(float_format=lambda x: f"{x:.3g}", border=0, na_rep="–")
        return f"<div style='{_STYLE}'>{table}{more}</div>"
    return f"<div style='{_STYLE}'>{html.escape(str(value))}</div>"


def result_html(
    title: str,
    parts: Sequence[tuple[str, Any]],
    *,
    note: str | None = None,
    max_rows: int = 20,
) -> str:
    """HTML of a result: a bold title, then each ``(label, value)`` part.

    Parameters
    ----------
    title : str
        The result's name (e.g. ``"StaffDependence"``).
    parts : sequence of (str, object)
        A label and a value: a Series or DataFrame (a table of at most
        ``max_rows`` rows), or anything else (shown as text).
    note : str, optional
        A closing line in grey (how to get at the rest).

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.display import result_html
    >>> out = result_html("Demo", [("shares", pd.Series({"a": 0.5})), ("staff", "inst1")])
    >>> out.startswith("<div><b>Demo</b>") and "<td>0.5</td>" in out and "inst1" in out
    True
    """
    body = [f"<div><b>{html.escape(title)}</b>"]
    for label, value in parts:
        body.append(f"<div style='margin-top:.4em'><i>{html.escape(label)}</i></div>")
        body.append(_part(value, max_rows))
    if note:
        body.append(f"<div style='color:#666;font-size:.85em'>{html.escape(note)}</div>")
    body.append("</div>")
    return "".join(body)
