"""Progress of long runs: the stages of a command and a bar for each long read.

The readers stream large inputs (JSON lines, tracking logs, gzip) line by line;
as they go they tell the listener of :func:`read_progress`, when there is one,
how many bytes of the file they have read (:func:`read_reporter`). Nothing
happens unless a ``with read_progress(callback):`` block is open, so a library
read pays one context-variable look-up per file.

:class:`Progress` is what the command line shows on a terminal: one line per
stage (``[  3.1 s] building the network…``) and, for each file that takes
longer than a moment to read, a bar (tqdm) with the bytes read, the rate and the
time left. When its stream is not a terminal (a pipe, a log file, CI) it shows
nothing at all.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TextIO

__all__ = ["Progress", "read_progress", "read_reporter"]

#: ``callback(path, bytes_read, file_size)`` of the open :func:`read_progress` block.
_LISTENER: ContextVar[Callable[[Path, int, int], None] | None] = ContextVar(
    "connectana_read_progress", default=None
)


@contextlib.contextmanager
def read_progress(callback: Callable[[Path, int, int], None]) -> Iterator[None]:
    """Inside the block, readers that stream a file call ``callback(path, done, size)``.

    ``done`` is the number of bytes of the file on disk read so far (compressed
    bytes for a ``.gz`` file), ``size`` the file's size; the last call of a
    file read to its end has ``done == size``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"
    >>> _ = p.write_text('{"a": 1}\\n{"a": 2}\\n')
    >>> seen = []
    >>> with read_progress(lambda path, done, size: seen.append((path.name, done, size))):
    ...     tell = read_reporter(p)  # what a reader does when it opens the file
    ...     tell(9)
    ...     tell(18)
    >>> seen, read_reporter(p) is None  # nobody listens outside the block
    ([('a.jsonl', 9, 18), ('a.jsonl', 18, 18)], True)
    """
    token = _LISTENER.set(callback)
    try:
        yield
    finally:
        _LISTENER.reset(token)


def read_reporter(path: str | os.PathLike) -> Callable[[int], None] | None:
    """The function a reader calls with the bytes of ``path`` read so far, or
    None when nobody listens (no :func:`read_progress` block is open)."""
    listener = _LISTENER.get()
    if listener is None:
        return None
    path = Path(path)
    size = path.stat().st_size
    return lambda done: listener(path, done, size)


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class Progress:
    """Stages and read bars of a long run, shown on a terminal only.

    Parameters
    ----------
    stream : text stream, optional
        Where to show progress (default: ``sys.stderr`` at construction).
    enabled : bool, optional
        Show progress; default: only when ``stream`` is a terminal.
    bar_delay : float
        Seconds a read must take before its bar appears (short reads show none).

    Examples
    --------
    >>> import io
    >>> from connectana.progress import Progress
    >>> out = io.StringIO()  # not a terminal: nothing is shown
    >>> p = Progress(out)
    >>> p("building the network")
    >>> with p.reading():
    ...     pass
    >>> p.enabled, out.getvalue()
    (False, '')
    """

    def __init__(
        self, stream: TextIO | None = None, *, enabled: bool | None = None, bar_delay: float = 0.5
    ) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.enabled = _is_terminal(self.stream) if enabled is None else bool(enabled)
        self.bar_delay = bar_delay
        self.t0 = time.monotonic()

    def __call__(self, stage: str) -> None:
        """Show the start of a stage (one line with the time since the start)."""
        if self.enabled:
            print(f"  [{time.monotonic() - self.t0:5.1f} s] {stage}…", file=self.stream, flush=True)

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """A bar for each file the readers stream inside the block (bytes, rate, time left)."""
        if not self.enabled:
            yield
            return
        from tqdm import tqdm

        bars: dict[Path, Any] = {}

        def show(path: Path, done: int, size: int) -> None:
            bar = bars.get(path)
            if bar is None:
                bar = bars[path] = tqdm(
                    total=size,
                    desc=f"  reading {path.name}",
                    unit="B",
                    unit_scale=True,
                    unit_divisor=1024,
                    file=self.stream,
                    delay=self.bar_delay,
                    mininterval=0.2,
                    dynamic_ncols=True,
                )
            bar.update(done - bar.n)

        try:
            with read_progress(show):
                yield
        finally:
            for bar in bars.values():
                bar.close()
