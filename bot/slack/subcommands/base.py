"""What a `/rooms` subcommand declares, and the registry that help, routing, usage hints,
the More button and the App Home read (pure: nothing here talks to Slack or a provider).

A subcommand is one `Subcommand` value in its own module: its word, usage line, summary and
examples per provider, its parser (words → its own typed command), its answer (command →
reply), and, for a listing, how it pages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from bot.commands.errors import UsageError
from bot.commands.words import split_words, tidy
from bot.providers.catalogue import SIGNALWIRE, Catalogue
from bot.render.kit import Reply
from bot.render.text import echo
from bot.suggest import closest

C = TypeVar("C")
T = TypeVar("T")

HELP = "help"
HELP_USAGE = "/rooms help"


@dataclass(frozen=True)
class Grammar:
    """What a parser may read besides the words."""

    catalogue: Catalogue  # the fields `/rooms update` takes: the configured provider's
    topics: tuple[str, ...]  # the registry's subcommand names (help's topics)


@dataclass(frozen=True)
class Caller:
    """Who asked, where, and which registry answers (help lists it)."""

    user_id: str | None
    channel_id: str | None
    # The slash command's or the click's payload (an update's form needs its trigger_id).
    payload: Mapping[str, Any]
    registry: Registry


# The app's services (`bot.slack.services.Services`, which hold the More codec built on this
# registry): each unit's `answer` names the type; here it is open, so that this module
# imports nothing above it.
AppServices = Any


@dataclass(frozen=True)
class MoreState:
    """What a More button carries: a listing's command, how many rows were shown, and the
    provider's cursor for listings that page by cursor."""

    command: Any  # a command of a subcommand that pages
    shown: int
    cursor: str | None = None


@dataclass(frozen=True)
class Paging(Generic[C]):
    """How a listing pages on: what its More button carries and how the next page comes."""

    # The provider's cursor (sessions), or how many rows were shown (rooms, conferences).
    takes: Literal["cursor", "offset"]
    # The words after the subcommand's name that parse back to the command.
    unparse: Callable[[C], list[str]]
    # The next page of a state the More button carried (validated for `takes`).
    next_page: Callable[[MoreState, AppServices, str | None], Awaitable[Reply]]


@dataclass(frozen=True)
class Subcommand(Generic[C]):
    name: str
    usage: str
    summary: Callable[[str], str]  # by VIDEO_PROVIDER value
    examples: Callable[[str], tuple[str, ...]]  # by VIDEO_PROVIDER value
    parse: Callable[[list[str], Grammar], C]
    # The reply for the caller; None when the answer went elsewhere (a form was opened).
    answer: Callable[[C, AppServices, Caller], Awaitable[Reply | None]]
    # The command types `parse` returns: how a command finds its unit again (More).
    forms: tuple[type[C], ...]
    paging: Paging[C] | None = None


def by_provider(default: T, **others: T) -> Callable[[str], T]:
    """A summary or examples that are `default` except on the providers named."""
    return lambda provider: others.get(provider, default)


@dataclass(frozen=True)
class Parsed:
    unit: Subcommand[Any]
    command: Any


@dataclass(frozen=True)
class Registry:
    """The subcommands in help order. `help` answers empty text and its aliases."""

    units: tuple[Subcommand[Any], ...]
    help_aliases: tuple[str, ...] = ("-h", "--help", "?")
    _by_name: dict[str, Subcommand[Any]] = field(init=False, repr=False, compare=False)
    _by_form: dict[type, Subcommand[Any]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {unit.name: unit for unit in self.units}
        by_form = {form: unit for unit in self.units for form in unit.forms}
        if len(by_name) != len(self.units) or HELP not in by_name:
            raise ValueError("subcommand names must be unique, and help one of them")
        if len(by_form) != sum(len(unit.forms) for unit in self.units):
            raise ValueError("a command type belongs to one subcommand")
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_by_form", by_form)

    def __iter__(self) -> Iterator[Subcommand[Any]]:
        return iter(self.units)

    def __getitem__(self, name: str) -> Subcommand[Any]:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    @property
    def commands(self) -> tuple[str, ...]:
        """The names a mistyped word is matched against: every subcommand but help."""
        return tuple(name for name in self._by_name if name != HELP)

    def with_unit(self, unit: Subcommand[Any]) -> Registry:
        """Another registry with `unit` added last (this one is left as it is)."""
        return Registry((*self.units, unit), self.help_aliases)

    def unit_of(self, command: object) -> Subcommand[Any]:
        """The subcommand that parsed `command`."""
        return self._by_form[type(command)]

    def read(self, words: list[str], catalogue: Catalogue = SIGNALWIRE) -> Parsed:
        """The subcommand the words name and its command; UsageError for anything else."""
        grammar = Grammar(catalogue, self.names)
        if not words or words[0].lower() in (HELP, *self.help_aliases):
            unit = self._by_name[HELP]
        else:
            # Help is asked for by its exact word; a pasted or mistyped word is tidied.
            found = self._by_name.get(tidy(words[0].lower()))
            if found is None or found.name == HELP:
                raise self._unknown(words[0])
            unit = found
        return Parsed(unit, unit.parse(words[1:], grammar))

    def parse_words(self, words: list[str], catalogue: Catalogue = SIGNALWIRE) -> Any:
        return self.read(words, catalogue).command

    def parse(self, text: str, catalogue: Catalogue = SIGNALWIRE) -> Any:
        """`catalogue`: the fields `/rooms update` takes, the configured provider's."""
        return self.parse_words(split_words(text), catalogue)

    def unparse(self, command: object) -> list[str]:
        """The words that parse back to a listing's command: what a More button carries."""
        unit = self.unit_of(command)
        if unit.paging is None:
            raise ValueError(f"/rooms {unit.name} does not page")
        return [unit.name, *unit.paging.unparse(command)]

    def manifest_hint(self) -> str:
        """The slash command's usage hint in manifest.yaml: every usage line, in order."""
        return " | ".join(unit.usage.replace("/rooms ", "") for unit in self.units)

    def _unknown(self, word: str) -> UsageError:
        guesses = closest(tidy(word), list(self.commands))
        if guesses:
            return UsageError(
                f"`{echo(word)}` is not a /rooms command. Did you mean `{guesses[0]}`?",
                self._by_name[guesses[0]].usage,
            )
        return UsageError(
            f"`{echo(word)}` is not a /rooms command. Commands: "
            + ", ".join(f"`{name}`" for name in self.commands)
            + ".",
            HELP_USAGE,
        )
