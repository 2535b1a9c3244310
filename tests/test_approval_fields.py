"""`/rooms update` fields, the update/approvals/audit grammar and the diff: pure, no server."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.approvals.diff import changes_for, current_value, plan_apply
from bot.approvals.model import FieldChange
from bot.commands.errors import UsageError
from bot.commands.fields import FieldRefused, field_spec, parse_assignments, parse_form, parse_value
from bot.providers.catalogue import (
    ALIASES,
    LAYOUTS,
    META_MAX_CHARS,
    SIGNALWIRE,
    SIGNALWIRE_FIELDS,
    FieldValue,
    format_instant,
)
from bot.providers.models import Room
from bot.slack.blocks.update_form import as_text
from bot.slack.subcommands.approvals import ApprovalsCommand
from bot.slack.subcommands.audit import AuditCommand
from bot.slack.subcommands.registry import parse
from bot.slack.subcommands.update import UpdateCommand

ROOM_ID = "3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a"
# Video.RoomLayout in tests/specs/signalwire-video.openapi.yaml.
SPEC_LAYOUTS = [
    "grid-responsive", "grid-responsive-mobile", "highlight-1-responsive", "1x1", "2x1",
    "2x2", "5up", "3x3", "4x4", "5x5", "6x6", "8x8", "10x10",
]  # fmt: skip


def refusal(text: str) -> FieldRefused:
    with pytest.raises(FieldRefused) as refused:
        parse(text)
    return refused.value


# -- the grammar ----------------------------------------------------------------------------


def test_update_with_fields_in_the_order_typed() -> None:
    command = parse(
        f"update {ROOM_ID.upper()} max_members=25 record_on_start=YES "
        'display_name="Daily stand-up" quality=1080P layout=5UP'
    )
    assert command == UpdateCommand(
        ROOM_ID,
        (
            ("max_members", 25),
            ("record_on_start", True),
            ("display_name", "Daily stand-up"),
            ("quality", "1080p"),
            ("layout", "5up"),
        ),
    )


def test_update_without_fields_is_the_form() -> None:
    assert parse("update `standup`") == UpdateCommand("standup", ())


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("update", "needs a room first"),
        ("update max_members=3", "needs a room first"),
        ("update <!channel>", "neither a room UUID nor a room name"),
        ("update standup 25", "is not a field change: write `field=value`"),
    ],
)
def test_update_needs_a_room_then_assignments(text: str, says: str) -> None:
    with pytest.raises(UsageError) as refused:
        parse(text)
    assert says in refused.value.message
    assert refused.value.usage == "/rooms update UUID|NAME [field=value ...]"


def test_approvals_and_audit() -> None:
    assert parse("approvals") == ApprovalsCommand()
    assert parse("audit") == AuditCommand(None, 10)
    assert parse("audit Standup limit=5") == AuditCommand("Standup", 5)
    assert parse(f"audit {ROOM_ID} limit=40") == AuditCommand(ROOM_ID, 40)
    for text, says in (
        ("approvals now", "takes nothing more"),
        ("audit a b", "one room at most"),
        ("audit limit=0", "limit must be from 1 to 40"),
        ("audit since=2026-01-01", "Unknown option `since`"),
    ):
        with pytest.raises(UsageError) as refused:
            parse(text)
        assert says in refused.value.message, text


# -- each field's rule: refused naming the field, the rule and an example ------------------


@pytest.mark.parametrize(
    ("typed", "field", "says"),
    [
        ("max_members=0", "max_members", "a whole number from 1 to 300, not 0"),
        ("max_members=301", "max_members", "not 301"),
        ("max_members=2.5", "max_members", "not `2.5`"),
        # Digits that are not 0-9 read as something else to an approver and the provider.
        ("max_members=２５", "max_members", "from 1 to 300, typed with the digits 0-9"),
        ("max_members=٢٥", "max_members", "`٢٥` uses other digits"),
        ("join_from=２０２６-12-01T09:00:00Z", "join_from", "RFC 3339"),
        ("max_members=", "max_members", "needs a value"),
        ("remove_after_seconds_elapsed=200001", "remove_after_seconds_elapsed", "1 to 200000"),
        ("quality=4k", "quality", "one of 720p, 1080p"),
        ("layout=grid", "layout", "one of grid-responsive"),
        ("record_on_start=maybe", "record_on_start", "true or false"),
        ("enable_room_previews=1", "enable_room_previews", "true or false"),
        ("join_from=tomorrow", "join_from", "RFC 3339"),
        ("join_until=2026-12-01T09:00", "join_until", "RFC 3339"),  # no zone: ambiguous
        ("remove_at=2026-12-01T09:00:00.5Z", "remove_at", "RFC 3339"),
        ("join_from=2026-13-01", "join_from", "RFC 3339"),
        ('display_name=""', "display_name", "cannot be empty"),
        ("display_name=" + "x" * 201, "display_name", "201 characters long"),
        ("description=" + "x" * 3001, "description", "3001 characters long"),
        ("meta={", "meta", "not valid JSON"),
        ("meta='[1, 2]'", "meta", "must be a JSON object"),
        ("meta='{\"a\": NaN}'", "meta", "not valid JSON"),
        ("meta=", "meta", "needs a JSON object"),
        ("max_member=3", "max_member", "Did you mean `max_members`?"),
        ("name=other", "name", "cannot be changed"),
        ("fps=30", "fps", "cannot be changed"),
    ],
)
def test_a_bad_value_is_refused_with_field_rule_and_example(
    typed: str, field: str, says: str
) -> None:
    refused = refusal(f"update standup {typed}")
    assert refused.field == field
    assert says in refused.message
    assert "Example: `" in refused.message
    # The example it gives is itself accepted.
    example = refused.message.rsplit("Example: `", 1)[1].removesuffix("`.")
    assert isinstance(parse(f"update standup {example}"), UpdateCommand)


def test_clearing_a_time_is_refused_saying_the_provider_cannot() -> None:
    for name in ("join_from", "join_until", "remove_at"):
        refused = refusal(f"update standup {name}=")
        assert refused.field == name
        assert f"SignalWire cannot clear `{name}`" in refused.message


def test_a_description_may_be_emptied() -> None:
    assert parse('update standup description=""') == UpdateCommand(
        "standup", (("description", ""),)
    )


def test_times_become_utc_to_the_second() -> None:
    command = parse(
        "update standup join_from=2026-12-01T09:00+01:00 join_until=2026-12-31 "
        "remove_at=2027-01-01t10:11:12z"
    )
    assert isinstance(command, UpdateCommand)
    assert dict(command.fields) == {
        "join_from": "2026-12-01T08:00:00Z",
        "join_until": "2026-12-31T00:00:00Z",
        "remove_at": "2027-01-01T10:11:12Z",
    }


def test_join_window_must_run_forwards() -> None:
    refused = refusal("update standup join_from=2026-12-02 join_until=2026-12-01")
    assert refused.field == "join_until" and "later than `join_from`" in refused.message


@pytest.mark.parametrize(("word", "value"), [(w, True) for w in ("true", "Yes", "ON")] + [
    (w, False) for w in ("false", "NO", "off")
])  # fmt: skip
def test_booleans_take_six_words(word: str, value: bool) -> None:
    assert parse_assignments([f"sync_audio_video={word}"], catalogue=SIGNALWIRE) == {
        "sync_audio_video": value
    }


def test_audio_video_sync_is_an_alias_and_both_at_once_is_refused() -> None:
    assert parse_assignments(["audio_video_sync=off"], catalogue=SIGNALWIRE) == {
        "sync_audio_video": False
    }
    refused = refusal("update standup sync_audio_video=on audio_video_sync=on")
    assert "given twice (`audio_video_sync` is another name for `sync_audio_video`)" in (
        refused.message
    )
    assert "given twice; give it once" in refusal("update standup layout=1x1 layout=2x2").message


def test_meta_is_a_json_object_of_at_most_2000_characters() -> None:
    small = {"team": "ops", "tier": [1, 2]}
    assert parse_assignments([f"meta={json.dumps(small)}"], catalogue=SIGNALWIRE) == {"meta": small}
    fits = {"k": "x" * (META_MAX_CHARS - len('{"k":""}'))}
    assert parse_assignments([f"meta={json.dumps(fits)}"], catalogue=SIGNALWIRE) == {"meta": fits}
    too_big = {"k": "x" * (META_MAX_CHARS - len('{"k":""}') + 1)}
    with pytest.raises(FieldRefused, match="2001 characters as JSON"):
        parse_assignments([f"meta={json.dumps(too_big)}"], catalogue=SIGNALWIRE)


def test_the_catalogue_is_the_specs_update_request() -> None:
    assert set(SIGNALWIRE_FIELDS) == {
        "display_name", "description", "max_members", "quality", "join_from", "join_until",
        "remove_at", "remove_after_seconds_elapsed", "layout", "record_on_start",
        "enable_room_previews", "sync_audio_video", "meta",
    }  # fmt: skip
    assert list(LAYOUTS) == SPEC_LAYOUTS
    assert ALIASES == {"audio_video_sync": "sync_audio_video"}


def test_echoed_input_pings_nobody() -> None:
    refused = refusal('update standup quality="hd <!channel> now"')
    assert "<!channel>" not in refused.message and "&lt;!channel&gt;" in refused.message


def test_signalwire_refusals_without_the_grammar() -> None:
    with pytest.raises(FieldRefused) as read_only:
        field_spec("name", catalogue=SIGNALWIRE)
    assert read_only.value.message.startswith(
        "`name` cannot be changed: SignalWire's UpdateRoomRequest has no such field. "
        'Example: `display_name="Daily stand-up"`.'
    )
    with pytest.raises(FieldRefused) as unknown:
        field_spec("bogus", catalogue=SIGNALWIRE)
    assert "Fields: " + ", ".join(SIGNALWIRE_FIELDS) + ". Example: `max_members=25`." in (
        unknown.value.message
    )
    with pytest.raises(UsageError) as bare:
        parse_assignments(["25"], catalogue=SIGNALWIRE)
    assert "write `field=value`, e.g. `max_members=25`" in bare.value.message


# -- the form: every field checked at once ---------------------------------------------------


def test_the_form_reports_every_bad_field_at_once() -> None:
    values, refusals = parse_form(
        [("max_members", "0"), ("quality", "1080p"), ("join_from", ""), ("meta", "[]")],
        catalogue=SIGNALWIRE,
    )
    assert values == {"quality": "1080p"}
    assert set(refusals) == {"max_members", "join_from", "meta"}
    assert "cannot clear" in refusals["join_from"]
    assert "Example" not in refusals["max_members"]  # the form shows the rule, not a command


# -- properties -----------------------------------------------------------------------------

FIELD_NAMES = st.sampled_from([*SIGNALWIRE_FIELDS, *ALIASES, "name", "bogus"])


@given(name=FIELD_NAMES, raw=st.text(max_size=300))
def test_any_text_becomes_a_value_or_a_refusal(name: str, raw: str) -> None:
    try:
        spec = field_spec(name, catalogue=SIGNALWIRE)
        value = parse_value(spec, raw)
    except UsageError as refused:
        assert refused.message and refused.usage
        return
    assert json.loads(json.dumps(value)) == value  # the store and the PUT take it as is
    # What a valid value reads as in the form parses back to the same value.
    assert parse_value(spec, as_text(value)) == value


@given(moment=st.datetimes(timezones=st.just(UTC)).map(lambda m: m.replace(microsecond=0)))
def test_a_formatted_time_parses_back(moment: datetime) -> None:
    text = format_instant(moment)
    assert parse_value(SIGNALWIRE_FIELDS["join_from"], text) == text


# -- the diff -------------------------------------------------------------------------------

ROOM = Room(
    id=ROOM_ID,
    name="standup",
    max_members=10,
    record_on_start=False,
    join_from=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    meta={"team": "ops"},
)


def test_only_fields_that_differ_are_changes_in_the_order_asked() -> None:
    requested: dict[str, FieldValue] = {
        "record_on_start": True,
        "max_members": 10,  # as it is: no change
        "join_from": "2026-12-01T09:00:00Z",  # the same moment: no change
        "meta": {"team": "ops", "tier": 2},
        "description": "",  # unset (None) to empty is a change
    }
    assert changes_for(ROOM, requested) == (
        FieldChange("record_on_start", False, True),
        FieldChange("meta", {"team": "ops"}, {"team": "ops", "tier": 2}),
        FieldChange("description", None, ""),
    )
    assert changes_for(ROOM, {"max_members": 10}) == ()


def test_values_compare_by_type_too() -> None:
    flagged = ROOM.model_copy(update={"record_on_start": True, "max_members": 1})
    assert changes_for(flagged, {"max_members": True}) == (FieldChange("max_members", 1, True),)
    assert current_value(ROOM, "join_from") == "2026-12-01T09:00:00Z"


def test_apply_plan_sends_what_is_still_old_skips_what_landed_and_spots_staleness() -> None:
    changes = (FieldChange("max_members", 10, 25), FieldChange("record_on_start", False, True))
    assert plan_apply(changes, ROOM).send == {"max_members": 25, "record_on_start": True}
    half = ROOM.model_copy(update={"record_on_start": True})
    plan = plan_apply(changes, half)
    assert (plan.send, plan.already, plan.is_stale) == (
        {"max_members": 25},
        ("record_on_start",),
        False,
    )
    moved = ROOM.model_copy(update={"max_members": 12})
    stale = plan_apply(changes, moved)
    assert stale.is_stale
    assert [(s.field, s.was, s.now, s.wanted) for s in stale.stale] == [("max_members", 10, 12, 25)]
