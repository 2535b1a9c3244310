"""The daily digest at scale: provider calls, wall time against merely paging, peak memory.

    .venv/bin/python bench/digest.py [--rounds 3] [--cases day-1k,day-10k,day-100k,history-1m]
    .venv/bin/python bench/digest.py --quick          # smaller cases, one round: a smoke run

Each case is a SignalWire simulator whose reported day (yesterday in UTC, relative to the
simulator's fixed `now`) holds about 1k, 10k or 100k sessions, or whose history holds 1M
sessions with about 1k in the day. The simulator runs in its own process (latency 0), so
its CPU and memory are not the app's. Every measurement is a fresh child process, so its
peak RSS (VmHWM) is that measurement's alone:

* the floor: page the digest's window with the same provider and query, and count;
* the digest: `bot.digest.collect.collect_report` for the same day.

A round is the floor, then the digest; the ratio is the median over the rounds of the
digest's wall time over the floor's in the same round. Provider calls are read from the
simulator's own request log. The floor is checked first: it must count exactly the
window's sessions with exactly the calls a newest-first walk needs.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import math
import os
import platform
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parents[1]
SELF = Path(__file__).resolve()
HOST = "127.0.0.1"
PROJECT, API_TOKEN = "bench-project", "bench-token"
SEED = 42
# 09:00 UTC, the digest's default time, on a Thursday: the reported day is a Wednesday.
NOW = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
ZONE = "UTC"
SESSIONS_PATH = "/api/video/room_sessions"
RATIO_TARGET = 1.5  # digest wall time at most this times merely paging the same window
GROWTH_TARGET_MB = 30.0  # digest peak RSS, smallest to largest day case
# The simulator generates sessions on demand: serving a long history must not cost it more
# memory than a short one (beyond noise in the size of the pages it renders).
SIMULATOR_GROWTH_LIMIT_MB = 30.0
RESULT_PREFIX = "RESULT "

Mode = Literal["floor", "digest"]


@dataclass(frozen=True)
class Case:
    name: str
    day_sessions: int  # wanted in the reported day (about)
    days: int = 7  # history length in days, unless `history` fixes the session count
    history: int | None = None  # total sessions; the days are then chosen for `day_sessions`


FULL_CASES = (
    Case("day-1k", 1_000),
    Case("day-10k", 10_000),
    Case("day-100k", 100_000),
    Case("history-1m", 1_000, history=1_000_000),
)
QUICK_CASES = (
    Case("day-100", 100, days=3),
    Case("day-1k", 1_000, days=3),
    Case("history-20k", 100, history=20_000),
)


# ---- what each case holds (pure, from the simulator's own day layout) --------------------


@dataclass(frozen=True)
class Plan:
    case: str
    target: int  # sessions wanted in the reported day
    session_count: int
    days: int
    day: date  # the reported day
    day_count: int  # sessions that started on it
    previous_count: int  # sessions of the day before (the digest compares with it)
    window_count: int  # both days: what the digest's query asks for
    paged_count: int  # sessions newer than the window's start: what a newest-first walk reads
    expected_calls: int


def counts_by_day(session_count: int, days: int) -> dict[date, int]:
    from simulators.dataset import SimulatorDataset

    dataset = SimulatorDataset(seed=SEED, now=NOW, session_count=session_count, days=days)
    return dict(dataset.day_counts())


def reported_day() -> date:
    from zoneinfo import ZoneInfo

    from bot.digest.days import previous_day

    return previous_day(NOW, ZoneInfo(ZONE))


def sessions_for_day(target: int, days: int) -> int:
    """A history length in sessions whose reported day holds about `target` of them."""
    # The layout apportions sessions in proportion to fixed day weights, so one probe
    # tells the ratio of the day to the whole.
    probe = max(target, 1) * 50
    in_day = counts_by_day(probe, days).get(reported_day(), 0)
    if in_day == 0:
        raise ValueError(f"the reported day is empty with {days} days of history")
    return max(1, round(probe * target / in_day))


def days_for_day(target: int, session_count: int) -> int:
    """The longest history (in days) of `session_count` sessions whose reported day still
    holds at least `target`, or the next one if that is closer."""
    day, target = reported_day(), max(target, 1)

    def in_day(days: int) -> int:
        return counts_by_day(session_count, days).get(day, 0)

    low = 3  # three days: the window lies inside the history
    if in_day(low) < target:
        return low
    # The day's share only shrinks as days are added: double until it holds too few, then
    # bisect (each probe lays out every day, so a history of a million days is not tried).
    high = low * 2
    while in_day(high) >= target:
        low, high = high, high * 2
    high -= 1
    while low < high:
        middle = (low + high + 1) // 2
        if in_day(middle) >= target:
            low = middle
        else:
            high = middle - 1
    return min(low, low + 1, key=lambda days: abs(in_day(days) - target))


def expected_calls(paged: int, session_count: int, page_size: int) -> int:
    """Pages a newest-first walk reads: up to the one holding the first session older than
    the window (which proves the walk may stop), or to the end of a shorter history."""
    if session_count > paged:
        return paged // page_size + 1
    return max(1, math.ceil(paged / page_size))


def plan_case(case: Case, page_size: int) -> Plan:
    if case.history is None:
        days = case.days
        session_count = sessions_for_day(case.day_sessions, days)
    else:
        session_count = case.history
        days = days_for_day(case.day_sessions, session_count)
    counts = counts_by_day(session_count, days)
    day = reported_day()
    previous = day - timedelta(days=1)
    paged = sum(count for moment, count in counts.items() if moment >= previous)
    return Plan(
        case=case.name,
        target=case.day_sessions,
        session_count=session_count,
        days=days,
        day=day,
        day_count=counts.get(day, 0),
        previous_count=counts.get(previous, 0),
        window_count=counts.get(day, 0) + counts.get(previous, 0),
        paged_count=paged,
        expected_calls=expected_calls(paged, session_count, page_size),
    )


# ---- child processes ------------------------------------------------------------------


def vm_status(pid: int | str = "self") -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB.

    VmHWM belongs to the process's own address space. ru_maxrss would not do: Linux carries
    the parent's high-water mark into a child across fork and exec.
    """
    found: dict[str, float] = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a running process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def serve_simulator(spec: dict[str, Any]) -> None:
    """Child: the simulator for one case, until terminated."""
    from simulators.server import run_simulator
    from simulators.signalwire_app import SimulatorConfig

    config = SimulatorConfig(
        seed=spec["seed"],
        now=datetime.fromisoformat(spec["now"]),
        session_count=spec["session_count"],
        days=spec["days"],
        latency=0.0,
        project_id=PROJECT,
        api_token=API_TOKEN,
    )
    async with run_simulator(config, host=HOST, port=spec["port"]) as sim:
        print(f"simulator for {spec['case']} on {sim.base_url}", flush=True)
        await asyncio.Event().wait()


