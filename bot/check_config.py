"""`python -m bot check-config`: every settings problem, and whether Slack and the provider
answer, in one run.

A refused value does not stop the run: it is reported and replaced by its default, so Slack
and the provider are still tried wherever the settings they need are sound. Fixing one
problem should never reveal the next.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from pydantic import ValidationError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_provider
from bot.providers.base import provider_label
from bot.providers.errors import (
    NotSupported,
    ProviderError,
    ProviderUnavailable,
    RateLimited,
    Unauthorized,
)
from bot.providers.http import HttpSettings, RetryPolicy
from bot.providers.signalwire import ROOMS
from bot.providers.telnyx import ROOMS as TELNYX_ROOMS
from bot.settings import Settings, describe_validation_error

EXIT_OK = 0
EXIT_PROBLEMS = 2
SLACK_TIMEOUT_SECONDS = 10.0
# A check answers in seconds: one retry, not the serving policy's minute of patience.
CHECK_RETRIES = RetryPolicy(attempts=2, initial_backoff=0.5, max_backoff=1.0, total_seconds=20)
CHECK_HTTP = HttpSettings(connect_timeout=5.0, read_timeout=10.0)

# Called with keyword overrides that win over the environment (pydantic-settings' rule).
SettingsLoader = Callable[..., Settings]


@dataclass(frozen=True)
class Loaded:
    settings: Settings | None
    problems: list[str]
    refused: frozenset[str]  # variables whose values were refused (and replaced by defaults)


@dataclass(frozen=True)
class Reached:
    """The outcome of trying one service: an `ok:` line or a problem line."""

    line: str
    ok: bool


def _load_settings(**overrides: Any) -> Settings:
    return Settings(**overrides)


async def check_config(
    out: Callable[[str], None] = print, settings_loader: SettingsLoader = _load_settings
) -> int:
    loaded = load_leniently(settings_loader)
    problems = list(loaded.problems)
    lines: list[str] = []
    if loaded.settings is not None:
        settings = loaded.settings
        # A refused value is already reported; its default would only add a second line.
        problems += [p for p in settings.problems("check") if variable_of(p) not in loaded.refused]
        broken = loaded.refused | {variable_of(p) for p in problems}
        reached = await asyncio.gather(
            _try_provider(settings, broken), _try_slack(settings, broken)
        )
        for outcome in reached:
            if outcome.ok:
                lines.append(outcome.line)
            else:
                problems.append(outcome.line)
    for line in [*problems, *lines]:
        out(line)
    out(summary(len(problems)))
    return EXIT_PROBLEMS if problems else EXIT_OK


def load_leniently(loader: SettingsLoader) -> Loaded:
    """The settings, with every refused value put back to its default, and the refusals."""
    try:
        return Loaded(loader(), [], frozenset())
    except ValidationError as exc:
        error = exc
    problems = describe_validation_error(error)
    fields = {str(item["loc"][0]) for item in error.errors() if item["loc"]}
    defaults = {
        name: Settings.model_fields[name].get_default(call_default_factory=True)
        for name in fields
        if name in Settings.model_fields
    }
    refused = frozenset(name.upper() for name in fields)
    try:
        return Loaded(loader(**defaults), problems, refused)
    except ValidationError:
        # Not one field's value (a default cannot be refused): nothing sound to try with.
        return Loaded(None, problems, refused)


def variable_of(problem: str) -> str:
    """Problem lines start with the variable they are about: `NAME: what is wrong`."""
    return problem.split(":", 1)[0].strip()


def summary(problem_count: int) -> str:
    if problem_count == 0:
        return "check-config: no problems; the settings are valid and every service answered"
    noun = "problem" if problem_count == 1 else "problems"
    return f"check-config: {problem_count} {noun}; fix the lines above and run check-config again"


def shown_url(url: str) -> str:
    """A URL fit for a terminal: without user:password@ or a query, which can hold secrets."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _not_tried(service: str, blocking: Collection[str]) -> Reached:
    *rest, last = sorted(blocking)
    names = f"{', '.join(rest)} and {last} are" if rest else f"{last} is"
    return Reached(f"not tried: {service}, until {names} fixed", ok=True)


# -- the provider -------------------------------------------------------------------------


