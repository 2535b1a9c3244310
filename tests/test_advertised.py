"""RoomOps advertises only what it does.

Every `/rooms` subcommand that manifest.yaml, `/rooms help` or `python -m bot --help` names
must be one the code runs, and nothing the product contract (docs/design.md) promises but
the code does not run yet may be offered. What runs is read from the code (the grammar's
parsers, the CLI's dispatch), so these tests keep passing as subcommands land.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import inspect
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr

import bot.__main__ as cli
from bot.commands.errors import UsageError
from bot.commands.fields import catalogue_for
from bot.settings import Settings
from bot.slack.blocks.help import render_help
from bot.slack.blocks.provider_view import view_for
from bot.slack.subcommands.help import HelpCommand
from bot.slack.subcommands.registry import REGISTRY, parse, parse_words
from tests.conftest import ON_BOTH_PROVIDERS
from tests.slack_driver import Driver, blocks_text, text_of

ROOT = Path(__file__).resolve().parent.parent
PROVIDERS = ("signalwire", "telnyx")
# The subcommands the registry routes (help is answered for empty text and its aliases too).
ROUTED = set(REGISTRY.commands)
PLACEHOLDER = "not available in this release"
# `/rooms WORD` in prose: WORD may be an ordinary word ("with /rooms they list ...").
_PROSE_MENTION = re.compile(r"/rooms\s+([A-Za-z][\w-]*)")
# In a code span or at the start of a usage line, WORD is always a subcommand.
_CODE_MENTION = re.compile(r"`/rooms\s+([A-Za-z][\w-]*)")
_LINE_MENTION = re.compile(r"^/rooms\s+([A-Za-z][\w-]*)", re.MULTILINE)
# Alternatives in a usage line: ` | ` with spaces, unlike `UUID|NAME` inside one.
_ALTERNATIVE = re.compile(r"\s+\|\s+")


def rooms_runs(word: str) -> bool:
    """Whether `/rooms WORD` is a command the grammar runs (help is answered before the
    parsers, so it is asked of the grammar itself)."""
    if word in ROUTED:
        return True
    try:
        return isinstance(parse_words([word]), HelpCommand)
    except UsageError:
        return False


def contract_rooms_subcommands() -> set[str]:
    """Every `/rooms` subcommand the product contract names, shipped or not."""
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    named = set(_CODE_MENTION.findall(design))
    assert "sessions" in named, "docs/design.md's command table was not found"
    return named


def unshipped_rooms_subcommands() -> set[str]:
    return {word for word in contract_rooms_subcommands() if not rooms_runs(word)}


def stem(word: str) -> str:
    # Enough of the word to catch its forms in prose: approvals -> approv (approve, approved).
    return word.lower().removesuffix("s")[:6]


def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "manifest.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def rooms_command(document: dict[str, Any]) -> dict[str, Any]:
    (command,) = [c for c in document["features"]["slash_commands"] if c["command"] == "/rooms"]
    assert isinstance(command, dict)
    return command


def manifest_prose(document: dict[str, Any]) -> dict[str, str]:
    """The manifest's free text that Slack shows people, by where it is."""
    info = document["display_information"]
    return {
        "display_information.description": info["description"],
        "display_information.long_description": info["long_description"],
        "/rooms description": rooms_command(document)["description"],
    }


def hint_subcommands(hint: str) -> list[str]:
    """The first word of each alternative of a usage hint (`help | sessions [...] | ...`)."""
    return [alternative.split()[0] for alternative in _ALTERNATIVE.split(hint.strip())]


def cli_commands() -> set[str]:
    """The CLI's subcommands as its parser accepts them."""
    (action,) = [a for a in cli._parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return set(action.choices)


def cli_dispatched() -> set[str]:
    """The commands `main` runs: the strings it compares `command` with."""
    tree = ast.parse(inspect.getsource(cli.main))
    dispatched: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Compare) and isinstance(node.left, ast.Name)):
            continue
        if node.left.id != "command":
            continue
        for comparator in node.comparators:
            for constant in ast.walk(comparator):
                if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                    dispatched.add(constant.value)
    return dispatched


def cli_help(*command: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exited:
        cli.main([*command, "--help"])
    assert exited.value.code == 0
    return out.getvalue()


def contract_cli_commands() -> set[str]:
    """The CLI commands in the product contract's command-line table."""
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    section = design.split("### Command line", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"^\|\s*`([a-z][a-z-]*)", section, flags=re.MULTILINE))
    assert "serve" in named, "docs/design.md's command-line table was not found"
    return named


# -- the Slack manifest ---------------------------------------------------------------------


def test_manifest_usage_hint_offers_only_subcommands_that_run() -> None:
    hint = rooms_command(manifest())["usage_hint"]
    offered = hint_subcommands(hint)
    assert len(offered) > 1, f"the usage hint no longer reads as alternatives: {hint!r}"
    assert [word for word in offered if not rooms_runs(word)] == []


def test_manifest_prose_names_no_unshipped_subcommand() -> None:
    unshipped = unshipped_rooms_subcommands()
    for where, text in manifest_prose(manifest()).items():
        named = set(_PROSE_MENTION.findall(text)) | set(_CODE_MENTION.findall(text))
        assert sorted(named & unshipped) == [], where


def test_manifest_prose_promises_no_unshipped_feature() -> None:
    unshipped = unshipped_rooms_subcommands()
    for where, text in manifest_prose(manifest()).items():
        promised = sorted(word for word in unshipped if stem(word) in text.lower())
        assert promised == [], f"{where} promises {promised}, which /rooms does not run yet"