async def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Child: one floor or one digest, timed from the first request to the last session."""
    from zoneinfo import ZoneInfo

    # Both kinds import the digest, so both carry the same code in memory.
    from bot.digest.collect import collect_report
    from bot.digest.days import day_window
    from bot.providers.base import MAX_PAGE_SIZE, SessionQuery
    from bot.providers.http import HttpSettings
    from bot.providers.signalwire import SignalWireProvider
    from bot.providers.walks import DIGEST_WALK

    mode: Mode = spec["mode"]
    zone = ZoneInfo(spec["zone"])
    day = date.fromisoformat(spec["day"])
    now = datetime.fromisoformat(spec["now"])
    connections = spec["max_connections"]
    # As bot.app.build_provider builds it: the pool, its keep-alive and the read cache
    # from the app's settings.
    provider = SignalWireProvider.connect(
        spec["base_url"],
        PROJECT,
        API_TOKEN,
        http_settings=HttpSettings(max_connections=connections, max_keepalive=connections),
        cache_seconds=spec["cache_seconds"],
    )
    before = vm_status()
    day_sessions: int | None = None
    started_cpu, started = time.process_time(), time.perf_counter()
    if mode == "floor":
        # The digest's own window, query and walk bounds (bot/digest/collect.py), and
        # nothing else.
        query = SessionQuery(
            started_after=day_window(day - timedelta(days=1), zone)[0],
            started_before=day_window(day, zone)[1],
        )
        sessions = 0
        async for _ in provider.room_sessions(query, page_size=MAX_PAGE_SIZE, limits=DIGEST_WALK):
            sessions += 1
    else:
        report = await collect_report(provider, day, zone, now=now)
        sessions = report.summary.sessions + report.previous.sessions
        day_sessions = report.summary.sessions
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    after = vm_status()
    await provider.aclose()
    return {
        "mode": mode,
        "sessions": sessions,
        "day_sessions": day_sessions,
        "wall_s": wall,
        "cpu_s": cpu,
        "rss_before_mb": before["VmRSS"],
        "peak_rss_mb": after["VmHWM"],
    }


def run_child(spec: dict[str, Any]) -> int:
    if spec["role"] == "simulator":
        asyncio.run(serve_simulator(spec))
        return 0
    result = asyncio.run(measure(spec))
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


# ---- the orchestrator -------------------------------------------------------------------


@dataclass
class Measurement:
    mode: Mode
    sessions: int  # in the window: walked (floor), or counted in the two days (digest)
    day_sessions: int | None  # counted in the reported day (the digest only)
    wall_s: float
    cpu_s: float
    rss_before_mb: float
    peak_rss_mb: float
    simulator_cpu_s: float = 0.0
    calls: int = 0
    other_calls: int = 0  # requests to anything but the room_sessions listing


@dataclass
class CaseResult:
    plan: Plan
    floors: list[Measurement] = field(default_factory=list)
    digests: list[Measurement] = field(default_factory=list)
    simulator_hwm_mb: float = 0.0
    floor_ok: bool = True

    def ratios(self) -> list[float]:
        return [d.wall_s / f.wall_s for f, d in zip(self.floors, self.digests, strict=True)]

    def ratio(self) -> float:
        return statistics.median(self.ratios())

    def cpu_ratio(self) -> float:
        """The app's own CPU, digest over floor: what the ratio would be with a free simulator."""
        return statistics.median(
            d.cpu_s / f.cpu_s for f, d in zip(self.floors, self.digests, strict=True)
        )

    def simulator_share(self) -> float:
        """How much of the floor's wall time the simulator spent on CPU serving it."""
        return statistics.median(f.simulator_cpu_s / f.wall_s for f in self.floors)

    def calls(self, runs: list[Measurement]) -> int:
        return max(m.calls + m.other_calls for m in runs)


