"""`check-config` reaches Slack and the provider for real (stand-in and simulator)."""

from __future__ import annotations

from pydantic import SecretStr

from bot.check_config import EXIT_OK, EXIT_PROBLEMS, check_config
from bot.settings import Settings
from bot.simulator import RunningSimulator
from bot.simulator.slack_api import RunningSlackStandin
from tests.slack_driver import settings_for


async def run(settings: Settings) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = await check_config(out=lines.append, settings_loader=lambda: settings)
    return code, lines


async def test_everything_reachable(sim: RunningSimulator, slack: RunningSlackStandin) -> None:
    code, lines = await run(settings_for(sim, slack))
    assert code == EXIT_OK
    assert lines[0] == "ok: SignalWire reached with the configured credentials"
    assert lines[1].startswith("ok: Slack reached as roomops in team ")
    assert len(lines) == 2
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
        "SIGNALWIRE_PROJECT_ID / SIGNALWIRE_API_TOKEN: SignalWire refused these credentials",
        "SLACK_BOT_TOKEN: Slack refused the token (invalid_auth)",
    ]
    assert all("wrong-provider-token" not in line and "xoxb-wrong" not in line for line in lines)


async def test_unreachable_provider_names_where_it_looked(slack: RunningSlackStandin) -> None:
    settings = Settings(
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-roomops-demo"),
        slack_signing_secret=SecretStr("s"),
        slack_api_url=slack.api_url,
        signalwire_base_url="http://127.0.0.1:9",  # discard port: nothing listens
        signalwire_project_id="p",
        signalwire_api_token=SecretStr("t"),
    )
    code, lines = await run(settings)
    assert code == EXIT_PROBLEMS
    assert lines[-1] == (
        "SIGNALWIRE_SPACE / SIGNALWIRE_BASE_URL: SignalWire did not answer (ConnectError); "
        "check the address and the network"
    )
