"""An async context kept open on an event loop in a daemon thread, driven from the main one.

Why the loop is not in the main thread: the console's prompt is a blocking `input()`, and
only there does Ctrl-C reach it. In a worker thread the prompt cannot be interrupted (the
process waits for Enter before it can exit) and readline cannot put the terminal back.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from contextlib import AbstractAsyncContextManager, suppress
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class BackgroundLoop(Generic[T]):
    def __init__(self, enter: Callable[[], AbstractAsyncContextManager[T]]) -> None:
        self._enter = enter
        self._ready = threading.Event()
        self._stopping = threading.Event()  # seen even before the loop exists
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._value: T | None = None
        self._error: BaseException | None = None
        # A daemon: if closing ever hangs, the process can still leave after stop()'s wait.
        self._thread = threading.Thread(target=self._main, name="roomops-demo", daemon=True)

    def start(self) -> T:
        """Enter the context; its value once it is ready, or the error that stopped it."""
        self._thread.start()
        self._ready.wait()  # interruptible: Ctrl-C while starting lands here
        if self._value is None:
            raise self._error or RuntimeError("the demo stopped while starting")
        return self._value

    def run(self, work: Coroutine[Any, Any, R]) -> R:
        """Run `work` on the loop and wait for it; Ctrl-C cancels it and is re-raised."""
        if self._loop is None or self._value is None:
            work.close()
            raise RuntimeError("start() first")
        future = asyncio.run_coroutine_threadsafe(work, self._loop)
        try:
            return future.result()
        except KeyboardInterrupt:
            future.cancel()
            raise

    def stop(self, timeout: float) -> bool:
        """Leave the context (closing what it opened); False if that outlasted `timeout`."""
        self._stopping.set()
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            with suppress(RuntimeError):  # the loop has already finished
                loop.call_soon_threadsafe(stop.set)
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # handed to start(); after start, closing errors end here
            self._error = exc
        finally:
            self._ready.set()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        async with self._enter() as value:
            self._value = value
            self._ready.set()
            if not self._stopping.is_set():
                await self._stop.wait()
