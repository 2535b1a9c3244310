"""The demo console as people use it: `python -m bot demo` in a terminal (a pty) or with
commands piped in; and the `demo` command-line options."""

from __future__ import annotations

import contextlib
import io
import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.demo import run_demo
from bot.demo.console import pick_button
from bot.demo.render_text import Button
from bot.settings import Settings

PROMPT = "roomops> "
EXIT_SECONDS = 5.0


def demo_argv() -> list[str]:
    return [sys.executable, "-m", "bot", "demo", "--sessions", "300"]


def demo_env(home: Path) -> dict[str, str]:
    # The history file goes to a temporary home; settings from the developer's shell are
    # ignored by the demo anyway, but are left out so nothing can leak into a failure.
    settings = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k not in settings}
    return {**env, "HOME": str(home), "PYTHONUNBUFFERED": "1", "TERM": "xterm"}


def wait_until_waiting_for_input(pid: int, timeout: float = 10.0) -> None:
    """Until the main thread sleeps in its read. CPython notices a signal that lands between
    writing the prompt and entering the read only once a line arrives: a person cannot hit
    that window, a test sending SIGINT on seeing the prompt can."""
    stat = Path(f"/proc/{pid}/task/{pid}/stat")
    if not stat.exists():  # no procfs: a person's pause instead
        time.sleep(1.0)
        return
    deadline = time.monotonic() + timeout
    asleep = 0
    while asleep < 4 and time.monotonic() < deadline:
        state = stat.read_text().rsplit(")", 1)[1].split()[0]
        asleep = asleep + 1 if state == "S" else 0
        time.sleep(0.05)


def replies_by_line(output: str) -> list[tuple[str, str]]:
    """Piped mode echoes each line after the prompt: (line, what followed it)."""
    pairs = []
    for chunk in output.split(f"\n{PROMPT}")[1:]:
        line, _, rest = chunk.partition("\n")
        pairs.append((line, rest))
    return pairs


# -- pressing buttons ---------------------------------------------------------------------

BUTTONS = [Button("Details", {"action_id": "a"}), Button("More", {"action_id": "b"})]


def test_press_alone_presses_the_only_button() -> None:
    only = [Button("Recent sessions", {"action_id": "r"})]
    assert pick_button("", only) == (1, only[0])


def test_press_alone_with_several_buttons_lists_them() -> None:
    answer = pick_button("", BUTTONS)
    assert answer == "Which button? Type press N, one of:\n  [1] Details\n  [2] More"


@pytest.mark.parametrize("which", ["3", "0", "x", "-1", "²"])
def test_an_unknown_button_says_which_exist(which: str) -> None:
    answer = pick_button(which, BUTTONS)
    assert isinstance(answer, str)
    assert answer == (
        f"There is no button {which}; the last reply has 2 buttons (press 1 to 2).\n"
        "  [1] Details\n  [2] More"
    )


@pytest.mark.parametrize(("which", "number"), [("1", 1), ("2", 2), ("[2]", 2), (" 1 ", 1)])
def test_a_button_number_picks_it(which: str, number: int) -> None:
    assert pick_button(which, BUTTONS) == (number, BUTTONS[number - 1])


def test_press_before_any_button_says_so() -> None:
    assert pick_button("", []) == "There is no button to press yet; try /rooms sessions first."
    assert pick_button("5", []) == "There is no button 5; the last reply has no buttons."


def test_press_through_piped_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    # The piped console through `run_demo`, in this process (Ctrl-C on piped input below
    # runs it as a process); its logging set-up would replace the test's own.
    monkeypatch.setattr("bot.demo.configure_logging", lambda *args, **kwargs: None)
    lines = [
        "/rooms room standup",  # one button: Recent sessions
        "press",
        "/rooms sessions limit=1",  # two buttons: Details, More
        "press",
        "press 9",
    ]
    shown: list[str] = []
    code = run_demo(
        session_count=300,
        stdin=io.StringIO("".join(f"{line}\n" for line in lines)),
        out=shown.append,
    )
    assert code == 0
    output = "\n".join(shown)
    assert "Traceback" not in output
    replies = replies_by_line(output)
    assert [line for line, _ in replies] == lines
    assert replies[1][1].startswith("(pressing [1] Recent sessions)\n")
    assert "== Room sessions ==" in replies[1][1]
    assert replies[3][1].startswith("Which button? Type press N, one of:\n  [1] Details\n")
    assert replies[4][1].startswith("There is no button 9; the last reply has 2 buttons")
    assert "\n  [2] More" in replies[4][1]


