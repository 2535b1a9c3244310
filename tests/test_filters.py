"""Searching what people see (pure)."""

from __future__ import annotations

import pytest

from bot.providers.filters import names_match


@pytest.mark.parametrize(
    ("needle", "names"),
    [
        ("all hands", ("all-hands", None)),
        ("ALL HANDS", (None, "Company All-Hands")),
        ("daily", ("standup", "Daily Standup")),
        ("o'brien", ("obrien-1on1", "1:1 with O’Brien")),
        ("design review", ("design_review", None)),
        ("  sales   demo ", ("sales-demo", None)),
    ],
)
def test_matches_names_and_display_names_as_people_write_them(
    needle: str, names: tuple[str | None, str | None]
) -> None:
    assert names_match(needle, *names)


@pytest.mark.parametrize(
    ("needle", "names"),
    [
        ("all hands", ("allhands", "Company Allhands")),
        ("daily", ("standup", None)),
        ("x", (None, None)),
    ],
)
def test_does_not_match_what_is_not_there(
    needle: str, names: tuple[str | None, str | None]
) -> None:
    assert not names_match(needle, *names)
