"""Smoke run of bench/digest.py --quick: it runs end to end, and what it prints is computed.

The targets are not asserted (a shared machine decides those); the structure, the counts
against the simulator's own layout, the calls a newest-first walk needs, and the ratios
against the measurements they come from are.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.simulator.dataset import SimulatorDataset

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench" / "digest.py"
QUICK_CASES = ("day-100", "day-1k", "history-20k")


def run_quick(tmp_path: Path) -> tuple[str, list[dict[str, Any]]]:
    out = tmp_path / "digest.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    records: list[dict[str, Any]] = json.loads(out.read_text())
    return done.stdout, records


def test_quick_bench_prints_counts_calls_and_ratios(tmp_path: Path) -> None:
    stdout, records = run_quick(tmp_path)
    assert [r["plan"]["case"] for r in records] == list(QUICK_CASES)
    now = re.search(r"before (\d{4}-\d\d-\d\dT\d\d:\d\dZ)", stdout)
    assert now is not None, stdout
    moment = datetime.strptime(now.group(1), "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    for record in records:
        plan = record["plan"]
        name = plan["case"]
        assert f"case {name}: {plan['session_count']:,} sessions over {plan['days']} days" in stdout
        # The counts come from the simulator's own layout, recomputed here.
        dataset = SimulatorDataset(
            seed=42, now=moment, session_count=plan["session_count"], days=plan["days"]
        )
        counts = dict(dataset.day_counts())
        day = date.fromisoformat(plan["day"])
        assert day == moment.date() - timedelta(days=1)
        before = day - timedelta(days=1)
        window = counts[day] + counts[before]
        paged = sum(n for d, n in counts.items() if d >= before)
        assert (plan["day_count"], plan["window_count"], plan["paged_count"]) == (
            counts[day],
            window,
            paged,
        )
        # Older sessions exist in every quick case, so the walk ends on the page holding
        # the first of them.
        assert plan["session_count"] > paged
        pages = paged // 1000 + 1
        assert plan["expected_calls"] == pages
        (floor,) = record["floors"]
        (digest,) = record["digests"]
        assert floor["sessions"] == window
        assert digest["sessions"] == window
        assert digest["day_sessions"] == counts[day]
        assert floor["calls"] == digest["calls"] == pages
        assert floor["other_calls"] == digest["other_calls"] == 0
        assert record["floor_ok"] is True
        # Peak memory is measured (VmHWM of a fresh process), not made up.
        for run in (floor, digest):
            assert 10 < run["rss_before_mb"] <= run["peak_rss_mb"] < 2000
            assert run["wall_s"] > 0 and run["cpu_s"] > 0
        ratio = digest["wall_s"] / floor["wall_s"]
        assert record["ratio"] == statistics.median([ratio])
        assert f"ratio digest/floor: {ratio:.2f}x wall" in stdout
        assert record["cpu_ratio"] == digest["cpu_s"] / floor["cpu_s"]
        assert record["simulator_hwm_mb"] > 10
    summary = stdout.split("targets:", 1)
    assert len(summary) == 2, stdout
    verdicts = re.findall(r"^  (PASS|FAIL)  (.+)$", summary[1], re.MULTILINE)
    assert [text.split(":")[0] for _, text in verdicts] == [
        "digest wall time <= 1.5x paging the same window, every case",
        "digest peak RSS growth day-100 -> day-1k <= 30 MB",
        "digest provider calls = paged // 1000 + 1 (one walk of the window), every case",
        "calls do not grow with the history",
        "simulator memory bounded serving 20,000 sessions",
    ]
    by_case = {r["plan"]["case"]: r for r in records}
    growth = max(d["peak_rss_mb"] for d in by_case["day-1k"]["digests"]) - max(
        d["peak_rss_mb"] for d in by_case["day-100"]["digests"]
    )
    assert f"{growth:+.1f} MB" in verdicts[1][1]
