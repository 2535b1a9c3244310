"""Who was in each simulated session, what happened in it, and its recordings (pure).

Like the sessions themselves (see `dataset`), nothing here is stored: a session's members,
events and recording are derived from its id and the dataset's seed each time they are
asked for, so memory does not grow with the history, and the answer is the same every
time. What is derived agrees with the session:

* members join after the session starts (never after `now`) and leave before it ends; in a
  session still in progress the first member (the host) and some others are still in;
* the timeline holds the room starting, every join and leave, the layout when it changes,
  the recording's start and end, and the room ending, in time order;
* a session records when its room records from the start (`record_on_start`); its one
  recording is "recording" while the session runs, then "processing" for a while after the
  end (and for a few unlucky ones, still), then "completed".

Recording ids hide the session's index in their low 32 bits, as session ids do, so a
recording is found by id in O(1). Links to a recording's media are signed URLs with an
expiry (`media_url`), which the simulators serve and refuse once expired (`check_media`).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal
from urllib.parse import urlencode

from simulators.dataset import RoomSession, SimulatorDataset

# SignalWire's member names: people, plus the hostile values a renderer must escape (a
# Slack broadcast, markdown, a mention, names with spaces and accents).
MEMBER_NAMES: Final[tuple[str, ...]] = (
    "Alice Martin",
    "Bob Chen",
    "Carol Diaz",
    "Dave Okafor",
    "Erin Walsh",
    "Frank Müller",
    "Grace Ho",
    "Heidi Larsen",
    "Ivan Petrov",
    "Judy Nakamura",
    "Ken Adeyemi",
    "Lena Sørensen",
    "Mallory <!channel>",
    "*bold* Bea",
    "Ana María López",
    "<@U0123ABCD> Trent",
)
# Members listed for a session at most (an all-hands may hold hundreds; a page is enough).
MAX_MEMBERS: Final = 300
# Per participant-minute, as the dataset prices sessions.
MEMBER_RATE: Final = 0.0035
RECORDING_RATE: Final = 0.01  # per recorded minute
# Bytes per second of recording, by quality (sizes stay inside SignalWire's int32).
BYTES_PER_SECOND: Final = {"720p": 60_000, "1080p": 110_000}
# After its session ends a recording is processed for this long, then completed; this
# share of recordings stays "processing" (a stuck job), so there is always one to show.
PROCESSING_SECONDS: Final = 20 * 60
STUCK_SHARE: Final = 0.08
# SignalWire mints a link for this long when media_ttl is not given.
DEFAULT_MEDIA_TTL: Final = 900
MEDIA_PREFIX: Final = "/__media/recordings/"

RecordingStatus = Literal["recording", "processing", "completed"]


@dataclass(frozen=True)
class SimMember:
    id: str
    session_id: str
    position: int  # joining order
    name: str
    join_time: datetime
    leave_time: datetime | None  # None: still in
    duration: int | None  # seconds; None while still in
    cost_in_dollars: float


@dataclass(frozen=True)
class SimEvent:
    id: str
    name: str
    at: datetime
    member: SimMember | None = None
    layout: str | None = None
    recording_id: str | None = None


@dataclass(frozen=True)
class SimRecording:
    id: str
    session: RoomSession
    status: RecordingStatus
    started_at: datetime
    finished_at: datetime | None
    duration: int | None
    size_in_bytes: int | None
    cost_in_dollars: float
    created_at: datetime
    updated_at: datetime


def _bits(*parts: object) -> bytes:
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=32).digest()


def _unit(*parts: object) -> float:
    return int.from_bytes(_bits(*parts)[:8]) / float(1 << 64)


def _uuid(*parts: object) -> str:
    return str(uuid.UUID(bytes=_bits(*parts)[:16], version=4))


# --------------------------------------------------------------------------- members


def member_count(dataset: SimulatorDataset, session: RoomSession) -> int:
    """How many took part: the count the session's cost was priced on, within bounds."""
    return min(dataset.participant_count(session.index), MAX_MEMBERS)


def members(dataset: SimulatorDataset, session: RoomSession) -> list[SimMember]:
    """The session's members in joining order (see the module docstring)."""
    seed, now = dataset.seed, dataset.now
    start = session.start_time
    end = session.end_time or now
    span = max((end - start).total_seconds(), 0.0)
    found: list[SimMember] = []
    for position in range(member_count(dataset, session)):
        u = [_unit(seed, session.id, "member", position, k) for k in range(4)]
        # The host opens the session; most join in its first tenth; a few come late.
        share = 0.0 if position == 0 else u[0] * 0.1 if u[1] < 0.8 else u[0] * 0.9
        joined = start + timedelta(seconds=int(span * share))
        stays = position == 0 or u[2] < 0.7
        left: datetime | None
        if session.end_time is None and stays:
            left = None
        elif session.end_time is not None and stays:
            left = end - timedelta(seconds=int(u[3] * min(120, span / 20)))
        else:
            left = joined + timedelta(seconds=int((end - joined).total_seconds() * u[3]))
        left = None if left is None else max(left, joined)
        seconds = (left or now) - joined
        found.append(
            SimMember(
                id=_uuid(seed, session.id, "member", position),
                session_id=session.id,
                position=position,
                name=MEMBER_NAMES[int(u[1] * 1e6) % len(MEMBER_NAMES)],
                join_time=joined,
                leave_time=left,
                duration=None if left is None else int(seconds.total_seconds()),
                cost_in_dollars=round(seconds.total_seconds() / 60 * MEMBER_RATE, 4),
            )
        )
    return sorted(found, key=lambda m: (m.join_time, m.position))


