"""Settings from the environment (or a `.env` file), with exactly the names in docs/design.md.

Problems are reported one line per variable, naming it and never echoing its value: a
secret pasted into the wrong variable must not end up in a terminal or a log.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.ids import channel_id_problem, user_id_problem
from bot.times import HHMM_RULE, ZONE_RULE, find_zone, parse_hhmm

Mode = Literal["serve", "socket", "demo", "digest", "check", "migrate"]

_SPACE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")

IdList = Annotated[tuple[str, ...], NoDecode]


def _split_ids(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _checked_ids(values: tuple[str, ...], problem: Callable[[str], str | None]) -> None:
    """One line per refused entry, naming its place in the list rather than its value."""
    lines = []
    for place, value in enumerate(values, start=1):
        reason = problem(value)
        if reason is not None:
            lines.append(f"entry {place} of {len(values)}: {reason}" if len(values) > 1 else reason)
    if lines:
        raise ValueError("\n".join(lines))


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http(s) URL, e.g. https://example.com/api/")
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        hide_input_in_errors=True,
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    video_provider: Literal["signalwire", "telnyx"] = "signalwire"
    signalwire_space: str | None = None
    signalwire_project_id: str | None = None
    signalwire_api_token: SecretStr | None = None
    signalwire_base_url: str | None = None
    telnyx_api_key: SecretStr | None = None
    telnyx_base_url: str = "https://api.telnyx.com/v2"

    # Requests in flight to the provider at once (the HTTP pool's size), and how long an
    # identical read is answered from memory (0 = never; identical reads in flight are
    # still shared).
    provider_max_connections: int = Field(default=20, ge=1, le=200)
    provider_cache_seconds: float = Field(default=5.0, ge=0, le=300, allow_inf_nan=False)
    # How long a recording link fetched for "Get link" lives (SignalWire's media_ttl). A
    # link is a credential: long enough to open it, short enough that a forwarded one dies.
    recording_link_seconds: int = Field(default=900, ge=60, le=86400)

    database_url: str = "sqlite:///./var/roomops.db"

    approval_channel: str | None = None
    approvers: IdList = ()
    allow_self_approval: bool = False
    approval_ttl_hours: int = Field(default=24, ge=1, le=24 * 30)

    allowed_channels: IdList = ()
    allowed_users: IdList = ()
    requesters: IdList = ()

    digest_channel: str | None = None
    digest_time: time = time(9, 0)
    digest_timezone: str = "UTC"
    digest_grace_hours: int = Field(default=12, ge=0, le=72)

    port: int = Field(default=3000, ge=1, le=65535)

    @field_validator("approvers", "allowed_channels", "allowed_users", "requesters", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        return _split_ids(value)

    @field_validator("approval_channel", "digest_channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        _checked_ids((value,), channel_id_problem)
        return value

    @field_validator("allowed_channels")
    @classmethod
    def _channels(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        _checked_ids(values, channel_id_problem)
        return values

    @field_validator("approvers", "allowed_users", "requesters")
    @classmethod
    def _users(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        _checked_ids(values, user_id_problem)
        return values

    @field_validator(
        "signalwire_space",
        "signalwire_project_id",
        "signalwire_base_url",
        "approval_channel",
        "digest_channel",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("signalwire_space")
    @classmethod
    def _space(cls, value: str | None) -> str | None:
        if value is None:
            return None
        # Only a bare name: anything else could point the credentials at another host.
        if not _SPACE.match(value):
            raise ValueError(
                "must be your space name only (letters, digits and dashes), "
                "e.g. 'acme' for acme.signalwire.com"
            )
        return value.lower()

    @field_validator("signalwire_base_url", "telnyx_base_url", "slack_api_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value)

    @field_validator("digest_time", mode="before")
    @classmethod
    def _hhmm(cls, value: object) -> object:
        if isinstance(value, str):
            parsed = parse_hhmm(value)
            if parsed is None:
                raise ValueError(f"must be {HHMM_RULE}")
            return parsed
        return value

    @field_validator("digest_timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        name = find_zone(value)
        if name is None:
            raise ValueError(f"must be {ZONE_RULE}")
        return name

    # -- derived -------------------------------------------------------------------------

    @property
    def signalwire_url(self) -> str | None:
        if self.signalwire_base_url:
            return self.signalwire_base_url.rstrip("/")
        if self.signalwire_space:
            return f"https://{self.signalwire_space}.signalwire.com"
        return None

    def secret_values(self) -> list[str]:
        """Every secret, for the log filter that masks them."""
        secrets = (
            self.slack_bot_token,
            self.slack_signing_secret,
            self.slack_app_token,
            self.signalwire_api_token,
            self.telnyx_api_key,
        )
        return [s.get_secret_value() for s in secrets if s is not None]

    def problems(self, mode: Mode) -> list[str]:
        """What stops `mode` from running, one line per variable."""
        problems: list[str] = []
        if mode not in ("serve", "socket", "check", "digest"):
            return problems
        problems += _token_problems("SLACK_BOT_TOKEN", self.slack_bot_token, "xoxb-")
        if mode in ("serve", "check") and not _present(self.slack_signing_secret):
            problems.append(
                "SLACK_SIGNING_SECRET: required in HTTP mode "
                "(Slack app settings > Basic Information > Signing Secret)"
            )
        if mode == "socket":
            problems += _token_problems("SLACK_APP_TOKEN", self.slack_app_token, "xapp-")
        return problems + self._provider_problems()

    def _provider_problems(self) -> list[str]:
        if self.video_provider == "telnyx":
            if _present(self.telnyx_api_key):
                return []
            return [
                "TELNYX_API_KEY: required when VIDEO_PROVIDER=telnyx "
                "(Telnyx Mission Control portal > Auth > API Keys)"
            ]
        problems: list[str] = []
        if not self.signalwire_url:
            problems.append(
                "SIGNALWIRE_SPACE: required (or set SIGNALWIRE_BASE_URL) "
                "when VIDEO_PROVIDER=signalwire"
            )
        if not self.signalwire_project_id:
            problems.append("SIGNALWIRE_PROJECT_ID: required when VIDEO_PROVIDER=signalwire")
        if not _present(self.signalwire_api_token):
            problems.append("SIGNALWIRE_API_TOKEN: required when VIDEO_PROVIDER=signalwire")
        return problems


def _present(secret: SecretStr | None) -> bool:
    return secret is not None and bool(secret.get_secret_value().strip())


def _token_problems(name: str, token: SecretStr | None, prefix: str) -> list[str]:
    if not _present(token):
        return [f"{name}: required (a token starting with {prefix})"]
    assert token is not None
    if not token.get_secret_value().startswith(prefix):
        return [f"{name}: must start with {prefix} (value not shown)"]
    return []


class SettingsError(Exception):
    """Settings that cannot be loaded, as one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def describe_validation_error(error: ValidationError) -> list[str]:
    """One line per problem, naming the environment variable (a validator may find several
    in one variable, a line each); input values are never shown."""
    lines = []
    for item in error.errors(include_input=False, include_url=False):
        field = str(item["loc"][0]) if item["loc"] else "settings"
        message = str(item["msg"]).removeprefix("Value error, ")
        lines += [f"{field.upper()}: {line}" for line in message.splitlines()]
    return lines


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None


def settings_for(
    mode: Mode,
    report: Callable[[str], None],
    loader: Callable[[], Settings] = load_settings,
    *,
    needless: Callable[[str], bool] = lambda _problem: False,
) -> Settings | None:
    """The settings `mode` can run with, or None once every problem has been reported, one
    line per variable (`needless`: problems this run can ignore)."""
    try:
        settings = loader()
    except SettingsError as exc:
        problems = exc.problems
    else:
        problems = [line for line in settings.problems(mode) if not needless(line)]
        if not problems:
            return settings
    for line in problems:
        report(line)
    return None
