"""The bundled sample course: a seeded simulator and its native export files.

:func:`simulate_course` simulates a connectivist course (12 weeks, two
instructors, two TAs and ~80 students) as in-memory tables;
:func:`write_sample_data` writes it in each platform's native export format
(Moodle forum export and log report, Canvas discussion view, WordPress WXR,
Slack export, xAPI statements, Discourse topic) plus three plain tables
(``forum_posts.csv``, ``roster.csv``, ``aliases.csv``). The files are
byte-for-byte reproducible for a seed: ``python -m connectana.datasets``
regenerates ``sample_data/``.

:func:`sample_path` and :func:`load_sample` find the bundled files.

Layout: ``simulate`` (the simulator and :class:`Course`), ``encode`` (byte-exact
CSV/JSON/time helpers shared by the writers), one module per native format
(``tables``, ``moodle``, ``canvas``, ``wordpress``, ``slack``, ``xapi``,
``discourse``) and ``samples`` (writing, finding and the command line).
"""

from __future__ import annotations

from .samples import SAMPLE_FILES, load_sample, main, sample_path, write_sample_data
from .simulate import COURSE_START, Course, simulate_course

__all__ = [
    "COURSE_START",
    "SAMPLE_FILES",
    "Course",
    "simulate_course",
    "write_sample_data",
    "sample_path",
    "load_sample",
    "main",
]
