"""`python -m bot digest` as an operator runs it, against the simulator, the Slack stand-in
and a real database: as real processes where processes matter (runs at once on one
PostgreSQL), and in a thread of this one (same parser, same code) where only the answer
does, which spares the suite a Python start per case."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import bot.digest_cli
from bot.__main__ import _parser
from bot.digest_cli import DigestArgs, run_digest
from bot.settings import Settings
from simulators import RunningSimulator
from simulators.slack_api import RunningSlackStandin
from tests.test_digest_flow import DAY, day_sessions
from tests.test_update_replicas import free_port, serve_env

CHANNEL = "C0DIGEST01"


@dataclass
class Run:
    code: int
    out: str
    err: str


async def digest(
    sim: RunningSimulator,
    slack: RunningSlackStandin,
    database_url: str,
    folder: Path,
    *args: str,
    **env: str,
) -> Run:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "digest",
        *args,
        env={**serve_env(sim, slack, database_url, free_port()), **env},
        cwd=folder,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        out, err = await process.communicate()
    assert process.returncode is not None
    return Run(process.returncode, out.decode(), err.decode())


@pytest.fixture(autouse=True)
def _keep_pytest_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # A run in a thread of this process must not replace pytest's log handlers.
    monkeypatch.setattr(bot.digest_cli, "configure_logging", lambda *_a, **_k: None)
    yield


async def digest_here(
    sim: RunningSimulator,
    slack: RunningSlackStandin,
    database_url: str,
    *args: str,
    **env: str,
) -> Run:
    """The same command line, parsed by the same parser, run in a thread of this process
    with the settings a process would read from `env`."""
    parsed = _parser().parse_args(["digest", *args])
    values = {**serve_env(sim, slack, database_url, free_port()), **env}
    fields = {
        key.lower(): value for key, value in values.items() if key.lower() in Settings.model_fields
    }
    out: list[str] = []
    err: list[str] = []
    code = await asyncio.to_thread(
        run_digest,
        DigestArgs(parsed.date, parsed.channel, parsed.dry_run, parsed.force),
        out.append,
        err.append,
        lambda: Settings.model_validate(fields),
    )
    return Run(code, "".join(f"{line}\n" for line in out), "".join(f"{line}\n" for line in err))


async def test_post_once_then_say_so_then_force(
    sim: RunningSimulator, slack: RunningSlackStandin, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'roomops.db'}"
    expected = day_sessions(sim, DAY, ZoneInfo("Europe/Berlin"))

    dry = await digest_here(
        sim, slack, url, "--date", "2026-11-19", "--dry-run",
        DIGEST_TIMEZONE="Europe/Berlin",
    )  # fmt: skip
    assert dry.code == 0, dry.err
    assert f"Sessions: {expected}" in dry.out and "(Europe/Berlin, SignalWire)" in dry.out
    assert "dry run: nothing posted" in dry.out
    assert slack.calls_to("chat.postMessage") == []

    first = await digest_here(
        sim, slack, url, "--date", "2026-11-19", "--channel", CHANNEL,
        DIGEST_TIMEZONE="Europe/Berlin",
    )  # fmt: skip
    assert first.code == 0, first.err
    assert first.out.strip() == (
        f"digest: posted to {CHANNEL}, 2026-11-19 (Europe/Berlin): "
        f"{expected} sessions, with its chart"
    )
    assert len(slack.channel_messages(CHANNEL)) == 1

    second = await digest_here(
        sim, slack, url, "--date", "2026-11-19", DIGEST_CHANNEL=CHANNEL,
        DIGEST_TIMEZONE="Europe/Berlin",
    )  # fmt: skip
    assert second.code == 0, second.err
    assert (
        "already posted" in second.out and "nothing posted (--force posts it again)" in second.out
    )
    assert len(slack.channel_messages(CHANNEL)) == 1

    forced = await digest_here(
        sim, slack, url, "--date", "2026-11-19", "--channel", CHANNEL, "--force",
        DIGEST_TIMEZONE="Europe/Berlin",
    )  # fmt: skip
    assert forced.code == 0, forced.err and "posted to" in forced.out
    assert len(slack.channel_messages(CHANNEL)) == 2


async def test_the_cli_takes_every_channel_id_serve_takes(
    sim: RunningSimulator, slack: RunningSlackStandin, tmp_path: Path
) -> None:
    short = "C0SHORT"  # well-formed; the CLI's own rule once refused what serve accepted
    assert Settings.model_validate({"digest_channel": short}).digest_channel == short
    run = await digest_here(
        sim, slack, f"sqlite:///{tmp_path / 'r.db'}", "--date", "2026-11-19", "--channel", short
    )
    assert run.code == 0, run.err
    assert run.out.startswith(f"digest: posted to {short}, 2026-11-19")
    assert len(slack.channel_messages(short)) == 1


WRONG = [
    (["--channel", "#general"], "--channel: a channel name (#…) is not accepted; use a Slack"),
    (["--channel", "c0general1"], "--channel: Slack ids are written in capitals; use a Slack"),
    (["--channel", CHANNEL, "--date", "2026-13-01"], "--date must be a date like 2026-11-20"),
    (["--channel", CHANNEL, "--date", "2999-01-01"], "--date 2999-01-01 has not ended yet"),
    (["--date", "2026-11-19"], "digest: no channel: pass --channel C0123456789"),
    (
        ["--channel", "G0PRIVATE1", "--date", "2026-11-19"],
        "--channel G0PRIVATE1: Slack says not_in_channel (is the id right",
    ),
]


async def test_a_wrong_channel_or_date_exits_2_with_one_line(
    sim: RunningSimulator, slack: RunningSlackStandin, tmp_path: Path
) -> None:
    slack.add_channel("G0PRIVATE1", "private", is_private=True, is_member=False)
    # One after the other: Alembic's module-level context is not for threads at once.
    runs = [
        await digest_here(sim, slack, f"sqlite:///{tmp_path / 'r.db'}", *args) for args, _ in WRONG
    ]
    for run, (_, line) in zip(runs, WRONG, strict=True):
        assert run.code == 2
        assert run.err.startswith(line) and run.err.count("\n") == 1, run.err
        assert "Traceback" not in run.err
    # Only the post to the private channel was tried, and it is not on record.
    (tried,) = slack.calls_to("chat.postMessage")
    assert tried.args["channel"] == "G0PRIVATE1"


@pytest.mark.parametrize("migrated_url", ["postgresql"], indirect=True)
async def test_two_runs_at_once_on_one_postgresql_post_once(
    sim: RunningSimulator, slack: RunningSlackStandin, migrated_url: str, tmp_path: Path
) -> None:
    runs = await asyncio.gather(
        *(
            digest(sim, slack, migrated_url, tmp_path, "--date", "2026-11-19", "--channel", CHANNEL)
            for _ in range(2)
        )
    )
    assert all(run.code == 0 for run in runs), [run.err for run in runs]
    posted = [run for run in runs if "digest: posted to" in run.out]
    assert len(posted) == 1, [run.out for run in runs]
    assert all("nothing posted" in run.out for run in runs if run is not posted[0])
    assert len(slack.channel_messages(CHANNEL)) == 1
