"""Which face the command line shows: a student release offers the student's commands only.

A course_lib that a release wrote (``_release.json``: graded or open) is a student's install: the
instructor's commands (release, grade, report...) need the course repository's sources, bank and tools,
which it does not have, so the command line neither lists nor runs them.
"""

from __future__ import annotations

from course_lib.answers import RELEASE_MODES, release_mode

STUDENT_COMMANDS = ("start",)


def student_install() -> bool:
    """Whether this course_lib is a student's release (not the instructor's checkout)."""
    return release_mode() in RELEASE_MODES
