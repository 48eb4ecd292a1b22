"""The bundled sample files: writing them (:func:`write_sample_data`), finding them
(:func:`sample_path`, :func:`load_sample`) and ``python -m connectana.datasets``.

:func:`sample_path` and :func:`load_sample` find the bundled files. They live
in ``sample_data/`` at the root of the source checkout (the package is
installed editable, so ``sample_data/`` sits next to the ``connectana/``
folder); the environment variable ``CONNECTANA_SAMPLE_DATA`` points elsewhere.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import ConnectanaError
from .canvas import write_canvas
from .discourse import write_discourse
from .moodle import write_moodle_forum, write_moodle_logs
from .simulate import simulate_course
from .slack import write_slack
from .tables import write_aliases, write_forum_posts, write_roster
from .wordpress import write_wordpress
from .xapi import write_xapi

#: The files of the sample course and the format each one is read with
#: (``read_events(path, format=...)``); ``roster`` and ``aliases`` are People tables.
SAMPLE_FILES: dict[str, str] = {
    "forum_posts.csv": "table",
    "roster.csv": "roster",
    "aliases.csv": "aliases",
    "moodle_forum_export.csv": "moodle_forum",
    "moodle_logs.csv": "moodle_log",
    "canvas_discussion_view.json": "canvas_discussion",
    "wordpress_blogs.xml": "wordpress",
    "slack_export": "slack",
    "xapi_statements.json": "xapi",
    "discourse_topic.json": "discourse",
}

_README = """\
# sample_data — a synthetic course, in each platform's native export format

Everything here is **generated** by `connectana.datasets` (seed {seed}); no real person is in it.
Regenerate byte for byte with

    python -m connectana.datasets            # or: connectana sample --out sample_data

The course: 12 weeks from Monday 2026-01-12 (UTC), 2 instructors, 2 TAs, {n_students} students
in 6 study groups. Instructors are very active early and fade; replies stay inside study groups
early and bridge groups later; {n_lurkers} lurkers never post (they only view resources); 3 isolated
learners start threads that nobody answers; late joiners enrol in weeks 4-7. People use
different usernames on different platforms: `aliases.csv` maps each platform id to one person.

| file | format (`read_events(..., format=)`) | content |
|---|---|---|
| `forum_posts.csv` | `table` | the course forum: `post_id,parent_id,thread_id,author,created` (ISO, UTC); a few replies come before their parent in file order |
| `roster.csv` | People table | `person,display_name,role,group` (`make_people(..., person="person", role="role", group="group", display_name="display_name")`) |
| `aliases.csv` | - | `person,platform,platform_id` (platforms: moodle, xapi, canvas, wordpress, slack, discourse) |
| `moodle_forum_export.csv` | `moodle_forum` | the same forum as Moodle's Forum > Export (CSV, UTF-8 BOM, `created` in Unix seconds, Moodle user ids) |
| `moodle_logs.csv` | `moodle_log` | Reports > Logs download (English headers, newest first, `dd/mm/yy, HH:MM` in UTC, empty IP address): resource views and forum post events |
| `xapi_statements.json` | `xapi` | the same forum as xAPI statements; replies point to their parent statement with `context.statement` (StatementRef) |
| `canvas_discussion_view.json` | `canvas_discussion` | one Canvas topic, full view JSON (`participants`, recursive `view`, one deleted entry that still has replies) |
| `discourse_topic.json` | `discourse` | one Discourse topic (`post_stream`, `reply_to_post_number`, post-number gaps, a system "closed" post) |
| `wordpress_blogs.xml` | `wordpress` | WXR 1.2 of the course blogs: comments with `comment_parent`, guest comments, pingbacks, one spam comment; site time zone Europe/Paris (dates change offset on 2026-03-29), e-mail addresses are made up `@example.org` ones |
| `slack_export/` | `slack` | Slack export: `users.json`, `channels.json`, one folder per channel with day files; threads with replies in later day files, mentions, reactions, a bot, channel joins |

Sizes: {n_forum} forum posts ({n_replies} replies) in {n_threads} threads, {n_blog} blog posts with
{n_comments} comments, {n_chat} Slack messages, {n_views} LMS view rows.

Notes for reading:

- The Moodle log report carries local times without an offset: read it with `tz="UTC"` (the
  simulated site runs on UTC).
- `aliases.csv` lists the ids the readers produce: Moodle user ids, Canvas user ids, WordPress
  logins, Slack user ids, Discourse user ids *and* usernames, and xAPI accounts as
  `homePage|name`. `connectana.people.apply_aliases(events, "sample_data/aliases.csv")` maps
  them to the roster's `person`.
- The ground truth behind these files is `connectana.datasets.simulate_course(seed=0)`
  (in-memory tables: people, aliases, posts, blog posts and comments, chat, LMS views).

