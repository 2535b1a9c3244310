"""Helpers for checking simulator exchanges against a provider's OpenAPI spec with openapi-core."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

# jsonschema ships no type hints, and types-jsonschema is not among the dev dependencies.
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]
from openapi_core import Config, OpenAPI

SPECS = Path(__file__).resolve().parent / "specs"


def load_spec(path: Path) -> dict[str, Any]:
    """A spec as a document, read with libyaml (the pure-Python reader takes 10x longer)."""
    document: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return document


def openapi_of(document: dict[str, Any]) -> OpenAPI:
    """Validators for exchanges. The spec itself is not validated again here: that costs
    most of a second per document, and the published specs are checked once, by
    tests/test_simulator_openapi.py::test_the_published_specs_are_valid_openapi."""
    return OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))


_BRACKETS = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])+)")


def schema_errors(error: BaseException) -> Iterator[Any]:
    """The jsonschema errors behind an openapi-core validation failure."""
    current: BaseException | None = error
    while current is not None:
        yield from getattr(current, "schema_errors", ())
        current = current.__cause__


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def is_nested_deep_object(name: str) -> bool:
    """`filter[a][b]`: two levels, which openapi-core 0.23 cannot cast (it stops at one)."""
    match = _BRACKETS.fullmatch(name)
    return match is not None and match.group(2).count("[") > 1


def deep_objects(args: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """`{"filter[a][b]": "1", "page[size]": "2"}` -> `{"filter": {"a": {"b": "1"}}, ...}`."""
    objects: dict[str, dict[str, Any]] = {}
    for name, value in args.items():
        match = _BRACKETS.fullmatch(name)
        if match is None:
            continue
        keys = re.findall(r"\[([^\[\]]*)\]", match.group(2))
        node = objects.setdefault(match.group(1), {})
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value
    return objects


def _cast(value: Any, schema: Mapping[str, Any]) -> Any:
    """Query strings to the types the schema asks for, as a server would read them."""
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return {key: _cast(item, properties.get(key, {})) for key, item in value.items()}
    kind = schema.get("type")
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    if kind == "integer" and re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


def deep_object_errors(
    document: Mapping[str, Any], path: str, method: str, args: Mapping[str, str]
) -> list[str]:
    """What the spec's deepObject query parameters of one operation reject in `args`."""
    operation = document["paths"][path][method.lower()]
    problems: list[str] = []
    objects = deep_objects(args)
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            name = parameter["$ref"].rsplit("/", 1)[-1]
            parameter = document["components"]["parameters"][name]
        if parameter.get("style") != "deepObject" or parameter["name"] not in objects:
            continue
        schema = parameter["schema"]
        value = _cast(objects[parameter["name"]], schema)
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        problems += [error.message for error in validator.iter_errors(value)]
    return problems
