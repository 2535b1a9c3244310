"""The functional core is pure in fact: the grammar and the renderers load no I/O library.

A fresh interpreter is the only honest check: in this process pytest and other tests have
long since imported httpx and the settings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PURE_MODULES = (
    "bot.commands.options",
    "bot.commands.moments",
    "bot.commands.fields",
    "bot.slack.blocks.sessions",
    "bot.slack.blocks.rooms",
    "bot.slack.blocks.help",
    "bot.slack.subcommands.base",
    "bot.render.text",
)
# HTTP clients, retries, settings, Slack SDKs and the store belong to the shell.
SHELL_MODULES = (
    "httpx",
    "httpcore",
    "tenacity",
    "pydantic_settings",
    "aiohttp",
    "slack_sdk",
    "slack_bolt",
    "sqlalchemy",
    "bot.settings",
)

_PROBE = """
import importlib, json, sys
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def _loaded_after_importing(modules: tuple[str, ...]) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(modules)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout)
    return set(loaded)


def test_grammar_and_renderers_load_no_shell_library() -> None:
    loaded = _loaded_after_importing(PURE_MODULES)
    # The probe really imported what it was asked to (an empty list would pass vacuously).
    assert set(PURE_MODULES) <= loaded
    shell = sorted(name for name in SHELL_MODULES if name in loaded)
    assert shell == [], f"importing the pure core loaded {shell}"


def test_the_probe_sees_a_shell_import() -> None:
    # The same probe on the wiring must see the shell, or the check above proves nothing.
    loaded = _loaded_after_importing(("bot.app",))
    assert {"httpx", "slack_bolt", "bot.settings"} <= loaded
