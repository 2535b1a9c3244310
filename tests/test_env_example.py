"""`.env.example` and docs/configuration.md name exactly the settings bot.settings reads,
with its defaults, so neither can drift from the code."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
ENV_EXAMPLE = ROOT / ".env.example"
CONFIGURATION = ROOT / "docs" / "configuration.md"
FIELDS = Settings.model_fields
NAMES = {name.upper() for name in FIELDS}

# `NAME=value` sets a variable; `# NAME=value` shows a default without setting it.
_ASSIGNMENT = re.compile(r"^(?P<comment>#\s*)?(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")
# A settings table row: | `NAME` | meaning | default | allowed values | needed by |
_ROW = re.compile(r"^\|\s*`(?P<name>[A-Z][A-Z0-9_]*)`\s*\|(?P<rest>.*)\|\s*$")


def env_example_lines() -> dict[str, tuple[bool, str]]:
    """Each variable of .env.example: whether it is set (not commented out), and its value."""
    found: dict[str, tuple[bool, str]] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = _ASSIGNMENT.match(line.strip())
        if match is None:
            continue
        name = match["name"]
        assert name not in found, f"{name} appears twice in .env.example"
        found[name] = (match["comment"] is None, match["value"].strip())
    return found


def documented_rows() -> dict[str, list[str]]:
    """Each settings table row of docs/configuration.md: its cells after the name."""
    rows: dict[str, list[str]] = {}
    for line in CONFIGURATION.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line.strip())
        if match is None:
            continue
        name = match["name"]
        assert name not in rows, f"{name} has two rows in docs/configuration.md"
        rows[name] = [cell.strip() for cell in match["rest"].split("|")]
    return rows


def env_value(default: object) -> str:
    """How a default is written in an environment variable."""
    if default is None or default == ():
        return ""
    if isinstance(default, bool):
        return str(default).lower()
    if isinstance(default, time):
        return default.strftime("%H:%M")
    if isinstance(default, float) and default.is_integer():
        return str(int(default))
    return str(default)


def doc_value(default: object) -> str:
    """How a default is written in the documentation's default column."""
    if default is None:
        return "none"
    if default == ():
        return "empty"
    return f"`{env_value(default)}`"


def is_secret(name: str) -> bool:
    return "SecretStr" in str(FIELDS[name.lower()].annotation)


def test_env_example_names_every_setting_and_nothing_else() -> None:
    found = set(env_example_lines())
    assert sorted(NAMES - found) == [], "settings missing from .env.example"
    assert sorted(found - NAMES) == [], "variables in .env.example that Settings does not read"


def test_env_example_comments_out_defaults_only() -> None:
    for name, (is_set, value) in env_example_lines().items():
        if not is_set:
            expected = env_value(FIELDS[name.lower()].default)
            assert value == expected, f"{name}: shows {value!r}, the default is {expected!r}"


def test_env_example_holds_no_secret_value() -> None:
    secrets = [name for name in NAMES if is_secret(name)]
    assert secrets, "no secret settings found: has SecretStr gone?"
    lines = env_example_lines()
    assert {name: lines[name][1] for name in secrets} == {name: "" for name in secrets}


def test_env_example_blanks_are_what_serve_asks_for(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Copied to .env and started untouched, the bot names exactly the lines left to fill in.
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    settings = Settings(_env_file=ENV_EXAMPLE)
    required = {problem.split(":", 1)[0] for problem in settings.problems("serve")}
    blanks = {name for name, (is_set, value) in env_example_lines().items() if is_set and not value}
    assert required, "serve asked for nothing: the example file may not have been read"
    assert blanks == required


def test_env_example_loads_and_sets_nothing_but_blanks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    loaded = Settings(_env_file=ENV_EXAMPLE)
    defaults = Settings(_env_file=None)
    for field in FIELDS:
        value, default = getattr(loaded, field), getattr(defaults, field)
        if isinstance(value, SecretStr):
            value = value.get_secret_value() or None
        if value == "":
            value = None
        assert value == default, f"{field.upper()}: .env.example changes the default"


def test_configuration_documents_every_setting_and_nothing_else() -> None:
    documented = set(documented_rows())
    assert sorted(NAMES - documented) == [], "settings missing from docs/configuration.md"
    assert sorted(documented - NAMES) == [], "documented variables that Settings does not read"


def test_configuration_states_each_default() -> None:
    for name, cells in documented_rows().items():
        assert len(cells) == 4, f"{name}: expected meaning | default | allowed | needed by"
        meaning, default = cells[0], cells[1]
        assert meaning, f"{name}: no meaning given"
        assert default == doc_value(FIELDS[name.lower()].default), name
