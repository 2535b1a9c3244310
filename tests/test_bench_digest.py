"""bench/digest.py's planning and its measurement, in this process: the counts it plans
come from the simulator's own day layout, and a floor and a digest measured against a
simulator built from the plan read exactly the planned pages and sessions.

The full run (child processes, figures, targets) is the bench's own business and is run
by hand (bench/README.md); here it would only cost the suite Python starts.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import timedelta
from pathlib import Path
from types import ModuleType

from simulators import run_simulator
from simulators.dataset import SimulatorDataset
from simulators.signalwire_app import SimulatorConfig

BENCH = Path(__file__).resolve().parents[1] / "bench" / "digest.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_digest", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


async def test_the_planned_walk_is_the_measured_walk() -> None:
    bench = load_bench()
    case = next(c for c in bench.QUICK_CASES if c.name == "day-1k")
    plan = bench.plan_case(case, 1000)
    # The plan's figures, recomputed from the simulator's layout.
    counts = dict(
        SimulatorDataset(
            seed=bench.SEED, now=bench.NOW, session_count=plan.session_count, days=plan.days
        ).day_counts()
    )
    before = plan.day - timedelta(days=1)
    assert plan.day == bench.NOW.date() - timedelta(days=1)
    assert (plan.day_count, plan.window_count) == (
        counts[plan.day],
        counts[plan.day] + counts[before],
    )
    assert plan.paged_count == sum(n for d, n in counts.items() if d >= before)
    assert plan.session_count > plan.paged_count  # older sessions exist: the walk stops early
    assert plan.expected_calls == plan.paged_count // 1000 + 1
    assert abs(plan.day_count - case.day_sessions) <= case.day_sessions * 0.2

    config = SimulatorConfig(
        seed=bench.SEED,
        now=bench.NOW,
        session_count=plan.session_count,
        days=plan.days,
        project_id=bench.PROJECT,
        api_token=bench.API_TOKEN,
    )
    async with run_simulator(config) as sim:
        spec = {
            "zone": bench.ZONE,
            "day": plan.day.isoformat(),
            "now": bench.NOW.isoformat(),
            "max_connections": 20,
            "cache_seconds": 5.0,
            "base_url": sim.base_url,
        }
        for mode in ("floor", "digest"):
            sim.requests.clear()
            measured = await bench.measure({**spec, "mode": mode})
            assert measured["sessions"] == plan.window_count
            assert len(sim.requests) == plan.expected_calls
            assert (
                measured["wall_s"] > 0 and 10 < measured["rss_before_mb"] <= measured["peak_rss_mb"]
            )
        assert measured["day_sessions"] == plan.day_count