# -- leaving: Ctrl-C and Ctrl-D -------------------------------------------------------------


class Terminal:
    """`python -m bot demo` on a pseudo-terminal, as a person runs it."""

    def __init__(self, home: Path) -> None:
        self.master, self.slave = pty.openpty()
        self.process = subprocess.Popen(
            demo_argv(),
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            env=demo_env(home),
            cwd=home,
            start_new_session=True,  # its own terminal, so SIGINT goes to it alone
        )
        self.output = ""

    def read_until(self, marker: str, *, count: int = 1, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while self.output.count(marker) < count:
            left = deadline - time.monotonic()
            assert left > 0, f"no {marker!r} within {timeout} s; saw:\n{self.output}"
            self._read(min(left, 0.2))

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait_exit(self, timeout: float) -> int | None:
        """The exit code, or None if it was still running after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.05)
        self._read(0.2)  # what it wrote on the way out
        return self.process.poll()

    def echoes(self) -> bool:
        """Whether the terminal was left as a shell expects it: echoing, line by line."""
        flags = termios.tcgetattr(self.slave)[3]
        return bool(flags & termios.ECHO) and bool(flags & termios.ICANON)

    def _read(self, seconds: float) -> None:
        ready, _, _ = select.select([self.master], [], [], seconds)
        if ready:
            with contextlib.suppress(OSError):  # the other side has closed
                self.output += os.read(self.master, 65536).decode(errors="replace")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    running = Terminal(tmp_path)
    try:
        yield running
    finally:
        running.close()


def test_ctrl_c_at_the_prompt_leaves_at_once(terminal: Terminal) -> None:
    terminal.read_until(PROMPT)
    wait_until_waiting_for_input(terminal.process.pid)
    os.kill(terminal.process.pid, signal.SIGINT)
    code = terminal.wait_exit(EXIT_SECONDS)
    assert code is not None, f"still running {EXIT_SECONDS} s after Ctrl-C:\n{terminal.output}"
    assert code == 130
    assert "Interrupted; closing the demo." in terminal.output
    assert "Traceback" not in terminal.output
    assert terminal.echoes()


def test_ctrl_c_while_reading_piped_input_leaves_at_once(tmp_path: Path) -> None:
    process = subprocess.Popen(
        demo_argv(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=demo_env(tmp_path),
        cwd=tmp_path,
        text=True,
    )
    try:
        assert process.stdout is not None
        # The banner's last line: the console is waiting for input now.
        while "to leave." not in process.stdout.readline():
            assert process.poll() is None
        wait_until_waiting_for_input(process.pid)
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=EXIT_SECONDS)
        output = process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
    assert code == 130
    assert "Interrupted; closing the demo." in output
    assert "Traceback" not in output


def test_arrow_keys_recall_history_and_ctrl_d_leaves(terminal: Terminal, tmp_path: Path) -> None:
    terminal.read_until(PROMPT)
    terminal.type("/rooms help\r")
    terminal.read_until("== RoomOps: /rooms ==")
    terminal.read_until(PROMPT, count=2)
    terminal.type("\x1b[A\r")  # up arrow: the line before, again
    terminal.read_until("== RoomOps: /rooms ==", count=2)
    terminal.read_until(PROMPT, count=3)
    terminal.type("\x04")  # Ctrl-D
    code = terminal.wait_exit(EXIT_SECONDS)

    assert code == 0, terminal.output
    assert "^[[A" not in terminal.output
    assert "Traceback" not in terminal.output
    assert terminal.echoes()
    history = (tmp_path / ".roomops_history").read_text()
    assert "/rooms help" in history.splitlines()


# -- command-line options -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["-5", "0", "1000001", "many"])
def test_demo_sessions_out_of_range_is_a_usage_error(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["demo", "--sessions", value])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        "roomops demo: error: argument --sessions: "
        "must be a whole number from 1 to 1000000, e.g. --sessions 6000"
    )
    assert "Traceback" not in err
