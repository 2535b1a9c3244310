"""`check-config` reaches Slack and the provider for real (stand-in and simulator), and
reports every problem of one configuration in one run."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.check_config import EXIT_OK, EXIT_PROBLEMS, check_config, shown_url
from bot.settings import Settings
from simulators import RunningSimulator, TelnyxSimulatorConfig, run_telnyx_simulator
from simulators.slack_api import TEAM_NAME, RunningSlackStandin
from tests.slack_driver import settings_for

SETTING_VARS = [name.upper() for name in Settings.model_fields]


async def run(settings: Settings) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = await check_config(out=lines.append, settings_loader=lambda: settings)
    return code, lines


async def run_from_environment() -> tuple[int, list[str]]:
    """Through the real loader: the environment of the test (see `environment`)."""
    lines: list[str] = []
    code = await check_config(out=lines.append)
    return code, lines


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """Only what a test sets: no developer variables, no `.env` from the working folder."""
    for name in SETTING_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def problem_count(summary: str) -> int:
    # "check-config: N problem(s); ..."
    return int(summary.removeprefix("check-config: ").split(" ", 1)[0])


async def test_everything_reachable(sim: RunningSimulator, slack: RunningSlackStandin) -> None:
    code, lines = await run(settings_for(sim, slack))
    assert code == EXIT_OK
    assert lines == [
        f"ok: SignalWire reached at {sim.base_url}/api/video/rooms with the configured credentials",
        f"ok: Slack reached at {slack.api_url}auth.test as roomops in team {TEAM_NAME}",
        "check-config: no problems; the settings are valid and every service answered",
    ]
    assert [r.path for r in sim.requests] == ["/api/video/rooms"]
    assert len(slack.calls_to("auth.test")) == 1


async def test_refused_credentials_name_the_variables(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    settings = settings_for(
        sim,
        slack,
        signalwire_api_token=SecretStr("wrong-provider-token"),
        slack_bot_token=SecretStr("xoxb-wrong-bot-token"),
    )
    code, lines = await run(settings)
    assert code == EXIT_PROBLEMS
    assert lines == [
        "SIGNALWIRE_PROJECT_ID / SIGNALWIRE_API_TOKEN: SignalWire refused these credentials "
        f"at {sim.base_url}/api/video/rooms",
        f"SLACK_BOT_TOKEN: Slack refused the token at {slack.api_url}auth.test (invalid_auth)",
        "check-config: 2 problems; fix the lines above and run check-config again",
    ]
    assert all("wrong-provider-token" not in line and "xoxb-wrong" not in line for line in lines)


async def test_unreachable_provider_names_the_url_tried(slack: RunningSlackStandin) -> None:
    port = unused_port()
    settings = Settings(
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-roomops-demo"),
        slack_signing_secret=SecretStr("s"),
        slack_api_url=slack.api_url,
        signalwire_base_url=f"http://127.0.0.1:{port}",
        signalwire_project_id="p",
        signalwire_api_token=SecretStr("t"),
    )
    code, lines = await run(settings)
    assert code == EXIT_PROBLEMS
    assert lines[0] == (
        "SIGNALWIRE_BASE_URL: SignalWire did not answer (ConnectError) at "
        f"http://127.0.0.1:{port}/api/video/rooms; check the address and the network"
    )
    assert lines[1].startswith("ok: Slack reached at ")


async def test_telnyx_is_reached_with_one_call_and_each_problem_is_named(
    slack: RunningSlackStandin,
) -> None:
    async with run_telnyx_simulator(TelnyxSimulatorConfig(session_count=20)) as telnyx:
        good = settings_for(telnyx, slack)
        code, lines = await run(good)
        assert (code, lines[0]) == (
            EXIT_OK,
            f"ok: Telnyx reached at {telnyx.base_url}/rooms with the configured credentials",
        )
        assert [(r.method, r.path) for r in telnyx.requests] == [("GET", "/v2/rooms")]

        code, lines = await run(
            settings_for(telnyx, slack, telnyx_api_key=SecretStr("KEYwrong-for-the-test"))
        )
        assert code == EXIT_PROBLEMS
        assert lines[0] == (
            f"TELNYX_API_KEY: Telnyx refused these credentials at {telnyx.base_url}/rooms"
        )
        assert all("KEYwrong-for-the-test" not in line for line in lines)

    port = unused_port()
    dead = settings_for(telnyx, slack, telnyx_base_url=f"http://127.0.0.1:{port}/v2")
    code, lines = await run(dead)
    assert code == EXIT_PROBLEMS
    assert lines[0] == (
        "TELNYX_BASE_URL: Telnyx did not answer (ConnectError) at "
        f"http://127.0.0.1:{port}/v2/rooms; check the address and the network"
    )
    assert lines[1].startswith("ok: Slack reached at ")


async def test_every_settings_problem_is_listed_at_once(environment: pytest.MonkeyPatch) -> None:
    pasted_secret = "xoxb-pasted-into-the-wrong-variable"
    environment.setenv("SLACK_BOT_TOKEN", "xoxb-a-fine-looking-token")
    environment.setenv("SLACK_API_URL", pasted_secret)  # not a URL
    environment.setenv("PORT", "eighty")
    environment.setenv("DIGEST_TIMEZONE", "Mars/Olympus_Mons")
    environment.setenv("SIGNALWIRE_SPACE", "acme")
    # Missing: SLACK_SIGNING_SECRET, SIGNALWIRE_PROJECT_ID, SIGNALWIRE_API_TOKEN.
    code, lines = await run_from_environment()

    assert code == EXIT_PROBLEMS
    problems = [line for line in lines[:-1] if not line.startswith(("ok:", "not tried:"))]
    assert sorted(line.split(":")[0] for line in problems) == sorted(
        [
            "SLACK_API_URL",
            "PORT",
            "DIGEST_TIMEZONE",
            "SLACK_SIGNING_SECRET",
            "SIGNALWIRE_PROJECT_ID",
            "SIGNALWIRE_API_TOKEN",
        ]
    )
    # Each variable once: a refused value is not reported again as missing.
    assert "SLACK_API_URL: must be an http(s) URL, e.g. https://example.com/api/" in lines
    assert problem_count(lines[-1]) == len(problems)
    # What cannot be tried says why, rather than trying with a default URL or no credentials.
    assert "not tried: Slack, until SLACK_API_URL is fixed" in lines
    assert (
        "not tried: SignalWire, until SIGNALWIRE_API_TOKEN and SIGNALWIRE_PROJECT_ID are fixed"
        in lines
    )
    assert all(pasted_secret not in line and "fine-looking" not in line for line in lines)


async def test_settings_problems_refused_token_and_dead_provider_in_one_run(
    environment: pytest.MonkeyPatch, slack: RunningSlackStandin
) -> None:
    port = unused_port()
    secrets = ["xoxb-refused-by-slack", "signing-secret-value", "PT-provider-secret"]
    environment.setenv("SLACK_BOT_TOKEN", secrets[0])
    environment.setenv("SLACK_SIGNING_SECRET", secrets[1])
    environment.setenv("SLACK_API_URL", slack.api_url)
    environment.setenv("DIGEST_TIME", "noon")
    environment.setenv("SIGNALWIRE_BASE_URL", f"http://127.0.0.1:{port}")
    environment.setenv("SIGNALWIRE_PROJECT_ID", "project")
    environment.setenv("SIGNALWIRE_API_TOKEN", secrets[2])
    code, lines = await run_from_environment()

    assert code == EXIT_PROBLEMS
    assert lines[0] == "DIGEST_TIME: must be a 24-hour time HH:MM, e.g. 09:00"
    assert lines[1].startswith("SIGNALWIRE_BASE_URL: SignalWire did not answer")
    assert f" at http://127.0.0.1:{port}/api/video/rooms;" in lines[1]
    assert lines[2] == (
        f"SLACK_BOT_TOKEN: Slack refused the token at {slack.api_url}auth.test (invalid_auth)"
    )
    assert lines[3] == "check-config: 3 problems; fix the lines above and run check-config again"
    assert len(lines) == 4
    # Slack was really asked, with the token as configured.
    assert len(slack.calls_to("auth.test")) == 1
    assert not any(secret in line for line in lines for secret in secrets)


async def test_a_refused_value_does_not_block_what_does_not_need_it(
    environment: pytest.MonkeyPatch, sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    # The base URL replaces the space, so a bad space must not stop the provider check.
    environment.setenv("SIGNALWIRE_SPACE", "not a space name")
    environment.setenv("SIGNALWIRE_BASE_URL", sim.base_url)
    environment.setenv("SIGNALWIRE_PROJECT_ID", sim.config.project_id)
    environment.setenv("SIGNALWIRE_API_TOKEN", sim.config.api_token)
    environment.setenv("SLACK_BOT_TOKEN", "xoxb-roomops-demo")
    environment.setenv("SLACK_SIGNING_SECRET", "signing-secret")
    environment.setenv("SLACK_API_URL", slack.api_url)
    code, lines = await run_from_environment()

    assert code == EXIT_PROBLEMS
    assert lines[0].startswith("SIGNALWIRE_SPACE: must be your space name only")
    assert lines[1].startswith("ok: SignalWire reached at ")
    assert lines[2].startswith("ok: Slack reached at ")
    assert lines[3].startswith("check-config: 1 problem; ")


async def test_slack_ids_are_checked_by_slacks_rules_naming_the_variable(
    environment: pytest.MonkeyPatch, sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    environment.setenv("APPROVAL_CHANNEL", "#room-approvals")
    environment.setenv("APPROVERS", "U0ALICE001,S0ONCALL01")
    environment.setenv("DIGEST_CHANNEL", "C0DIGEST01")  # fine: not reported
    environment.setenv("SIGNALWIRE_BASE_URL", sim.base_url)
    environment.setenv("SIGNALWIRE_PROJECT_ID", sim.config.project_id)
    environment.setenv("SIGNALWIRE_API_TOKEN", sim.config.api_token)
    environment.setenv("SLACK_BOT_TOKEN", "xoxb-roomops-demo")
    environment.setenv("SLACK_SIGNING_SECRET", "signing-secret")
    environment.setenv("SLACK_API_URL", slack.api_url)
    code, lines = await run_from_environment()

    assert code == EXIT_PROBLEMS
    assert lines[0].startswith(
        "APPROVAL_CHANNEL: a channel name (#…) is not accepted; use a Slack channel id: "
    )
    assert "(in Slack: the channel's name > About > Channel ID)" in lines[0]
    assert lines[1].startswith(
        "APPROVERS: entry 2 of 2: user groups (S…) are not supported yet: list the members' "
        "user ids instead"
    )
    # Ids are not what Slack or the provider need: both are still tried.
    assert lines[2].startswith("ok: SignalWire reached at ")
    assert lines[3].startswith("ok: Slack reached at ")
    assert lines[4] == "check-config: 2 problems; fix the lines above and run check-config again"
    assert not any("room-approvals" in line or "S0ONCALL01" in line for line in lines)


async def test_something_that_is_not_slack_is_named_as_the_url(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    # The simulator answers 404 to auth.test: a wrong SLACK_API_URL, not a bad token.
    code, lines = await run(settings_for(sim, slack, slack_api_url=f"{sim.base_url}/"))
    assert code == EXIT_PROBLEMS
    slack_line = next(line for line in lines if "auth.test" in line)
    assert slack_line == (
        f"SLACK_API_URL: {sim.base_url}/auth.test did not answer like the Slack Web API (HTTP 404)"
    )
    assert not slack.calls_to("auth.test")


async def test_credentials_in_a_url_are_not_printed(slack: RunningSlackStandin) -> None:
    port = unused_port()
    settings = settings_for_url(slack, f"http://user:url-password-123@127.0.0.1:{port}/")
    _, lines = await run(settings)
    assert any(f"at http://127.0.0.1:{port}/api/video/rooms;" in line for line in lines)
    assert not any("url-password-123" in line or "user@" in line for line in lines)


def settings_for_url(slack: RunningSlackStandin, base_url: str) -> Settings:
    return Settings(
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-roomops-demo"),
        slack_signing_secret=SecretStr("s"),
        slack_api_url=slack.api_url,
        signalwire_base_url=base_url,
        signalwire_project_id="p",
        signalwire_api_token=SecretStr("t"),
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://slack.com/api/auth.test", "https://slack.com/api/auth.test"),
        ("http://u:p@host:8080/x?token=abc#f", "http://host:8080/x"),
        (
            "https://acme.signalwire.com/api/video/rooms",
            "https://acme.signalwire.com/api/video/rooms",
        ),
    ],
)
def test_shown_url_drops_what_could_hold_a_secret(url: str, shown: str) -> None:
    assert shown_url(url) == shown
