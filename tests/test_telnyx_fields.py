"""`/rooms update` on Telnyx: its field catalogue, each field's rule, refusals that name the
provider, the diff on Telnyx rooms and the form (pure, no server)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.approvals.diff import changes_for, current_value, current_values, plan_apply
from bot.approvals.model import FieldChange
from bot.commands.errors import UsageError
from bot.commands.fields import (
    FieldRefused,
    catalogue_for,
    field_spec,
    parse_assignments,
    parse_form,
    parse_value,
)
from bot.ids import ROOM_NAME
from bot.providers.catalogue import CATALOGUES, SIGNALWIRE, TELNYX, Catalogue, FieldValue
from bot.providers.ids import is_uuid
from bot.providers.models import Room
from bot.providers.telnyx import map_room
from bot.slack.blocks.update_form import LABELS, as_text, form_view, read_submission
from bot.slack.subcommands.registry import parse_words
from bot.slack.subcommands.room import RoomCommand
from tests.openapi_check import load_spec
from tests.test_update_form import state_of

SPEC = Path(__file__).parent / "specs" / "telnyx-video-rooms.openapi.yaml"
ROOM_ID = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
TELNYX_ORDER = [
    "unique_name",
    "max_participants",
    "enable_recording",
    "webhook_event_url",
    "webhook_event_failover_url",
    "webhook_timeout_secs",
]


def patch_room_request() -> dict[str, Any]:
    schema: dict[str, Any] = load_spec(SPEC)["components"]["schemas"]["PatchRoomRequest"]
    return schema


def refused(typed: str, catalogue: Catalogue = TELNYX) -> FieldRefused:
    with pytest.raises(FieldRefused) as refusal:
        parse_assignments([typed], catalogue=catalogue)
    return refusal.value


def example_of(refusal: FieldRefused) -> str:
    return refusal.message.rsplit("Example: `", 1)[1].removesuffix("`.")


# -- the catalogue is the spec's PatchRoomRequest --------------------------------------------


def test_the_fields_are_the_specs_patch_room_request() -> None:
    properties = patch_room_request()["properties"]
    assert set(TELNYX.fields) == set(properties)
    assert list(TELNYX.fields) == TELNYX_ORDER
    for name, spec in TELNYX.fields.items():
        if spec.kind == "integer":
            assert (spec.low, spec.high) == (
                properties[name]["minimum"],
                properties[name]["maximum"],
            ), name
        # Clearable exactly where the spec has an empty default, cleared to that default.
        if "default" in properties[name] and spec.kind != "flag" and name != "max_participants":
            assert spec.clearable and spec.cleared == properties[name]["default"], name
    assert TELNYX.fields["webhook_timeout_secs"].cleared is None
    assert not TELNYX.fields["webhook_event_url"].clearable
    assert not TELNYX.fields["unique_name"].clearable


@given(
    st.one_of(
        st.from_regex(ROOM_NAME, fullmatch=True),
        st.text(alphabet=st.sampled_from("aZ09_-.́ 　٣ß\n#`<@"), max_size=110),
    )
)
def test_a_room_renamed_by_update_can_still_be_named_in_rooms_room(name: str) -> None:
    # The grammar and the update's name field ask the same rule: a rename that succeeds
    # never leaves a room `/rooms room NAME` cannot find, and a name the grammar finds
    # rooms by is a name a room may be given.
    try:
        renamed: FieldValue | None = parse_value(TELNYX.fields["unique_name"], name)
    except FieldRefused:
        renamed = None
    try:
        found = parse_words(["room", name.strip()], catalogue=TELNYX)
    except UsageError:
        found = None
    if renamed is None:
        assert found is None, name
    else:
        assert isinstance(renamed, str)
        assert found == RoomCommand(renamed.lower() if is_uuid(renamed) else renamed), name


def test_catalogues_by_provider_name() -> None:
    assert dict(CATALOGUES) == {"signalwire": SIGNALWIRE, "telnyx": TELNYX}
    assert catalogue_for("telnyx") is TELNYX
    assert catalogue_for("SignalWire") is SIGNALWIRE
    with pytest.raises(ValueError, match="known: signalwire, telnyx"):
        catalogue_for("zoom")
    assert (TELNYX.provider, SIGNALWIRE.provider) == ("Telnyx", "SignalWire")
    assert TELNYX.form_note is None and SIGNALWIRE.form_note is not None


# -- each field: valid values --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("unique_name=daily-standup", "daily-standup"),
        ("unique_name=A_1", "A_1"),
        ("unique_name=" + "x" * 100, "x" * 100),
        ("max_participants=2", 2),
        ("max_participants=50", 50),
        ("enable_recording=YES", True),
        ("enable_recording=off", False),
        ("webhook_event_url=https://example.com/hooks", "https://example.com/hooks"),
        ("webhook_event_url=http://10.0.0.1:8080/a?b=1#c", "http://10.0.0.1:8080/a?b=1#c"),
        ("webhook_event_url=<https://x.example/a>", "https://x.example/a"),
        ("webhook_event_url=<https://x.example/a|x.example/a>", "https://x.example/a"),
        ("webhook_event_url=`https://x.example/a`", "https://x.example/a"),
        ("webhook_event_url=HTTPS://X.example", "HTTPS://X.example"),
        ("webhook_event_url=https://" + "a" * 1992, "https://" + "a" * 1992),  # 2000
        ("webhook_event_failover_url=https://f.example", "https://f.example"),
        ("webhook_event_failover_url=", ""),  # no failover: the spec's default
        ("webhook_event_failover_url=<>", ""),
        ("webhook_timeout_secs=0", 0),
        ("webhook_timeout_secs=30", 30),
        ("webhook_timeout_secs=", None),  # Telnyx's default timeout
    ],
)
def test_a_valid_value_is_sent_as_the_api_takes_it(typed: str, value: FieldValue) -> None:
    name = typed.partition("=")[0]
    result = parse_assignments([typed], catalogue=TELNYX)
    assert result == {name: value}
    assert type(result[name]) is type(value)


def test_every_example_is_valid() -> None:
    for spec in TELNYX.fields.values():
        assert spec.name in parse_assignments([spec.example], catalogue=TELNYX)


# -- each field: refused naming the field, the rule and a valid example ---------------------


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("unique_name=", "cannot be empty: it must be a room name"),
        ("unique_name=daily standup", "letters, digits, `_` and `-`, 1 to 100 characters"),
        ("unique_name=dé", "(so `/rooms room NAME` can find it); `dé` is not"),
        ("unique_name=" + "x" * 101, "101 characters long"),
        ("max_participants=1", "a whole number from 2 to 50, not 1"),
        ("max_participants=51", "not 51"),
        ("max_participants=ten", "not `ten`"),
        ("max_participants=", "needs a value"),
        ("enable_recording=1", "true or false"),
        ("enable_recording=", "needs a value"),
        ("webhook_event_url=", "needs a value: an http or https URL"),
        ("webhook_event_url=<>", "needs a value"),
        ("webhook_event_url=example.com/hooks", "needs a scheme"),
        ("webhook_event_url=ftp://example.com", "not a `ftp` URL"),
        ("webhook_event_url=https://", "has no valid host"),
        ("webhook_event_url=https://a.example:99999/", "has no valid host"),
        ("webhook_event_url=https://a.example/x y", "without spaces"),
        ('webhook_event_url=https://a.example/"x"', "without spaces, quotes"),
        ("webhook_event_url=<https://a.example", "angle brackets"),
        ("webhook_event_url=https://" + "a" * 1993, "2001 characters long"),
        ("webhook_event_failover_url=failover.example.com", "needs a scheme"),
        ("webhook_timeout_secs=31", "a whole number from 0 to 30, or empty for"),
        ("webhook_timeout_secs=-1", "not -1"),
        ("webhook_timeout_secs=2.5", "not `2.5`"),
    ],
)
def test_a_bad_value_is_refused_with_field_rule_and_example(typed: str, says: str) -> None:
    name = typed.partition("=")[0]
    refusal = refused(typed)
    assert refusal.field == name
    assert f"`{name}" in refusal.message
    assert says in refusal.message
    assert TELNYX.fields[name].rule in refusal.message or "characters long" in says
    assert name in parse_assignments([example_of(refusal)], catalogue=TELNYX)


def test_a_url_without_a_scheme_is_offered_one() -> None:
    refusal = refused("webhook_event_url=example.com/hooks")
    assert "needs a scheme" in refusal.message
    assert "Did you mean `https://example.com/hooks`?" in refusal.message
    assert example_of(refusal) == "webhook_event_url=https://example.com/hooks"


def test_echoed_urls_ping_nobody() -> None:
    refusal = refused("webhook_event_url=<!channel>")
    assert "angle brackets" in refusal.message
    assert "<!channel>" not in refusal.message and "&lt;!channel&gt;" in refusal.message


# -- names that are not Telnyx fields --------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("quality=1080p", None),
        ("meta={}", None),
        ("audio_video_sync=on", None),  # SignalWire's alias
        ("fps=30", None),  # SignalWire shows it, cannot set it
        ("max_members=25", "max_participants"),
        ("record_on_start=true", "enable_recording"),
        ("name=standup", "unique_name"),
        ("display_name=standup", "unique_name"),
    ],
)
def test_a_signalwire_field_on_telnyx_is_refused_naming_both(typed: str, hint: str | None) -> None:
    name = typed.partition("=")[0]
    refusal = refused(typed)
    assert refusal.field == name
    assert (
        f"`{name}` is a SignalWire room setting; Telnyx rooms have no such field."
        in refusal.message
    )
    assert "Fields on Telnyx: " + ", ".join(TELNYX_ORDER) + "." in refusal.message
    if hint is None:
        assert "Did you mean" not in refusal.message
        assert example_of(refusal) == "max_participants=25"
    else:
        assert f"Did you mean `{hint}`?" in refusal.message
        assert example_of(refusal).startswith(f"{hint}=")


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("max_participants=10", "max_members"),
        ("enable_recording=true", "record_on_start"),
        ("webhook_event_url=https://example.com", None),
        ("webhook_timeout_secs=5", None),
        ("unique_name=standup", None),  # SignalWire cannot rename a room
        ("record_type=room", None),  # Telnyx shows it, cannot set it
    ],
)
def test_a_telnyx_field_on_signalwire_is_refused_naming_both(typed: str, hint: str | None) -> None:
    name = typed.partition("=")[0]
    refusal = refused(typed, SIGNALWIRE)
    assert refusal.field == name
    assert (
        f"`{name}` is a Telnyx room setting; SignalWire rooms have no such field."
        in refusal.message
    )
    assert "Fields on SignalWire: display_name, description, max_members," in refusal.message
    if hint is None:
        assert "Did you mean" not in refusal.message
        assert example_of(refusal) == "max_members=25"
    else:
        assert f"Did you mean `{hint}`?" in refusal.message
        assert example_of(refusal).startswith(f"{hint}=")


@pytest.mark.parametrize("name", ["id", "created_at", "record_type", "sessions"])
def test_read_only_telnyx_fields_cannot_be_changed(name: str) -> None:
    refusal = refused(f"{name}=x")
    assert refusal.field == name
    assert (
        f"`{name}` cannot be changed: Telnyx's PatchRoomRequest has no such field."
        in refusal.message
    )
    assert example_of(refusal) == "unique_name=daily-standup"


def test_other_unknown_names_get_a_guess_from_telnyxs_fields() -> None:
    refusal = refused("max_participant=3")
    assert "`max_participant` is not a room field /rooms update can change." in refusal.message
    assert "Did you mean `max_participants`?" in refusal.message
    assert "Fields: " + ", ".join(TELNYX_ORDER) + "." in refusal.message
    assert example_of(refusal) == "max_participants=25"
    bogus = refused("bogus=1")
    assert "Did you mean" not in bogus.message
    assert example_of(bogus) == "max_participants=25"


def test_a_field_given_twice_or_a_bare_word_is_refused() -> None:
    with pytest.raises(FieldRefused) as twice:
        parse_assignments(["max_participants=3", "MAX_PARTICIPANTS=4"], catalogue=TELNYX)
    assert "`max_participants` is given twice; give it once." in twice.value.message
    with pytest.raises(UsageError) as bare:
        parse_assignments(["standup"], catalogue=TELNYX)
    assert "write `field=value`, e.g. `max_participants=25`" in bare.value.message


def test_the_form_reports_every_bad_telnyx_field_at_once() -> None:
    values, refusals = parse_form(
        [
            ("unique_name", "two words"),
            ("max_participants", "60"),
            ("webhook_event_url", ""),
            ("webhook_event_failover_url", ""),
            ("webhook_timeout_secs", ""),
        ],
        catalogue=TELNYX,
    )
    assert values == {"webhook_event_failover_url": "", "webhook_timeout_secs": None}
    assert set(refusals) == {"unique_name", "max_participants", "webhook_event_url"}
    assert "Example" not in refusals["unique_name"]


def test_signalwire_keeps_its_own_words() -> None:
    assert field_spec("audio_video_sync", catalogue=SIGNALWIRE).name == "sync_audio_video"
    assert field_spec("Max_Participants", catalogue=TELNYX).name == "max_participants"
    with pytest.raises(FieldRefused, match="SignalWire cannot clear `remove_at`"):
        parse_value(SIGNALWIRE.fields["remove_at"], "")


# -- properties ----------------------------------------------------------------------------


@given(
    name=st.sampled_from([*TELNYX.fields, "max_members", "record_type", "bogus"]),
    raw=st.one_of(
        st.text(max_size=120),
        st.from_regex(r"<?(https?://)?[a-z.:0-9/|<>]{0,40}>?", fullmatch=True),
    ),
)
def test_any_text_becomes_a_value_or_a_refusal(name: str, raw: str) -> None:
    try:
        spec = field_spec(name, catalogue=TELNYX)
        value = parse_value(spec, raw)
    except UsageError as refusal:
        assert refusal.message and refusal.usage
        return
    assert value is None or isinstance(value, str | int | bool)
    assert json.loads(json.dumps(value)) == value
    # What a valid value reads as in the form parses back to the same value.
    assert parse_value(spec, as_text(value)) == value


# -- the diff on a Telnyx room -----------------------------------------------------------

RAW_ROOM: dict[str, Any] = {
    "id": ROOM_ID,
    "record_type": "room",
    "unique_name": "standup",
    "max_participants": 10,
    "enable_recording": False,
    "webhook_event_url": "https://a.example/hooks",
    "webhook_event_failover_url": "",
    "webhook_timeout_secs": 25,
    "created_at": "2026-01-01T00:00:00Z",
}
ROOM = Room.model_validate(RAW_ROOM)


def test_a_telnyx_rooms_current_values_are_its_own_fields() -> None:
    expected = {name: RAW_ROOM[name] for name in TELNYX_ORDER}
    assert current_values(ROOM, TELNYX) == expected
    # As the provider maps it: the product's names beside, Telnyx's kept.
    assert current_values(map_room(RAW_ROOM), TELNYX) == expected
    assert current_value(Room(id=ROOM_ID), "webhook_timeout_secs") is None


def test_clearing_and_emptying_are_changes_only_when_the_value_differs() -> None:
    requested: dict[str, FieldValue] = {
        "webhook_timeout_secs": None,  # 25 → Telnyx's default: a change
        "webhook_event_failover_url": "",  # "" → "": none
        "max_participants": 10,  # as it is
        "enable_recording": True,
    }
    assert changes_for(ROOM, requested) == (
        FieldChange("webhook_timeout_secs", 25, None),
        FieldChange("enable_recording", False, True),
    )
    unset = Room.model_validate({**RAW_ROOM, "webhook_event_failover_url": None})
    # null and "" are different values to Telnyx.
    assert changes_for(unset, {"webhook_event_failover_url": ""}) == (
        FieldChange("webhook_event_failover_url", None, ""),
    )
    # And a count is not a flag.
    assert changes_for(ROOM, {"max_participants": True}) != ()


def test_apply_plan_on_a_telnyx_room() -> None:
    changes = (
        FieldChange("webhook_timeout_secs", 25, None),
        FieldChange("unique_name", "standup", "daily-standup"),
    )
    assert plan_apply(changes, ROOM).send == {
        "webhook_timeout_secs": None,
        "unique_name": "daily-standup",
    }
    landed = Room.model_validate({**RAW_ROOM, "webhook_timeout_secs": None})
    plan = plan_apply(changes, landed)
    assert (plan.send, plan.already, plan.is_stale) == (
        {"unique_name": "daily-standup"},
        ("webhook_timeout_secs",),
        False,
    )
    moved = Room.model_validate({**RAW_ROOM, "webhook_timeout_secs": 10})
    stale = plan_apply(changes, moved)
    assert [(s.field, s.was, s.now, s.wanted) for s in stale.stale] == [
        ("webhook_timeout_secs", 25, 10, None)
    ]


# -- the form ------------------------------------------------------------------------------


def submitted(view: dict[str, Any], edits: dict[str, str]) -> dict[str, Any]:
    """The view as Slack sends it back: each input as filled, then `edits` applied (Slack
    reports an emptied text input as no value)."""
    values = state_of(view, **{name: text or None for name, text in edits.items()})
    return {**view, "state": {"values": values}}


def test_the_telnyx_form_lists_telnyxs_fields_without_signalwires_note() -> None:
    view = form_view("standup", current_values(ROOM, TELNYX), "{}", TELNYX)
    inputs = [block for block in view["blocks"] if block["type"] == "input"]
    assert [block["block_id"] for block in inputs] == TELNYX_ORDER
    for block in inputs:
        assert block["label"]["text"] == LABELS[block["block_id"]]
        assert block["hint"]["text"].startswith(f"{block['block_id']}: ")
    assert all(block["type"] != "context" for block in view["blocks"])
    assert "SignalWire" not in json.dumps(view)
    filled = {b["block_id"]: b["element"].get("initial_value") for b in inputs}
    assert filled["webhook_timeout_secs"] == "25"
    assert filled["webhook_event_failover_url"] is None  # "" shows as an empty input
    signalwire = form_view("standup", current_values(ROOM, SIGNALWIRE), "{}", SIGNALWIRE)
    assert signalwire["blocks"][1]["type"] == "context"


def test_the_telnyx_form_round_trips() -> None:
    view = form_view("standup", current_values(ROOM, TELNYX), "{}", TELNYX)
    assert read_submission(submitted(view, {}), TELNYX).changed == ()
    edits = {"webhook_timeout_secs": "", "enable_recording": "true", "max_participants": "12"}
    changed = read_submission(submitted(view, edits), TELNYX).changed
    assert changed == (
        ("max_participants", "12"),
        ("enable_recording", "true"),
        ("webhook_timeout_secs", ""),
    )
    values, refusals = parse_form(changed, catalogue=TELNYX)
    assert refusals == {}
    assert changes_for(ROOM, values) == (
        FieldChange("max_participants", 10, 12),
        FieldChange("enable_recording", False, True),
        FieldChange("webhook_timeout_secs", 25, None),
    )
    # A cleared failover URL is a change to empty.
    failing_over = Room.model_validate({**RAW_ROOM, "webhook_event_failover_url": "https://f.x"})
    view = form_view("standup", current_values(failing_over, TELNYX), "{}", TELNYX)
    changed = read_submission(submitted(view, {"webhook_event_failover_url": ""}), TELNYX).changed
    assert changed == (("webhook_event_failover_url", ""),)
    assert parse_form(changed, catalogue=TELNYX) == ({"webhook_event_failover_url": ""}, {})