def median_of(runs: Sequence[Measurement], name: str) -> float:
    return statistics.median(float(getattr(m, name)) for m in runs)


def peak_of(runs: Sequence[Measurement]) -> float:
    return max(m.peak_rss_mb for m in runs)


class Bench:
    def __init__(self, args: argparse.Namespace, logdir: Path) -> None:
        self.args = args
        self.logdir = logdir

    async def case(self, plan: Plan) -> CaseResult:
        from ack_latency import child, free_port, wait_until_up

        args = self.args
        port = free_port()
        base_url = f"http://{HOST}:{port}"
        spec = {
            "role": "simulator",
            "case": plan.case,
            "seed": SEED,
            "now": NOW.isoformat(),
            "session_count": plan.session_count,
            "days": plan.days,
            "port": port,
        }
        result = CaseResult(plan)
        sim_args = [str(SELF), "--child", json.dumps(spec)]
        async with child(f"simulator-{plan.case}", sim_args, {}, self.logdir) as sim:
            await wait_until_up(sim, f"{base_url}/__sim/info")
            admin = SimulatorAdmin(base_url, sim.proc.pid)
            await admin.warm_up()
            for number in range(1, args.rounds + 1):
                floor = await self.measurement(plan, "floor", admin, number)
                if number == 1:
                    self.check_floor(result, floor)
                digest = await self.measurement(plan, "digest", admin, number)
                result.floors.append(floor)
                result.digests.append(digest)
                print(
                    f"  round {number}: floor {floor.wall_s:.3f} s, digest {digest.wall_s:.3f} s, "
                    f"ratio {digest.wall_s / floor.wall_s:.2f}x; calls {floor.calls} / "
                    f"{digest.calls}; simulator CPU {floor.simulator_cpu_s:.2f} / "
                    f"{digest.simulator_cpu_s:.2f} s",
                    flush=True,
                )
            result.simulator_hwm_mb = vm_status(sim.proc.pid)["VmHWM"]
        return result

    async def measurement(
        self, plan: Plan, mode: Mode, admin: SimulatorAdmin, number: int
    ) -> Measurement:
        from ack_latency import child

        args = self.args
        spec = {
            "role": "measure",
            "mode": mode,
            "base_url": admin.base_url,
            "now": NOW.isoformat(),
            "day": plan.day.isoformat(),
            "zone": ZONE,
            "cache_seconds": args.cache_seconds,
            "max_connections": args.max_connections,
        }
        await admin.forget_requests()
        cpu_before = admin.cpu_seconds()
        name = f"{mode}-{plan.case}-{number}"
        child_args = [str(SELF), "--child", json.dumps(spec)]
        async with child(name, child_args, {}, self.logdir) as proc:
            try:
                await asyncio.wait_for(proc.proc.wait(), args.child_timeout)
            except TimeoutError:
                raise RuntimeError(
                    f"{name} did not finish within {args.child_timeout:.0f} s:\n{proc.log_tail()}"
                ) from None
            if proc.proc.returncode != 0:
                raise RuntimeError(
                    f"{name} exited with code {proc.proc.returncode}:\n{proc.log_tail()}"
                )
            lines = proc.log.read_text(errors="replace").splitlines()
        found = [line for line in lines if line.startswith(RESULT_PREFIX)]
        if not found:
            raise RuntimeError(f"{name} printed no result:\n" + "\n".join(lines[-15:]))
        measured = Measurement(**json.loads(found[-1].removeprefix(RESULT_PREFIX)))
        measured.simulator_cpu_s = admin.cpu_seconds() - cpu_before
        paths = await admin.forget_requests()
        measured.calls = paths[SESSIONS_PATH]
        measured.other_calls = paths.total() - measured.calls
        return measured

    def check_floor(self, result: CaseResult, floor: Measurement) -> None:
        plan = result.plan
        exact = floor.sessions == plan.window_count and floor.calls == plan.expected_calls
        result.floor_ok = exact and floor.other_calls == 0
        print(
            f"  floor check: counted {floor.sessions:,} sessions (window {plan.window_count:,}) "
            f"in {floor.calls} calls (expected {plan.expected_calls}): "
            f"{'ok' if result.floor_ok else 'FAILED'}"
        )
        if not result.floor_ok:
            print(
                f"  WARNING: {plan.case}: the floor did not page the window as expected: the "
                "simulator or the provider's paging is not what this bench assumes, and the "
                "figures below compare the digest with something else."
            )