def test_stems_catch_the_forms_prose_uses() -> None:
    # The check above is only as good as its stems: the forms a description would use.
    assert stem("Approvals") in "approve room changes"
    assert stem("digest") in "a daily digest"
    assert stem("update") in "updates behind an approval"


def test_manifest_names_both_providers() -> None:
    document = manifest()
    prose = " ".join(manifest_prose(document).values())
    assert "SignalWire" in prose and "Telnyx" in prose


# -- /rooms help ------------------------------------------------------------------------------


def test_usage_lists_only_subcommands_that_run() -> None:
    assert [unit.name for unit in REGISTRY if not rooms_runs(unit.name)] == []
    for unit in REGISTRY:
        assert _LINE_MENTION.findall(unit.usage) == [unit.name], unit.usage
        assert all(unit.summary(provider) for provider in PROVIDERS), unit.name


def test_usage_covers_every_subcommand_that_runs() -> None:
    assert sorted(ROUTED - set(REGISTRY.names)) == []


def test_help_examples_all_parse() -> None:
    for name in PROVIDERS:
        for example in (e for unit in REGISTRY for e in unit.examples(name)):
            assert example.startswith("/rooms ")
            # Raises UsageError if it would be refused on that provider.
            parse(example.removeprefix("/rooms "), catalogue=catalogue_for(name))


@pytest.mark.parametrize("provider", ["signalwire", "telnyx"])
def test_help_lists_the_update_fields_of_the_provider(provider: str) -> None:
    listed = re.search(r"room fields \(([^)]*)\)", REGISTRY["update"].summary(provider))
    assert listed is not None
    assert listed.group(1).split(", ") == list(catalogue_for(provider).fields)
    shown = render_help(REGISTRY, view=view_for(provider)).text
    other = "telnyx" if provider == "signalwire" else "signalwire"
    assert REGISTRY["update"].summary(other) not in shown
    assert ("Telnyx has no conferences" in shown) == (provider == "telnyx")


def help_subcommands(text: str, blocks: str) -> set[str]:
    """The subcommands a help reply names: code spans in its blocks, usage lines in its
    plain-text fallback; unshipped ones anywhere in either."""
    named = set(_CODE_MENTION.findall(blocks)) | set(_LINE_MENTION.findall(text))
    prose = set(_PROSE_MENTION.findall(text + blocks))
    return named | (prose & contract_rooms_subcommands())


def test_rendered_help_names_only_subcommands_that_run() -> None:
    reply = render_help(REGISTRY)
    mentioned = help_subcommands(reply.text, json.dumps(reply.blocks))
    assert mentioned >= ROUTED
    assert sorted(word for word in mentioned if not rooms_runs(word)) == []


@ON_BOTH_PROVIDERS
async def test_help_reply_from_the_running_bot_names_only_what_runs(bot: Driver) -> None:
    reply = await bot.ask("help")
    mentioned = help_subcommands(text_of(reply), blocks_text(reply))
    assert mentioned >= ROUTED
    assert sorted(word for word in mentioned if not rooms_runs(word)) == []


# -- the command line -----------------------------------------------------------------------


def test_cli_offers_only_commands_it_runs() -> None:
    offered = set(cli_commands())
    assert {"serve", "check-config"} <= offered, "the CLI parser was not read"
    assert sorted(offered - cli_dispatched()) == []


def test_cli_help_lists_exactly_the_offered_commands() -> None:
    shown = cli_help()
    listed = set(re.findall(r"^ {4}([a-z][a-z-]*)", shown, flags=re.MULTILINE))
    assert listed == cli_commands()


def test_cli_help_offers_no_unshipped_command() -> None:
    shown = cli_help()
    unshipped = contract_cli_commands() - cli_dispatched()
    assert sorted(name for name in unshipped if re.search(rf"\b{name}\b", shown)) == []


def test_cli_help_names_both_providers() -> None:
    shown = cli_help()
    assert "SignalWire" in shown and "Telnyx" in shown
    assert "--provider" in cli_help("demo")


# -- Telnyx needs its key, and only its key ---------------------------------------------------


def test_telnyx_needs_its_key_and_nothing_of_signalwire() -> None:
    keyless = Settings(_env_file=None, video_provider="telnyx")
    keyed = Settings(
        _env_file=None, video_provider="telnyx", telnyx_api_key=SecretStr("key-for-the-test")
    )
    for mode in ("serve", "socket", "check", "digest"):
        lines = keyless.problems(mode)
        assert [p for p in lines if p.startswith(("TELNYX_", "VIDEO_"))] == [
            "TELNYX_API_KEY: required when VIDEO_PROVIDER=telnyx "
            "(Telnyx Mission Control portal > Auth > API Keys)"
        ], mode
        assert not any(
            p.startswith(("SIGNALWIRE_", "VIDEO_", "TELNYX_")) for p in keyed.problems(mode)
        )


# -- no placeholders ------------------------------------------------------------------------


def test_no_module_says_a_feature_is_not_available() -> None:
    sources = [path for path in (ROOT / "bot").rglob("*") if path.suffix in (".py", ".mako")]
    assert len(sources) > 20, "the bot package was not found"
    saying = [
        str(path.relative_to(ROOT))
        for path in sources
        if PLACEHOLDER in path.read_text(encoding="utf-8").lower()
    ]
    assert saying == []