def provider_needs(settings: Settings) -> set[str]:
    """The variables a call to the configured provider depends on."""
    if settings.video_provider == "telnyx":
        return {"VIDEO_PROVIDER", "TELNYX_API_KEY", "TELNYX_BASE_URL"}
    needs = {"VIDEO_PROVIDER", "SIGNALWIRE_PROJECT_ID", "SIGNALWIRE_API_TOKEN"}
    # A base URL, when given, replaces the space: then the space does not matter.
    base_given = settings.signalwire_base_url is not None
    needs.add("SIGNALWIRE_BASE_URL" if base_given else "SIGNALWIRE_SPACE")
    return needs


def _provider_url(settings: Settings) -> str:
    if settings.video_provider == "telnyx":
        return shown_url(f"{settings.telnyx_base_url.rstrip('/')}{TELNYX_ROOMS}")
    return shown_url(f"{settings.signalwire_url or ''}{ROOMS}")


async def _try_provider(settings: Settings, broken: Collection[str]) -> Reached:
    label = provider_label(settings.video_provider)
    blocking = provider_needs(settings) & set(broken)
    if blocking:
        return _not_tried(label, blocking)
    if settings.video_provider == "telnyx":
        creds, where = "TELNYX_API_KEY", "TELNYX_BASE_URL"
    else:
        creds = "SIGNALWIRE_PROJECT_ID / SIGNALWIRE_API_TOKEN"
        where = "SIGNALWIRE_BASE_URL" if settings.signalwire_base_url else "SIGNALWIRE_SPACE"
    try:
        provider = build_provider(settings, http_settings=CHECK_HTTP, policy=CHECK_RETRIES)
    except NotSupported as exc:
        return Reached(f"VIDEO_PROVIDER: {exc}", ok=False)
    url = _provider_url(settings)
    try:
        await provider.check()
    except Unauthorized:
        return Reached(f"{creds}: {label} refused these credentials at {url}", ok=False)
    except RateLimited as exc:
        return Reached(f"{where}: {label} is rate limiting at {url} ({exc}); try later", ok=False)
    except ProviderUnavailable as exc:
        return Reached(f"{where}: {exc} at {url}; check the address and the network", ok=False)
    except ProviderError as exc:
        return Reached(f"{where}: {label} answered unexpectedly at {url} ({exc})", ok=False)
    finally:
        await provider.aclose()
    return Reached(f"ok: {label} reached at {url} with the configured credentials", ok=True)


# -- Slack --------------------------------------------------------------------------------

SLACK_NEEDS = frozenset({"SLACK_BOT_TOKEN", "SLACK_API_URL"})


async def _try_slack(settings: Settings, broken: Collection[str]) -> Reached:
    blocking = SLACK_NEEDS & set(broken)
    if blocking or settings.slack_bot_token is None:
        return _not_tried("Slack", blocking or {"SLACK_BOT_TOKEN"})
    # slack_sdk joins the base URL and the method the same way.
    url = shown_url(urljoin(settings.slack_api_url, "auth.test"))
    client = AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=int(SLACK_TIMEOUT_SECONDS),
    )
    try:
        response = await client.auth_test()
    except SlackApiError as exc:
        return Reached(_slack_refusal(exc, url), ok=False)
    except TimeoutError:
        return Reached(
            f"SLACK_API_URL: no answer from {url} within {SLACK_TIMEOUT_SECONDS:.0f} s; "
            "check the address and the network",
            ok=False,
        )
    except Exception as exc:  # any transport failure: name the setting and URL, not the stack
        return Reached(
            f"SLACK_API_URL: Slack could not be reached at {url} ({type(exc).__name__}); "
            "check the address and the network",
            ok=False,
        )
    user, team = response.get("user", "?"), response.get("team", "?")
    return Reached(f"ok: Slack reached at {url} as {user} in team {team}", ok=True)


def _slack_refusal(exc: SlackApiError, url: str) -> str:
    response = exc.response
    status = getattr(response, "status_code", None)
    error = response.get("error") if response is not None else None
    if status == 429:
        return f"SLACK_BOT_TOKEN: Slack is rate limiting this token at {url}; try again later"
    # Slack answers its API errors with HTTP 200 and an error code; anything else is some
    # other server, so the address is what is wrong, not the token.
    if status != 200 or not isinstance(error, str) or not error:
        return f"SLACK_API_URL: {url} did not answer like the Slack Web API (HTTP {status})"
    return f"SLACK_BOT_TOKEN: Slack refused the token at {url} ({error})"