class SimulatorAdmin:
    """The simulator's admin surface (request log) and its process's CPU."""

    def __init__(self, base_url: str, pid: int) -> None:
        self.base_url = base_url
        self.pid = pid

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    async def warm_up(self) -> None:
        """One page of 1000 before the first round, so round 1 is not the server's first."""
        import aiohttp

        auth = base64.b64encode(f"{PROJECT}:{API_TOKEN}".encode()).decode()
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session,
            session.get(
                f"{self.base_url}{SESSIONS_PATH}",
                params={"page_size": "1000"},
                headers={"Authorization": f"Basic {auth}"},
            ) as response,
        ):
            response.raise_for_status()
            await response.read()
        await self.forget_requests()

    async def forget_requests(self) -> Counter[str]:
        """The API requests since the last call, by path; the simulator forgets them."""
        import aiohttp

        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            async with session.get(f"{self.base_url}/__sim/requests") as response:
                response.raise_for_status()
                body = await response.json()
            async with session.delete(f"{self.base_url}/__sim/requests") as response:
                response.raise_for_status()
        return Counter(str(entry["path"]) for entry in body["requests"])


# ---- reporting --------------------------------------------------------------------------


def met(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def describe_plan(plan: Plan) -> list[str]:
    previous = plan.day - timedelta(days=1)
    return [
        f"case {plan.case}: {plan.session_count:,} sessions over {plan.days} days before "
        f"{NOW:%Y-%m-%dT%H:%MZ} (seed {SEED}); reported day {plan.day} ({ZONE})",
        f"  sessions: day {plan.day_count:,}; window {previous}..{plan.day} "
        f"{plan.window_count:,}; paged (started since {previous} 00:00) "
        f"{plan.paged_count:,}; history {plan.session_count:,}",
        f"  provider calls expected: {plan.expected_calls} (page size 1000; the walk stops on "
        "the first page past the window's start)",
    ]


TABLE_HEADER = (
    "  measurement           wall s   app CPU s   sim CPU s   calls   RSS before   peak RSS"
)


def table_row(label: str, runs: Sequence[Measurement]) -> str:
    calls = max(m.calls + m.other_calls for m in runs)
    return (
        f"  {label:<20} {median_of(runs, 'wall_s'):7.3f} {median_of(runs, 'cpu_s'):11.3f} "
        f"{median_of(runs, 'simulator_cpu_s'):11.3f} {calls:7} "
        f"{median_of(runs, 'rss_before_mb'):9.1f} MB {peak_of(runs):7.1f} MB"
    )


def print_case(result: CaseResult) -> None:
    print(TABLE_HEADER)
    print(table_row("floor (paging only)", result.floors))
    print(table_row("digest", result.digests))
    ratios = result.ratios()
    rounds = ", ".join(f"{r:.2f}" for r in ratios)
    print(
        f"  ratio digest/floor: {result.ratio():.2f}x wall (median of rounds: {rounds}); "
        f"app CPU {result.cpu_ratio():.2f}x; the simulator's CPU was "
        f"{result.simulator_share():.0%} of the floor's wall time"
    )
    plan = result.plan
    day_seen = sorted({m.day_sessions or 0 for m in result.digests})
    window_seen = sorted({m.sessions for m in result.digests})
    print(
        f"  digest counted {', '.join(f'{n:,}' for n in day_seen)} sessions in the day and "
        f"{', '.join(f'{n:,}' for n in window_seen)} in the window (the simulator holds "
        f"{plan.day_count:,} and {plan.window_count:,}); simulator VmHWM "
        f"{result.simulator_hwm_mb:.1f} MB"
    )


SUMMARY_HEADER = (
    "case            day   window    paged    history  calls (exp)  floor s  digest s  ratio"
    "  CPU ratio  floor MB  digest MB  sim MB"
)


def summary_row(result: CaseResult) -> str:
    plan = result.plan
    calls = f"{result.calls(result.floors)}/{result.calls(result.digests)} ({plan.expected_calls})"
    return (
        f"{plan.case:<12} {plan.day_count:>8,} {plan.window_count:>8,} {plan.paged_count:>8,} "
        f"{plan.session_count:>10,} {calls:>12} {median_of(result.floors, 'wall_s'):8.3f} "
        f"{median_of(result.digests, 'wall_s'):9.3f} {result.ratio():5.2f}x "
        f"{result.cpu_ratio():9.2f}x {peak_of(result.floors):9.1f} "
        f"{peak_of(result.digests):10.1f} "
        f"{result.simulator_hwm_mb:7.1f}"
    )


def targets(results: Sequence[CaseResult]) -> list[tuple[str, str, bool]]:
    out: list[tuple[str, str, bool]] = []
    seen = ", ".join(f"{r.plan.case} {r.ratio():.2f}x" for r in results)
    out.append(
        (
            f"digest wall time <= {RATIO_TARGET}x paging the same window, every case",
            seen,
            all(r.ratio() <= RATIO_TARGET for r in results),
        )
    )
    days = day_cases(results)
    if len(days) >= 2:
        small, large = days[0], days[-1]
        growth = peak_of(large.digests) - peak_of(small.digests)
        floor_growth = peak_of(large.floors) - peak_of(small.floors)
        out.append(
            (
                f"digest peak RSS growth {small.plan.case} -> {large.plan.case} "
                f"<= {GROWTH_TARGET_MB:.0f} MB",
                f"{growth:+.1f} MB ({peak_of(small.digests):.1f} -> "
                f"{peak_of(large.digests):.1f} MB; the floor's own {floor_growth:+.1f} MB)",
                growth <= GROWTH_TARGET_MB,
            )
        )
    calls = ", ".join(
        f"{r.plan.case} {r.calls(r.digests)} (expected {r.plan.expected_calls})" for r in results
    )
    out.append(
        (
            "digest provider calls = paged // 1000 + 1 (one walk of the window), every case",
            calls,
            all(r.calls(r.digests) == r.plan.expected_calls for r in results),
        )
    )
    history = [r for r in results if r.plan.case.startswith("history-")]
    for long in history:
        alike = [r for r in days if r.plan.target == long.plan.target]
        peers = alike or days[:1]
        for peer in peers:
            out.append(
                (
                    f"calls do not grow with the history: {long.plan.case} "
                    f"({long.plan.session_count:,} sessions) <= {peer.plan.case} "
                    f"({peer.plan.session_count:,}) + 1",
                    f"{long.calls(long.digests)} vs {peer.calls(peer.digests)}; walking the "
                    f"whole history would take {math.ceil(long.plan.session_count / 1000):,}",
                    long.calls(long.digests) <= peer.calls(peer.digests) + 1,
                )
            )
            growth = long.simulator_hwm_mb - peer.simulator_hwm_mb
            out.append(
                (
                    f"simulator memory bounded serving {long.plan.session_count:,} sessions: "
                    f"VmHWM <= {peer.plan.case}'s + {SIMULATOR_GROWTH_LIMIT_MB:.0f} MB",
                    f"{long.simulator_hwm_mb:.1f} MB vs {peer.simulator_hwm_mb:.1f} MB "
                    f"({growth:+.1f} MB)",
                    growth <= SIMULATOR_GROWTH_LIMIT_MB,
                )
            )
    return out


def notes(args: argparse.Namespace, results: Sequence[CaseResult]) -> list[str]:
    """What the figures cannot say by themselves."""
    out: list[str] = []
    busy = [r for r in results if r.simulator_share() > 0.5]
    if busy:
        # The walk is sequential, so the simulator's time adds to both measurements alike
        # and pulls the wall-time ratio towards 1.
        out.append(
            "note: the simulator's CPU was more than half of the floor's wall time in "
            f"{', '.join(r.plan.case for r in busy)}: the wall-time ratio understates the "
            "digest's own cost; the app CPU ratio does not include the simulator."
        )
    days = day_cases(results)
    if args.cache_seconds > 0 and len(days) >= 2:
        floor_growth = peak_of(days[-1].floors) - peak_of(days[0].floors)
        if floor_growth > GROWTH_TARGET_MB:
            out.append(
                f"note: merely paging grows by {floor_growth:+.1f} MB too, with the provider's "
                f"read cache on ({args.cache_seconds:g} s, the app's PROVIDER_CACHE_SECONDS): "
                "the pages of a walk stay in memory that long. --cache-seconds 0 shows the "
                "digest without it."
            )
    return out


def day_cases(results: Sequence[CaseResult]) -> list[CaseResult]:
    """The cases that scale the day, smallest first."""
    found = (r for r in results if r.plan.case.startswith("day-"))
    return sorted(found, key=lambda r: r.plan.day_count)


def to_json(results: Sequence[CaseResult]) -> list[dict[str, Any]]:
    return [
        {
            "plan": asdict(r.plan) | {"day": r.plan.day.isoformat()},
            "floors": [asdict(m) for m in r.floors],
            "digests": [asdict(m) for m in r.digests],
            "ratio": r.ratio(),
            "cpu_ratio": r.cpu_ratio(),
            "simulator_hwm_mb": r.simulator_hwm_mb,
            "simulator_share": r.simulator_share(),
            "floor_ok": r.floor_ok,
        }
        for r in results
    ]


# ---- main -------------------------------------------------------------------------------


async def run(args: argparse.Namespace, cases: Sequence[Case]) -> list[CaseResult]:
    from bot.providers.base import MAX_PAGE_SIZE

    results: list[CaseResult] = []
    with tempfile.TemporaryDirectory(prefix="roomops-digest-bench-") as tmp:
        bench = Bench(args, Path(tmp))
        for case in cases:
            plan = plan_case(case, MAX_PAGE_SIZE)
            print()
            for line in describe_plan(plan):
                print(line)
            results.append(await bench.case(plan))
            print_case(results[-1])
    return results


def settings_default(name: str, fallback: float) -> float:
    """The app's own default for a setting (the environment wins, as it does for the app)."""
    raw = os.environ.get(name.upper())
    if raw:
        return float(raw)
    try:
        from bot.settings import Settings
    except Exception as exc:  # bot/ mid-edit: assume the documented default
        print(f"could not read RoomOps' settings ({type(exc).__name__}); assuming {fallback}")
        return fallback
    found = Settings.model_fields.get(name)
    default = found.default if found is not None else fallback
    return float(default) if isinstance(default, int | float) else fallback


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, help="floor-then-digest rounds per case (3; quick 1)")
    parser.add_argument("--cases", help="comma-separated subset of the cases (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller cases, for a smoke run")
    parser.add_argument(
        "--cache-seconds",
        type=float,
        help="the provider's read cache (default: the app's PROVIDER_CACHE_SECONDS)",
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        help="the provider's pool (default: the app's PROVIDER_MAX_CONNECTIONS)",
    )
    parser.add_argument("--child-timeout", type=float, default=300.0, help="per measurement, s")
    parser.add_argument("--timeout", type=float, default=1800.0, help="whole bench, seconds")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        return args
    known = {case.name: case for case in (QUICK_CASES if args.quick else FULL_CASES)}
    if args.cases:
        chosen = [name.strip() for name in args.cases.split(",") if name.strip()]
        unknown = [name for name in chosen if name not in known]
        if unknown:
            parser.error(f"--cases: unknown {unknown}; known: {', '.join(known)}")
        args.selected = [known[name] for name in chosen]
    else:
        args.selected = list(known.values())
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.cache_seconds is None:
        args.cache_seconds = settings_default("provider_cache_seconds", 5.0)
    if args.max_connections is None:
        args.max_connections = int(settings_default("provider_max_connections", 20))
    return args


