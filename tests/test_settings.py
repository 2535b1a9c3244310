from __future__ import annotations

import contextlib
import io
from datetime import time
from pathlib import Path

import pytest
from pydantic import SecretStr

import bot.__main__ as cli
from bot.settings import Settings, SettingsError, load_settings

ALL_VARS = [
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "VIDEO_PROVIDER",
    "SIGNALWIRE_SPACE",
    "SIGNALWIRE_PROJECT_ID",
    "SIGNALWIRE_API_TOKEN",
    "SIGNALWIRE_BASE_URL",
    "TELNYX_API_KEY",
    "TELNYX_BASE_URL",
    "DATABASE_URL",
    "APPROVAL_CHANNEL",
    "APPROVERS",
    "ALLOW_SELF_APPROVAL",
    "APPROVAL_TTL_HOURS",
    "ALLOWED_CHANNELS",
    "ALLOWED_USERS",
    "REQUESTERS",
    "DIGEST_CHANNEL",
    "DIGEST_TIME",
    "DIGEST_TIMEZONE",
    "DIGEST_GRACE_HOURS",
    "PORT",
    "PROVIDER_MAX_CONNECTIONS",
    "PROVIDER_CACHE_SECONDS",
]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ALL_VARS:
        monkeypatch.delenv(name, raising=False)
    # A .env in the working directory is read: run every test from an empty folder.
    monkeypatch.chdir(tmp_path)


def test_defaults_match_design() -> None:
    settings = load_settings()
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.video_provider == "signalwire"
    assert settings.telnyx_base_url == "https://api.telnyx.com/v2"
    assert settings.database_url.startswith("sqlite:///./var/")
    assert settings.approvers == ()
    assert settings.allow_self_approval is False
    assert settings.approval_ttl_hours == 24
    assert settings.digest_channel is None
    assert settings.digest_time == time(9, 0)
    assert settings.digest_timezone == "UTC"
    assert settings.digest_grace_hours == 12
    assert settings.port == 3000


