"""A bounded end for each test's event loop.

pytest-asyncio closes a test's loop with asyncio's own `_cancel_all_tasks`, which cancels
what is left and then waits without limit for it to finish. Rarely (about one run in ten
under a full parallel load, never reproduced alone) one task left behind at the end of a
digest test does not finish after its cancel, and the worker would wait for ever: the
whole run then dies at CI's time limit instead of reporting. This waits at most
`LIMIT_SECONDS`, then names each task still running, with its stack, on stderr and in a
warning, and lets the loop close, so the run ends and the leftover is on record.
"""

from __future__ import annotations

import asyncio
import asyncio.runners
import sys
import warnings
from typing import Any

LIMIT_SECONDS = 10.0

_original = asyncio.runners._cancel_all_tasks  # type: ignore[attr-defined]


def _describe(task: asyncio.Task[Any]) -> str:
    frames = task.get_stack(limit=12)
    where = "; ".join(f"{f.f_code.co_filename}:{f.f_lineno} {f.f_code.co_name}" for f in frames)
    return f"{task.get_name()} {task.get_coro()!r} at {where or 'no frame'}"


def _bounded_cancel_all_tasks(loop: asyncio.AbstractEventLoop) -> None:
    left = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if not left:
        return
    for task in left:
        task.cancel()

    async def wait() -> set[asyncio.Task[Any]]:
        _, pending = await asyncio.wait(left, timeout=LIMIT_SECONDS)
        return pending

    pending = loop.run_until_complete(wait())
    if pending:
        report = "\n".join(_describe(task) for task in pending)
        print(f"\nloop_guard: tasks still running after cancel:\n{report}", file=sys.stderr)
        warnings.warn(f"tasks ignored their cancel at loop close: {report}", stacklevel=1)
        return
    _original(loop)


asyncio.runners._cancel_all_tasks = _bounded_cancel_all_tasks  # type: ignore[attr-defined]
