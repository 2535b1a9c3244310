"""The import direction of docs/architecture.md, read from the source with `ast`.

Nothing is imported: every module under `bot/` is parsed, each import (absolute, relative,
`from bot import x`, inside a function or under TYPE_CHECKING alike) is mapped to the
top-level unit under `bot` it lands in, and the units must stand in the layer order below:
a unit imports only units of a lower layer (or, where the layer allows it, of its own),
and no chain of imports between units comes back to where it started.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Layer:
    name: str
    units: frozenset[str]
    # Whether the units of this layer may import one another (never in a cycle).
    peers: bool


def _layer(name: str, units: str, *, peers: bool) -> Layer:
    return Layer(name, frozenset(units.split()), peers)


# Lowest first. A new top-level module or package under bot/ must be placed here, on purpose.
LAYERS: tuple[Layer, ...] = (
    _layer("floor", "settings ids times owed render logs references suggest", peers=True),
    _layer("providers", "providers", peers=False),
    # Pure domain packages; `watch` and `moderation` are placed where the design puts them.
    _layer("domain", "commands approvals digest watch moderation", peers=False),
    _layer("store", "store", peers=False),
    _layer("services", "services", peers=False),
    _layer("slack", "slack", peers=False),
    _layer("app", "app", peers=False),
    _layer(
        "entry points",
        "__main__ serve check_config digest_cli migrate_cli demo",
        peers=True,
    ),
)


@dataclass(frozen=True)
class Import:
    file: str  # relative to the tree's root, e.g. bot/slack/answers.py
    line: int
    module: str  # the absolute module named, e.g. bot.services.delivery

    def where(self) -> str:
        return f"{self.file}:{self.line}"


def module_name(root: Path, path: Path) -> tuple[str, bool]:
    """`bot.slack.answers` for bot/slack/answers.py, and whether the file is a package's
    __init__ (which changes what a relative import is relative to)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def imports_of(root: Path, path: Path) -> Iterator[Import]:
    """Every import a module makes, as absolute module names (a `from X import a` may name
    a module X.a or a name in X: both are yielded; the unit decides)."""
    name, is_package = module_name(root, path)
    package = name if is_package else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    file = path.relative_to(root).as_posix()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(file, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                steps = package.split(".")
                base_parts = steps[: len(steps) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            yield Import(file, node.lineno, base)
            for alias in node.names:
                if alias.name != "*":
                    yield Import(file, node.lineno, f"{base}.{alias.name}")


def unit_of(module: str) -> str | None:
    """The top-level unit under `bot` a module belongs to; None outside bot, or bot itself."""
    parts = module.split(".")
    if parts[0] != "bot" or len(parts) < 2:
        return None
    return parts[1]


def rank(unit: str) -> int | None:
    for number, layer in enumerate(LAYERS):
        if unit in layer.units:
            return number
    return None


def modules(root: Path) -> list[Path]:
    return sorted((root / "bot").rglob("*.py"))


def unit_of_file(root: Path, path: Path) -> str | None:
    return unit_of(module_name(root, path)[0])


# -- the checks -----------------------------------------------------------------------------


def unplaced(root: Path) -> list[str]:
    """Modules under bot/ whose unit has no place in LAYERS."""
    found = []
    for path in modules(root):
        unit = unit_of_file(root, path)
        if unit is not None and rank(unit) is None:
            found.append(f"{path.relative_to(root).as_posix()}: unit {unit!r} is in no layer")
    return found


def edges(root: Path) -> dict[tuple[str, str], list[Import]]:
    """(importing unit, imported unit) -> the imports that make the edge, in file order."""
    found: dict[tuple[str, str], list[Import]] = {}
    for path in modules(root):
        source = unit_of_file(root, path)
        if source is None:
            continue
        for item in imports_of(root, path):
            target = unit_of(item.module)
            if target is None or target == source:
                continue
            evidence = found.setdefault((source, target), [])
            if not any(seen.where() == item.where() for seen in evidence):
                evidence.append(item)
    return found


def against_the_layers(graph: Mapping[tuple[str, str], list[Import]]) -> list[str]:
    """Imports of a unit in a higher layer, or of a peer where the layer forbids it."""
    found = []
    for (source, target), evidence in sorted(graph.items()):
        low, high = rank(source), rank(target)
        if low is None or high is None:
            continue  # reported by `unplaced` (or a module name that is not a unit file)
        layer = LAYERS[low]
        if high > low:
            why = f"{source} ({layer.name}) imports {target} ({LAYERS[high].name}), a layer above"
        elif high == low and not layer.peers:
            why = f"{source} imports {target}: {layer.name} units do not import each other"
        else:
            continue
        found += [f"{item.where()}: {why} ({item.module})" for item in evidence]
    return found


def cycles(graph: Mapping[tuple[str, str], list[Import]]) -> list[str]:
    """One path per strongly connected group of units, each step with the file and line of
    an import that makes it."""
    following: dict[str, list[str]] = {}
    for source, target in sorted(graph):
        following.setdefault(source, []).append(target)
    reported: set[frozenset[str]] = set()
    found = []
    for start in sorted(following):
        path = _path_back(start, following)
        if path is None:
            continue
        members = frozenset(path)
        if members in reported:
            continue
        reported.add(members)
        steps = [
            f"{a} -> {b} ({graph[(a, b)][0].where()})"
            for a, b in zip(path, [*path[1:], path[0]], strict=True)
        ]
        found.append("cycle: " + ", ".join(steps))
    return found


def _path_back(start: str, following: Mapping[str, list[str]]) -> list[str] | None:
    """The shortest path of units from `start` back to itself, breadth first."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        next_frontier = []
        for unit in frontier:
            for target in following.get(unit, []):
                if target == start:
                    path = [unit]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return path[::-1]
                if target not in came_from:
                    came_from[target] = unit
                    next_frontier.append(target)
        frontier = next_frontier
    return None


def forbidden_imports(root: Path) -> list[str]:
    """Rules beside the layers: the simulators are not the product (only the demo may
    start them), providers never reach Slack, and listeners never talk HTTP themselves."""
    found = []
    for path in modules(root):
        file = path.relative_to(root).as_posix()
        for item in imports_of(root, path):
            top = item.module.split(".")[0]
            if top == "simulators" and not file.startswith("bot/demo/"):
                found.append(f"{item.where()}: only bot/demo/ may import simulators")
            if file.startswith("bot/providers/") and (
                top == "slack_sdk" or top == "slack_bolt" or unit_of(item.module) == "slack"
            ):
                found.append(f"{item.where()}: providers never import Slack ({item.module})")
            if file.startswith("bot/slack/listeners/") and top == "httpx":
                found.append(f"{item.where()}: listeners never import httpx")
    return sorted(set(found))


def simulators_beyond_the_floor(root: Path) -> list[str]:
    """The simulators stand in for Slack and the providers: from the product they may take
    only the floor's rules (ids, escaping), so that they never agree with a bug by sharing
    the code under test."""
    found = []
    for path in sorted((root / "simulators").rglob("*.py")):
        for item in imports_of(root, path):
            unit = unit_of(item.module)
            if unit is not None and rank(unit) != 0:
                found.append(f"{item.where()}: simulators import only the floor (bot.{unit})")
    return sorted(set(found))


def problems(root: Path) -> list[str]:
    graph = edges(root)
    return (
        unplaced(root)
        + cycles(graph)
        + against_the_layers(graph)
        + forbidden_imports(root)
        + simulators_beyond_the_floor(root)
    )


# -- the project ------------------------------------------------------------------------------


def test_every_unit_under_bot_has_a_layer() -> None:
    assert unplaced(ROOT) == []


def test_no_cycle_between_packages() -> None:
    assert cycles(edges(ROOT)) == []


def test_imports_run_down_the_layers() -> None:
    assert against_the_layers(edges(ROOT)) == []


def test_simulators_only_from_the_demo_no_slack_in_providers_no_http_in_listeners() -> None:
    assert forbidden_imports(ROOT) == []


def test_the_simulators_take_only_the_floor_from_the_product() -> None:
    assert simulators_beyond_the_floor(ROOT) == []


def test_the_reader_sees_the_imports_that_are_there() -> None:
    # A checker that reads nothing passes everything: the real tree has these edges.
    graph = edges(ROOT)
    assert ("app", "slack") in graph
    assert ("slack", "ids") in graph
    assert ("providers", "ids") in graph
    assert ("demo", "app") in graph


# -- the checker itself, on a made-up tree ----------------------------------------------------


def write_tree(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checker_catches_a_cycle_and_an_upward_import(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "bot/__init__.py": "",
            "bot/ids.py": "import re\n",
            "bot/store/__init__.py": "",
            # store -> services: upward, and with services -> store, a cycle.
            "bot/store/rows.py": "from bot.ids import CHANNEL_ID\n\n\nfrom bot.services import x\n",
            "bot/services/__init__.py": "",
            "bot/services/x.py": "from ..store import rows\n",
            "bot/slack/__init__.py": "",
            "bot/slack/listeners/__init__.py": "",
            "bot/slack/listeners/hello.py": "def f():\n    import httpx\n",
            "bot/providers/__init__.py": "",
            "bot/providers/p.py": "from bot import slack\nimport simulators.slack_api\n",
            "bot/demo/__init__.py": "from simulators import slack_api\n",
            "bot/commands/__init__.py": "",
            "bot/commands/grammar.py": "from bot.approvals import model\n",
            "bot/approvals/__init__.py": "",
            "bot/approvals/model.py": "",
            "bot/watchers/__init__.py": "",
            "simulators/slack_api.py": "from bot.ids import is_channel_id\nfrom bot.app import x\n",
        },
    )
    found = problems(tmp_path)
    assert "bot/watchers/__init__.py: unit 'watchers' is in no layer" in found
    assert (
        "cycle: services -> store (bot/services/x.py:1), store -> services (bot/store/rows.py:4)"
        in found
    )
    assert (
        "bot/store/rows.py:4: store (store) imports services (services), a layer above"
        " (bot.services)" in found
    )
    assert (
        "bot/providers/p.py:1: providers (providers) imports slack (slack), a layer above"
        " (bot.slack)" in found
    )
    assert (
        "bot/commands/grammar.py:1: commands imports approvals: domain units do not import"
        " each other (bot.approvals)" in found
    )
    assert "bot/providers/p.py:1: providers never import Slack (bot.slack)" in found
    assert "bot/providers/p.py:2: only bot/demo/ may import simulators" in found
    assert "bot/slack/listeners/hello.py:2: listeners never import httpx" in found
    assert "simulators/slack_api.py:2: simulators import only the floor (bot.app)" in found
    # What is allowed is not reported: the demo's simulators, store -> ids, services -> store.
    assert not [line for line in found if line.startswith("bot/demo/")]
    assert not [line for line in found if "imports ids" in line]
    assert not [line for line in found if line.startswith("bot/services/")]
    assert len(found) == 9, found


def test_relative_imports_resolve_from_the_package(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "bot/slack/__init__.py": "from . import answers\nfrom .. import ids\n",
            "bot/slack/blocks/kit.py": "from ...render import kit\nfrom ..answers import a\n",
        },
    )
    modules_named = {
        item.module for path in modules(tmp_path) for item in imports_of(tmp_path, path)
    }
    assert {
        "bot.slack.answers",
        "bot.ids",
        "bot.render.kit",
        "bot.slack.answers.a",
    } <= modules_named
    graph = edges(tmp_path)
    assert set(graph) == {("slack", "ids"), ("slack", "render")}