def test_environment_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALWIRE_SPACE", "Acme-Video")
    monkeypatch.setenv("APPROVERS", "U0ALICE001, W0BOB00002,,U0CAROL003 ")
    monkeypatch.setenv("ALLOWED_CHANNELS", "C0OPS00001")
    monkeypatch.setenv("ALLOW_SELF_APPROVAL", "yes")
    monkeypatch.setenv("DIGEST_TIME", "7:30")
    monkeypatch.setenv("DIGEST_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("PORT", "8080")
    settings = load_settings()
    assert settings.signalwire_url == "https://acme-video.signalwire.com"
    assert settings.approvers == ("U0ALICE001", "W0BOB00002", "U0CAROL003")
    assert settings.allowed_channels == ("C0OPS00001",)
    assert settings.allow_self_approval is True
    assert settings.digest_time == time(7, 30)
    assert settings.digest_timezone == "Europe/Berlin"
    assert settings.port == 8080


def test_base_url_overrides_space(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALWIRE_SPACE", "acme")
    monkeypatch.setenv("SIGNALWIRE_BASE_URL", "http://127.0.0.1:9999/")
    assert load_settings().signalwire_url == "http://127.0.0.1:9999"


def test_dotenv_file_is_read_and_unrelated_keys_ignored(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "SIGNALWIRE_PROJECT_ID=proj-1\nSOMETHING_ELSE=whatever\nAPPROVERS=U0ALICE001,U0BOB00002\n"
    )
    settings = load_settings()
    assert settings.signalwire_project_id == "proj-1"
    assert settings.approvers == ("U0ALICE001", "U0BOB00002")
    assert not hasattr(settings, "something_else")


@pytest.mark.parametrize(
    ("var", "value", "expected"),
    [
        ("SIGNALWIRE_SPACE", "evil.com/x", "SIGNALWIRE_SPACE: must be your space name only"),
        ("SIGNALWIRE_SPACE", "acme.example.org", "SIGNALWIRE_SPACE: must be your space name"),
        ("SIGNALWIRE_SPACE", "a@b", "SIGNALWIRE_SPACE: must be your space name only"),
        ("SIGNALWIRE_BASE_URL", "ftp://x", "SIGNALWIRE_BASE_URL: must be an http(s) URL"),
        ("VIDEO_PROVIDER", "zoom", "VIDEO_PROVIDER: Input should be 'signalwire' or 'telnyx'"),
        ("DIGEST_TIME", "25:00", "DIGEST_TIME: must be a 24-hour time HH:MM"),
        ("DIGEST_TIMEZONE", "Mars/Olympus", "DIGEST_TIMEZONE: must be an IANA time zone name"),
        ("PORT", "70000", "PORT: Input should be less than or equal to 65535"),
        ("APPROVAL_TTL_HOURS", "0", "APPROVAL_TTL_HOURS: Input should be greater than"),
        ("RECORDING_LINK_SECONDS", "59", "RECORDING_LINK_SECONDS: Input should be greater than"),
        ("RECORDING_LINK_SECONDS", "86401", "RECORDING_LINK_SECONDS: Input should be less than"),
        ("RECORDING_LINK_SECONDS", "1.5", "RECORDING_LINK_SECONDS: Input should be a valid int"),
        ("ALLOW_SELF_APPROVAL", "maybe", "ALLOW_SELF_APPROVAL: Input should be a valid boolean"),
    ],
)
def test_invalid_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert any(line.startswith(expected) for line in info.value.problems), info.value.problems
    assert all(value not in line for line in info.value.problems)


def test_provider_limits_default_and_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = load_settings()
    assert defaults.provider_max_connections == 20
    assert defaults.provider_cache_seconds == 5.0
    monkeypatch.setenv("PROVIDER_MAX_CONNECTIONS", "200")
    monkeypatch.setenv("PROVIDER_CACHE_SECONDS", "0")
    settings = load_settings()
    assert settings.provider_max_connections == 200
    assert settings.provider_cache_seconds == 0.0
    monkeypatch.setenv("PROVIDER_MAX_CONNECTIONS", "1")
    monkeypatch.setenv("PROVIDER_CACHE_SECONDS", "300")
    settings = load_settings()
    assert (settings.provider_max_connections, settings.provider_cache_seconds) == (1, 300.0)
    monkeypatch.setenv("PROVIDER_CACHE_SECONDS", "0.5")
    assert load_settings().provider_cache_seconds == 0.5


@pytest.mark.parametrize(
    ("var", "value", "expected"),
    [
        ("PROVIDER_MAX_CONNECTIONS", "0", "Input should be greater than or equal to 1"),
        ("PROVIDER_MAX_CONNECTIONS", "201", "Input should be less than or equal to 200"),
        ("PROVIDER_MAX_CONNECTIONS", "many", "Input should be a valid integer"),
        ("PROVIDER_MAX_CONNECTIONS", "2.5", "Input should be a valid integer"),
        ("PROVIDER_CACHE_SECONDS", "-1", "Input should be greater than or equal to 0"),
        ("PROVIDER_CACHE_SECONDS", "301", "Input should be less than or equal to 300"),
        ("PROVIDER_CACHE_SECONDS", "nan", "Input should be a finite number"),
        ("PROVIDER_CACHE_SECONDS", "inf", "Input should be a finite number"),
    ],
)
def test_provider_limits_out_of_bounds_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    [problem] = info.value.problems
    assert problem.startswith(f"{var}: {expected}"), problem


def test_several_problems_give_one_line_each(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "zero")
    monkeypatch.setenv("DIGEST_TIME", "noon")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert sorted(line.split(":")[0] for line in info.value.problems) == ["DIGEST_TIME", "PORT"]


@pytest.mark.parametrize(
    ("var", "value", "expected"),
    [
        ("APPROVAL_CHANNEL", "#ops", "a channel name (#…) is not accepted; use a Slack channel id"),
        ("DIGEST_CHANNEL", "U0ALICE001", "a user id is not a channel id; use a Slack channel id"),
        ("DIGEST_CHANNEL", "c0ops00001", "Slack ids are written in capitals"),
        ("ALLOWED_CHANNELS", "ops", "must be a Slack channel id: C, G or D followed by"),
        ("APPROVERS", "S0ONCALL01", "user groups (S…) are not supported yet: list the members'"),
        ("REQUESTERS", "@alice", "a name (@…) is not accepted; use a Slack user id"),
        ("ALLOWED_USERS", "C0OPS00001", "a channel id is not a user id; use a Slack user id"),
        ("APPROVERS", "U0ALICE001;U0BOB00002", "must be a Slack user id: U or W followed by"),
    ],
)
def test_slack_ids_are_checked_at_start_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    [problem] = info.value.problems
    assert problem.startswith(f"{var}: {expected}"), problem
    # Where to look it up, and what one looks like.
    assert "e.g. C0123ABCDE (in Slack: " in problem or "e.g. U0123ABCDE (in Slack: " in problem
    assert value.strip() not in problem


def test_each_refused_id_in_a_list_is_a_line_naming_its_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "KEY0123456789ABCDEF"  # a provider key pasted into the wrong variable
    monkeypatch.setenv("APPROVERS", f"U0ALICE001, S0ONCALL01,{secret}")
    monkeypatch.setenv("ALLOWED_CHANNELS", "C0OPS00001,G0PRIVATE1,D0DIRECT01")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert [line.split(": ", 2)[:2] for line in info.value.problems] == [
        ["APPROVERS", "entry 2 of 3"],
        ["APPROVERS", "entry 3 of 3"],
    ]
    assert all(secret not in line and "S0ONCALL01" not in line for line in info.value.problems)


def test_well_formed_ids_are_kept_as_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPROVAL_CHANNEL", " G0APPROVE1 ")
    monkeypatch.setenv("DIGEST_CHANNEL", "C0DIGEST01")
    monkeypatch.setenv("REQUESTERS", "W0GRID0001")
    settings = load_settings()
    assert settings.approval_channel == "G0APPROVE1"
    assert settings.digest_channel == "C0DIGEST01"
    assert settings.requesters == ("W0GRID0001",)


def test_secrets_are_hidden_in_repr_and_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "definitely-not-a-bot-token-5678"
    monkeypatch.setenv("SLACK_BOT_TOKEN", secret)
    monkeypatch.setenv("SIGNALWIRE_API_TOKEN", "PTsecret-signalwire-123")
    settings = load_settings()
    assert secret not in repr(settings)
    assert "PTsecret" not in repr(settings)
    problems = settings.problems("serve")
    assert "SLACK_BOT_TOKEN: must start with xoxb- (value not shown)" in problems
    assert all(secret not in p for p in problems)


def test_serve_requires_slack_and_provider_settings() -> None:
    problems = Settings().problems("serve")
    names = [p.split(":")[0] for p in problems]
    assert names == [
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SIGNALWIRE_SPACE",
        "SIGNALWIRE_PROJECT_ID",
        "SIGNALWIRE_API_TOKEN",
    ]


def test_socket_mode_needs_app_token_not_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDEO_PROVIDER", "telnyx")
    problems = Settings(slack_bot_token=SecretStr("xoxb-1")).problems("socket")
    assert [p.split(":")[0] for p in problems] == ["SLACK_APP_TOKEN", "TELNYX_API_KEY"]


def _run_cli(
    args: list[str], env: dict[str, str], cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str]:
    """`python -m bot ARGS` in this process (the same entry point), in `cwd` with only
    `env` of the settings: (exit code, what it printed)."""
    for name in ALL_VARS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(cwd)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = cli.main(args)
    return code, printed.getvalue()


def test_check_config_prints_one_line_per_problem_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "xoxp-user-token-should-not-print"
    code, out = _run_cli(
        ["check-config"],
        {"SLACK_BOT_TOKEN": secret, "SIGNALWIRE_SPACE": "bad space", "PORT": "x"},
        tmp_path,
        monkeypatch,
    )
    assert code == 2
    lines = out.strip().splitlines()
    # Refused values first; the missing ones and the connection checks follow in the same run.
    assert [line.split(":")[0] for line in lines[:2]] == ["SIGNALWIRE_SPACE", "PORT"]
    assert secret not in out


def test_check_config_reports_missing_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = _run_cli(
        ["check-config"], {"SLACK_BOT_TOKEN": "not-a-bot-token"}, tmp_path, monkeypatch
    )
    assert code == 2
    assert "SLACK_BOT_TOKEN: must start with xoxb- (value not shown)" in out
    assert "SLACK_SIGNING_SECRET: required in HTTP mode" in out
    assert "not-a-bot-token" not in out
