"""The errors connectana raises.

Every error is a :class:`ConnectanaError`. Errors about input data are
:class:`InputError` (or a subclass) and name, where known, the file, the row or
record, the field, what was found and what was expected, so that a user can go
straight to the offending cell.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConnectanaError",
    "InputError",
    "SchemaError",
    "TimestampError",
    "FormatError",
    "TieLimitError",
    "EngineError",
]


class ConnectanaError(Exception):
    """Base class of every error connectana raises."""


class InputError(ConnectanaError, ValueError):
    """Bad input data.

    Parameters
    ----------
    reason : str
        What is wrong, in words.
    file, row, field : optional
        Where: the file (path or name), the row or record (1-based data row or a
        record id) and the field (column or key).
    found, expected : optional
        What was found and what was expected instead.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: Any = None,
        row: Any = None,
        field: Any = None,
        found: Any = None,
        expected: Any = None,
    ) -> None:
        self.reason = reason
        self.file = None if file is None else str(file)
        self.row = row
        self.field = field
        self.found = found
        self.expected = expected
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.file is not None:
            where.append(f"file {self.file!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        text = ", ".join(where)
        text = f"{text}: {self.reason}" if text else self.reason
        if self.found is not None:
            found = repr(self.found)
            if len(found) > 80:
                found = found[:77] + "..."
            text += f"; found {found}"
        if self.expected is not None:
            text += f"; expected {self.expected}"
        return text


class SchemaError(InputError):
    """A table does not have the columns or dtypes a connectana table must have."""


class TimestampError(InputError):
    """A timestamp column cannot be parsed, or cannot be parsed without a guess."""


class FormatError(InputError):
    """A file is not in the format it was read as (broken JSON, wrong root element, ...)."""


class TieLimitError(ConnectanaError, ValueError):
    """A tie definition would produce more interactions than ``max_ties`` allows.

    ``ties``, ``count`` and ``max_ties`` hold the definition, the number of
    interactions it would give and the limit.
    """

    def __init__(self, message: str, *, ties: str, count: int, max_ties: int) -> None:
        super().__init__(message)
        self.ties = ties
        self.count = count
        self.max_ties = max_ties


class EngineError(ConnectanaError, NotImplementedError):
    """A computation the chosen engine does not do (e.g. a tie definition the Dask engine
    does not compute); the message names the fix. Also a ``NotImplementedError``."""


class ParameterError(InputError):
    """An argument has a value the function does not accept: an unknown name, a value
    out of range, an option that needs another one. Also a ``ValueError``."""


class ParameterTypeError(ConnectanaError, TypeError):
    """An argument has the wrong type. Also a ``TypeError``."""
