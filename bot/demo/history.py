"""Line editing for the console's prompt: arrow keys, Ctrl-R and a history kept across runs.

Only for a terminal: with piped input there is nothing to edit, and readline could write
terminal control codes into the output.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

HISTORY_NAME = ".roomops_history"
HISTORY_LENGTH = 1000


def default_history_path() -> Path | None:
    """In the home folder, like a shell's: the demo runs from any working folder."""
    try:
        return Path.home() / HISTORY_NAME
    except RuntimeError:  # no home folder to be found: history for this run only
        return None


@contextmanager
def line_editing(history: Path | None) -> Iterator[None]:
    """`input()` edits lines with readline while inside; the history is saved on the way out.
    A history file that cannot be read or written costs only the history."""
    try:
        import readline
    except ImportError:  # a Python built without it: plain input() still works
        yield
        return
    readline.set_history_length(HISTORY_LENGTH)
    if history is not None:
        with suppress(OSError):
            readline.read_history_file(history)
    try:
        yield
    finally:
        if history is not None:
            with suppress(OSError):
                readline.write_history_file(history)