Where the files are found: `connectana.datasets.sample_path(name)` looks in `sample_data/` at
the root of the source checkout (the package is installed in editable mode, so this folder
sits next to `connectana/`), or in the folder named by the environment variable
`CONNECTANA_SAMPLE_DATA`. `connectana.datasets.load_sample()` returns every file's path.
"""


def write_sample_data(folder: str | os.PathLike, *, seed: int = 0) -> list[Path]:
    """Simulate the sample course and write it in each platform's native format.

    Parameters
    ----------
    folder : path-like
        Created if needed; existing sample files in it are overwritten.
    seed : int
        Seed of :func:`simulate_course`.

    Returns
    -------
    list of Path
        The files and folders written (see :data:`SAMPLE_FILES`), plus ``README.md``.

    Notes
    -----
    The output is byte-for-byte reproducible for a seed: JSON keys are sorted,
    no generation time is written, times come from the simulation only and
    CSV files use ``\\n`` line endings.

    Examples
    --------
    >>> import tempfile
    >>> from connectana.datasets import write_sample_data
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     names = sorted(p.name for p in write_sample_data(folder))
    >>> names[:3]
    ['README.md', 'aliases.csv', 'canvas_discussion_view.json']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    course = simulate_course(seed)
    writers = {
        "forum_posts.csv": write_forum_posts,
        "roster.csv": write_roster,
        "aliases.csv": write_aliases,
        "moodle_forum_export.csv": write_moodle_forum,
        "moodle_logs.csv": write_moodle_logs,
        "canvas_discussion_view.json": write_canvas,
        "wordpress_blogs.xml": write_wordpress,
        "slack_export": write_slack,
        "xapi_statements.json": write_xapi,
        "discourse_topic.json": write_discourse,
    }
    written = []
    for name, write in writers.items():
        write(course, folder / name)
        written.append(folder / name)
    forum = course.posts[course.posts["platform"] == "forum"]
    students = course.people[course.people["role"] == "student"]
    readme = _README.format(
        seed=seed,
        n_students=len(students),
        n_lurkers=int((students["kind"] == "lurker").sum()),
        n_forum=len(forum),
        n_replies=int(forum["parent_id"].notna().sum()),
        n_threads=forum["thread_id"].nunique(),
        n_blog=len(course.blog_posts),
        n_comments=int((course.blog_comments["type"] == "comment").sum()),
        n_chat=len(course.chat),
        n_views=len(course.views),
    )
    (folder / "README.md").write_bytes(readme.encode("utf-8"))
    written.append(folder / "README.md")
    return written


# ---------------------------------------------------------------------------------------------
# Finding the bundled files
# ---------------------------------------------------------------------------------------------


def _sample_dir() -> Path:
    """The sample folder: ``$CONNECTANA_SAMPLE_DATA``, the checkout's, or the installed one."""
    env = os.environ.get("CONNECTANA_SAMPLE_DATA")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[2] / "sample_data"
    if checkout.is_dir():  # a source checkout (editable install, or PYTHONPATH)
        return checkout
    # an installed package (wheel): the files are package data, connectana/sample_data
    from importlib.resources import files

    return Path(str(files("connectana") / "sample_data"))


def sample_path(name: str | None = None) -> Path:
    """Path of a bundled sample file (or of the ``sample_data`` folder).

    The folder named by the environment variable ``CONNECTANA_SAMPLE_DATA``;
    else ``sample_data/`` at the root of the source checkout (next to the
    ``connectana/`` package folder, installed editable); else the copy
    installed with the package (package data ``connectana/sample_data``,
    found with :mod:`importlib.resources`), so the sample course is there
    after a plain ``pip install``.

    Parameters
    ----------
    name : str, optional
        A file name of :data:`SAMPLE_FILES` (or ``README.md``); None gives the folder.

    Raises
    ------
    ConnectanaError
        When the folder or the file is missing (regenerate it with
        ``python -m connectana.datasets``).

    Examples
    --------
    >>> from connectana.datasets import sample_path
    >>> sample_path("forum_posts.csv").name
    'forum_posts.csv'
    """
    folder = _sample_dir()
    path = folder if name is None else folder / name
    if not path.exists():
        raise ConnectanaError(
            f"sample data not found at {str(path)!r}; regenerate it with "
            "'python -m connectana.datasets --out <folder>' and set CONNECTANA_SAMPLE_DATA"
        )
    return path


def load_sample() -> dict[str, Path]:
    """Paths of every bundled sample file, keyed by file name.

    Returns
    -------
    dict
        File name → path, in the order of :data:`SAMPLE_FILES`; the format to
        read each one with is ``SAMPLE_FILES[name]``.

    Examples
    --------
    >>> from connectana.datasets import load_sample, SAMPLE_FILES
    >>> paths = load_sample()
    >>> import connectana as ca
    >>> ev = ca.read_events(paths["forum_posts.csv"], format=SAMPLE_FILES["forum_posts.csv"])
    >>> int((ev["action"] == "reply").sum()) > 500
    True
    """
    return {name: sample_path(name) for name in SAMPLE_FILES}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m connectana.datasets [--out DIR] [--seed N]``: regenerate ``sample_data/``.

    Without ``--out`` it writes the bundled folder (:func:`sample_path`); prints
    the paths written and returns 0.

    Examples
    --------
    >>> import tempfile
    >>> from connectana.datasets import main
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     main(["--out", folder])  # doctest: +ELLIPSIS
    /.../forum_posts.csv
    ...
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m connectana.datasets",
        description="Write the synthetic sample course in each platform's native export format.",
    )
    parser.add_argument(
        "--out", default=str(_sample_dir()), help="folder to write (default: %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=0, help="simulation seed (default: 0)")
    args = parser.parse_args(argv)
    for p in write_sample_data(args.out, seed=args.seed):
        print(p)
    return 0