# --------------------------------------------------------------------------- events


def events(dataset: SimulatorDataset, session: RoomSession) -> list[SimEvent]:
    """The session's timeline, oldest first, consistent with its members and recording."""
    sid = session.id
    timeline: list[tuple[datetime, int, SimEvent]] = []

    def add(
        name: str,
        at: datetime,
        *,
        member: SimMember | None = None,
        layout: str | None = None,
        recording_id: str | None = None,
    ) -> None:
        order = len(timeline)
        event_id = _uuid(dataset.seed, sid, "event", order)
        timeline.append((at, order, SimEvent(event_id, name, at, member, layout, recording_id)))

    add("room.started", session.start_time)
    recording = recording_of(dataset, session)
    if recording is not None:
        add("recording.started", recording.started_at, recording_id=recording.id)
    if _unit(dataset.seed, sid, "layout") < 0.5:
        add(
            "layout.changed",
            session.start_time + timedelta(seconds=30),
            layout=session.layout,
        )
    for member in members(dataset, session):
        add("member.joined", member.join_time, member=member)
        if member.leave_time is not None:
            add("member.left", member.leave_time, member=member)
    if session.end_time is not None:
        if recording is not None and recording.finished_at is not None:
            add("recording.ended", recording.finished_at, recording_id=recording.id)
        add("room.ended", session.end_time)
    return [event for _, _, event in sorted(timeline, key=lambda item: (item[0], item[1]))]


# --------------------------------------------------------------------------- recordings


def recording_of(dataset: SimulatorDataset, session: RoomSession) -> SimRecording | None:
    """The session's recording, or None when its room does not record."""
    if not dataset.records(session.index):
        return None
    started = session.start_time + timedelta(seconds=2)
    created = started
    if session.end_time is None:
        return SimRecording(
            id=dataset.recording_id(session.index),
            session=session,
            status="recording",
            started_at=started,
            finished_at=None,
            duration=None,
            size_in_bytes=None,
            cost_in_dollars=0.0,
            created_at=created,
            updated_at=created,
        )
    finished = max(session.end_time - timedelta(seconds=1), started)
    seconds = int((finished - started).total_seconds())
    recent = (dataset.now - session.end_time).total_seconds() < PROCESSING_SECONDS
    stuck = _unit(dataset.seed, session.id, "stuck") < STUCK_SHARE
    status: RecordingStatus = "processing" if recent or stuck else "completed"
    done = status == "completed"
    return SimRecording(
        id=dataset.recording_id(session.index),
        session=session,
        status=status,
        started_at=started,
        finished_at=finished,
        duration=seconds,
        size_in_bytes=seconds * BYTES_PER_SECOND.get(session.quality, 60_000) if done else None,
        cost_in_dollars=round(seconds / 60 * RECORDING_RATE, 4),
        created_at=created,
        updated_at=session.end_time + timedelta(seconds=PROCESSING_SECONDS if done else 5),
    )


def recording_by_id(dataset: SimulatorDataset, recording_id: str) -> SimRecording | None:
    index = dataset.recording_index(recording_id)
    return None if index is None else recording_of(dataset, dataset.session(index))


# --------------------------------------------------------------------------- media links


def _signature(secret: str, recording_id: str, expires: int) -> str:
    message = f"{recording_id}.{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def media_url(base: str, secret: str, recording_id: str, expires: int) -> str:
    """A signed link to a recording's media that stops working at `expires` (Unix time in
    milliseconds, so a link asked for a second lives a second, not up to two)."""
    query = urlencode({"expires": expires, "signature": _signature(secret, recording_id, expires)})
    return f"{base}{MEDIA_PREFIX}{recording_id}.mp4?{query}"


def check_media(
    secret: str, recording_id: str, expires: str | None, signature: str | None, now: float
) -> int:
    """The HTTP status a media request earns at `now` (Unix seconds): 200, or 403 for a
    bad or expired signature."""
    if expires is None or signature is None or not expires.isdigit():
        return 403
    wanted = _signature(secret, recording_id, int(expires))
    if not hmac.compare_digest(wanted, signature):
        return 403
    return 200 if now * 1000 < int(expires) else 403
