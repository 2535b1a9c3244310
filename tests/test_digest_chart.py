"""The hourly chart: a real PNG of the right size, the same bytes twice, none for an empty
day, and matplotlib kept out of the bot's start-up."""

from __future__ import annotations

import ast
import struct
import sys
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.digest.chart import DPI, HEIGHT_INCHES, WIDTH_INCHES, hourly_chart_png
from bot.digest.summary import DaySummariser, DaySummary
from bot.providers.models import RoomSession

REPO_ROOT = Path(__file__).resolve().parents[1]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FALL_BACK = date(2026, 10, 25)  # 25 hours in Berlin


def summary(day: date, starts: list[datetime]) -> DaySummary:
    summariser = DaySummariser(day, ZoneInfo("Europe/Berlin"), now=datetime(2027, 1, 1, tzinfo=UTC))
    for i, start in enumerate(starts):
        summariser.add(
            RoomSession(id=str(i), room_id="r", name="standup", start_time=start, duration=600)
        )
    return summariser.result()


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of each chunk, checking each CRC on the way."""
    found = []
    position = len(PNG_MAGIC)
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", png[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + data), kind
        found.append((kind, data))
        position += 12 + length
    return found


def test_the_chart_is_a_png_of_the_declared_size() -> None:
    day_start = datetime(2026, 10, 24, 22, tzinfo=UTC)
    starts = [day_start + timedelta(minutes=37 * i) for i in range(40)]
    png = hourly_chart_png(summary(FALL_BACK, starts))
    assert png.startswith(PNG_MAGIC)
    parts = chunks(png)
    kinds = [kind for kind, _ in parts]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds
    width, height = struct.unpack(">II", parts[0][1][:8])
    assert (width, height) == (round(WIDTH_INCHES * DPI), round(HEIGHT_INCHES * DPI))
    # No text chunk names a date or a software version: the bytes depend on the data only.
    texts = b"".join(data for kind, data in parts if kind in (b"tEXt", b"iTXt", b"zTXt"))
    assert b"matplotlib" not in texts and b"2026" not in texts
    assert hourly_chart_png(summary(FALL_BACK, starts)) == png


def test_an_empty_day_has_no_chart() -> None:
    with pytest.raises(ValueError, match="empty day"):
        hourly_chart_png(summary(FALL_BACK, []))


def module_level_imports(tree: ast.Module) -> Iterator[str]:
    """Modules a file imports when it is imported: its body, and the bodies of its
    top-level `if`/`try` blocks (not functions, which import only when called)."""
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.If | ast.Try):
            pending += node.body + node.orelse + getattr(node, "finalbody", [])
            pending += [s for h in getattr(node, "handlers", []) for s in h.body]


def test_matplotlib_is_not_imported_at_start_up_nor_pyplot_ever() -> None:
    # Starting the bot imports every module of the package at most: none may import
    # matplotlib (a second of start-up) until a chart is drawn.
    found = {
        str(path.relative_to(REPO_ROOT)): name
        for path in (REPO_ROOT / "bot").rglob("*.py")
        for name in module_level_imports(ast.parse(path.read_text()))
        if name.split(".")[0] == "matplotlib"
    }
    assert found == {}
    hourly_chart_png(summary(FALL_BACK, [datetime(2026, 10, 25, 9, tzinfo=UTC)]))
    assert "matplotlib.pyplot" not in sys.modules