async def main(args: argparse.Namespace) -> int:
    from ack_latency import commit

    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    print(
        f"RoomOps daily digest at scale: {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; {args.rounds} round(s) per case"
    )
    print(
        "processes: one simulator per case (latency 0); one fresh process per measurement "
        "(floor: page the window and count; digest: collect_report)"
    )
    print(
        f"provider as the app builds it: pool {args.max_connections}, read cache "
        f"{args.cache_seconds:g} s"
    )
    print(f"code under test: {ROOT} at commit {await commit()}")
    load1 = os.getloadavg()[0]
    print(f"machine load before the bench starts (1 min average): {load1:.2f}")
    if load1 >= 0.5:
        print(
            "WARNING: something else is using the CPU (tests, builds?); on a small machine it "
            "shows in every figure below. Prefer a quiet machine."
        )
    try:
        async with asyncio.timeout(args.timeout):
            results = await run(args, args.selected)
    except TimeoutError:
        sys.stdout.flush()
        print(f"ERROR: the bench did not finish within {args.timeout:.0f} s", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        sys.stdout.flush()
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    except asyncio.CancelledError:
        sys.stdout.flush()
        print("interrupted; every process the bench started has been stopped", file=sys.stderr)
        return 143
    print()
    print(SUMMARY_HEADER)
    for result in results:
        print(summary_row(result))
    print()
    print("targets:")
    for target, seen, ok in targets(results):
        print(f"  {met(ok)}  {target}: {seen}")
    for result in results:
        if not result.floor_ok:
            print(f"WARNING: {result.plan.case}: the floor check failed; see above")
    for note in notes(args, results):
        print(note)
    if args.json:
        args.json.write_text(json.dumps(to_json(results), indent=1))
    return 0


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.child is not None:
        sys.exit(run_child(json.loads(arguments.child)))
    try:
        sys.exit(asyncio.run(main(arguments)))
    except KeyboardInterrupt:
        print("interrupted; every process the bench started has been stopped", file=sys.stderr)
        sys.exit(130)
