"""`python -m bot check-config`: validate the settings, then reach Slack and the provider."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.providers import (
    NotSupported,
    ProviderError,
    ProviderUnavailable,
    RateLimited,
    Unauthorized,
    build_provider,
)
from bot.settings import Settings, SettingsError, load_settings

EXIT_OK = 0
EXIT_PROBLEMS = 2


async def check_config(
    out: Callable[[str], None] = print, settings_loader: Callable[[], Settings] = load_settings
) -> int:
    try:
        settings = settings_loader()
    except SettingsError as exc:
        for line in exc.problems:
            out(line)
        return EXIT_PROBLEMS
    problems = settings.problems("check")
    if problems:
        for line in problems:
            out(line)
        return EXIT_PROBLEMS
    problems = [*await _reach_provider(settings, out), *await _reach_slack(settings, out)]
    for line in problems:
        out(line)
    return EXIT_PROBLEMS if problems else EXIT_OK


async def _reach_provider(settings: Settings, out: Callable[[str], None]) -> list[str]:
    creds = (
        "TELNYX_API_KEY"
        if settings.video_provider == "telnyx"
        else "SIGNALWIRE_PROJECT_ID / SIGNALWIRE_API_TOKEN"
    )
    where = (
        "TELNYX_BASE_URL"
        if settings.video_provider == "telnyx"
        else "SIGNALWIRE_SPACE / SIGNALWIRE_BASE_URL"
    )
    try:
        provider = build_provider(settings)
    except NotSupported as exc:
        return [f"VIDEO_PROVIDER: {exc}"]
    try:
        await provider.check()
    except Unauthorized:
        return [f"{creds}: {provider.label} refused these credentials"]
    except RateLimited as exc:
        return [f"{where}: {provider.label} is rate limiting ({exc}); try again later"]
    except ProviderUnavailable as exc:
        return [f"{where}: {exc}; check the address and the network"]
    except ProviderError as exc:
        return [f"{where}: {provider.label} answered unexpectedly ({exc})"]
    finally:
        await provider.aclose()
    out(f"ok: {provider.label} reached with the configured credentials")
    return []


async def _reach_slack(settings: Settings, out: Callable[[str], None]) -> list[str]:
    assert settings.slack_bot_token is not None  # checked by problems("check")
    client = AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=10,
    )
    try:
        response = await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "error") if exc.response is not None else "error"
        return [f"SLACK_BOT_TOKEN: Slack refused the token ({error})"]
    except Exception as exc:  # any transport failure: name the setting, not the stack
        return [f"SLACK_API_URL: Slack could not be reached ({type(exc).__name__})"]
    out(f"ok: Slack reached as {response.get('user', '?')} in team {response.get('team', '?')}")
    return []
