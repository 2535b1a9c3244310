"""The shared HTTP layer of every provider client: one pooled client, bounded retries
that honour Retry-After, the mapping of HTTP failures to typed errors, a concurrency gate,
shared reads and a health record."""

from __future__ import annotations

import asyncio
import functools
import logging
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from bot.ids import retry_after_in
from bot.providers.errors import (
    FieldError,
    Invalid,
    NotFound,
    ProviderError,
    ProviderUnavailable,
    RateLimited,
    Unauthorized,
)
from bot.providers.flight import ReadFlights, read_key
from bot.providers.health import HealthRecord, ProviderHealth

log = logging.getLogger("bot.providers.http")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# A connection refused or reset, a timeout, or a peer that hung up mid-answer: all are
# worth another try for GET and PUT (both idempotent).
RETRY_TRANSPORT_ERRORS: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.ConnectError,
    httpx.RemoteProtocolError,
    httpx.ReadError,
)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    # A Retry-After longer than this is not waited out: the caller is told how long instead.
    max_retry_after: float = 30.0
    # Bound on the whole call, retries included, so a user is never left waiting forever.
    total_seconds: float = 60.0


@dataclass(frozen=True)
class HttpSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    write_timeout: float = 10.0
    pool_timeout: float = 5.0
    max_connections: int = 20
    max_keepalive: int = 10

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(
            connect=self.connect_timeout,
            read=self.read_timeout,
            write=self.write_timeout,
            pool=self.pool_timeout,
        )

    def limits(self) -> httpx.Limits:
        return httpx.Limits(
            max_connections=self.max_connections, max_keepalive_connections=self.max_keepalive
        )


@functools.cache
def verified_tls() -> ssl.SSLContext:
    """httpx's default verifying context, built once: loading the CA bundle takes tens of
    milliseconds, and every client would otherwise load it again."""
    return httpx.create_ssl_context()


def build_client(
    base_url: str,
    *,
    auth: httpx.Auth | None = None,
    headers: Mapping[str, str] | None = None,
    settings: HttpSettings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """`transport` replaces httpx's own (and so `settings.limits()`); tests use it to watch."""
    settings = settings or HttpSettings()
    return httpx.AsyncClient(
        base_url=base_url,
        auth=auth,
        headers={"Accept": "application/json", "User-Agent": "RoomOps/0.1", **(headers or {})},
        timeout=settings.timeout(),
        limits=settings.limits(),
        transport=transport,
        verify=verified_tls(),
        # Redirects could carry the Authorization header elsewhere; no provider needs them.
        follow_redirects=False,
    )


class _RetryableStatus(Exception):
    def __init__(self, response: httpx.Response, retry_after: float | None) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.retry_after = retry_after


def retry_after_header(response: httpx.Response) -> float | None:
    """How long a retryable answer asks us to wait: its Retry-After header, if any."""
    return retry_after_in(response.headers)


ErrorParser = Callable[[Any], list[FieldError]]
# Reads how long to wait before retrying a 429 or 5xx answer (None: back off as usual).
RetryAfterReader = Callable[[httpx.Response], float | None]
# What makes the provider look unwell; NotFound and Invalid are answers about the request.
HEALTH_FAILURES: tuple[type[ProviderError], ...] = (ProviderUnavailable, RateLimited, Unauthorized)


class ProviderHttp:
    """Sends one request with bounded retries and turns failures into typed errors.

    Every attempt first takes a slot of a gate sized to the pool's `max_connections`, so
    no request ever queues inside httpx's pool: httpcore rescans its whole queue on every
    change (CPU-bound under a burst) and turns long queues into PoolTimeouts, while the
    gate's queue is cheap, fair and cancellation-safe. GETs go through single-flight and
    a short cache; every call's outcome feeds the health record.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        provider: str,
        parse_errors: ErrorParser,
        policy: RetryPolicy | None = None,
        max_concurrency: int = HttpSettings.max_connections,
        cache_seconds: float = 0.0,
        retry_after: RetryAfterReader = retry_after_header,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be >= 1")
        self.client = client
        self.provider = provider
        self.policy = policy or RetryPolicy()
        self.max_concurrency = max_concurrency
        self._parse_errors = parse_errors
        self._retry_after = retry_after
        # "Full jitter": replicas that failed together do not retry together.
        self._backoff = wait_random_exponential(
            multiplier=self.policy.initial_backoff, max=self.policy.max_backoff
        )
        self._gate = asyncio.Semaphore(max_concurrency)
        # Strong references: the loop keeps only weak ones to tasks nobody awaits.
        self._attempts: set[asyncio.Task[httpx.Response]] = set()
        self._reads = ReadFlights(cache_seconds)
        self._health = HealthRecord()

    def health(self) -> ProviderHealth:
        return self._health.snapshot()

    async def aclose(self) -> None:
        self._reads.cancel_all()
        attempts = list(self._attempts)
        for task in attempts:
            task.cancel()  # the client is going away; nothing will reuse its pool
        await asyncio.gather(*attempts, return_exceptions=True)
        await self.client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        fresh: bool = False,
    ) -> Any:
        """`fresh=True` reads past the cache and any identical read in flight: what a
        decision about a write (is the room still as the request saw it?) must see."""
        method = method.upper()
        if method == "GET" and fresh:
            return await self._call(method, path, params=params, json=None)
        if method != "GET":
            try:
                return await self._call(method, path, params=params, json=json)
            finally:
                # Even a failed write may have landed. Knowing which cached reads a write
                # touches (a renamed room moves in every listing) is not worth the risk:
                # writes are rare next to reads, so the whole cache goes.
                self._reads.invalidate()
        return await self._reads.get(
            read_key(method, path, params),
            lambda: self._call(method, path, params=params, json=None),
        )

    async def _call(
        self, method: str, path: str, *, params: Mapping[str, str | int] | None, json: Any
    ) -> Any:
        """One call as the health record counts it: every retry, then one outcome."""
        try:
            response = await self._send_with_retries(method, path, params=params, json=json)
            body = self._decode(response)
        except HEALTH_FAILURES as exc:
            self._health.failed(exc)
            raise
        except (NotFound, Invalid):
            self._health.succeeded()  # the provider answered, and sensibly
            raise
        self._health.succeeded()
        return body

    async def _send_with_retries(
        self, method: str, path: str, *, params: Mapping[str, str | int] | None, json: Any
    ) -> httpx.Response:
        policy = self.policy
        # Waiting for a slot counts against the same budget as retries.
        deadline = asyncio.get_running_loop().time() + policy.total_seconds
        retrying = AsyncRetrying(
            stop=stop_after_attempt(policy.attempts) | stop_after_delay(policy.total_seconds),
            wait=self._wait,
            retry=retry_if_exception(self._should_retry),
            before_sleep=lambda state: self._log_retry(method, path, state),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    response = await self._attempt(method, path, params, json, deadline)
                    if response.status_code in RETRY_STATUSES:
                        raise _RetryableStatus(response, self._retry_after(response))
                    return response
        except _RetryableStatus as exc:
            raise self._exhausted_status(exc) from None
        except RETRY_TRANSPORT_ERRORS as exc:
            raise ProviderUnavailable(
                f"{self.provider} did not answer ({_describe(exc)})", provider=self.provider
            ) from exc
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(
                f"{self.provider} request failed ({_describe(exc)})", provider=self.provider
            ) from exc
        raise AssertionError("unreachable: tenacity either returns or raises")

    async def _attempt(
        self,
        method: str,
        path: str,
        params: Mapping[str, str | int] | None,
        json: Any,
        deadline: float,
    ) -> httpx.Response:
        # The slot is held for this one attempt only, never across a backoff sleep.
        # Semaphore.acquire is cancellation-safe: a waiter cancelled (or timed out) while
        # being handed a slot passes it on.
        try:
            async with asyncio.timeout_at(deadline):
                await self._gate.acquire()
        except TimeoutError as exc:
            raise ProviderUnavailable(
                f"{self.provider} is busy: too many requests waiting", provider=self.provider
            ) from exc
        # No await between acquire and here: the slot now belongs to the request task,
        # whose done callback returns it however the task ends (even cancelled unstarted).
        task = asyncio.get_running_loop().create_task(
            self.client.request(method, path, params=params, json=json)
        )
        self._attempts.add(task)
        task.add_done_callback(self._attempt_done)
        # A caller that gives up does not cancel the request itself: httpcore 1.0.9 leaks a
        # pool connection for good when a request is cancelled between being given a new
        # connection and starting on it, and enough of those wedge the pool (PoolTimeout
        # on every call). The abandoned request finishes within its timeouts instead.
        return await asyncio.shield(task)

    def _attempt_done(self, task: asyncio.Task[httpx.Response]) -> None:
        self._attempts.discard(task)
        self._gate.release()
        if not task.cancelled():
            task.exception()  # nobody may be waiting; keep asyncio from logging it

    def _should_retry(self, exc: BaseException) -> bool:
        if isinstance(exc, _RetryableStatus):
            wait = exc.retry_after
            return wait is None or wait <= self.policy.max_retry_after
        return isinstance(exc, RETRY_TRANSPORT_ERRORS)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _RetryableStatus) and exc.retry_after is not None:
            # The server said when; waiting less would only earn another 429.
            return exc.retry_after
        return self._backoff(state)

    def _log_retry(self, method: str, path: str, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "%s %s %s failed (%s); retry %d of %d in %.2fs",
            self.provider,
            method,
            _path_only(path),
            _describe(exc),
            state.attempt_number,
            self.policy.attempts - 1,
            wait,
        )

    def _exhausted_status(self, exc: _RetryableStatus) -> ProviderError:
        status = exc.response.status_code
        if status == 429:
            wait = exc.retry_after
            hint = f"; try again in {wait:.0f} s" if wait is not None else ""
            return RateLimited(
                f"{self.provider} is rate limiting requests{hint}",
                retry_after=wait,
                provider=self.provider,
                status=status,
            )
        return ProviderUnavailable(
            f"{self.provider} answered HTTP {status}", provider=self.provider, status=status
        )

    def _decode(self, response: httpx.Response) -> Any:
        status = response.status_code
        body = _json_or_none(response)
        if 200 <= status < 300:
            if body is None and response.content:
                raise ProviderUnavailable(
                    f"{self.provider} sent a response that is not JSON",
                    provider=self.provider,
                    status=status,
                )
            return body
        if status in (401, 403):
            raise Unauthorized(
                f"{self.provider} refused the credentials (HTTP {status})",
                provider=self.provider,
                status=status,
            )
        if status == 404:
            raise NotFound(
                f"{self.provider} has no such resource.", provider=self.provider, status=status
            )
        if status in (400, 409, 422):
            errors = self._parse_errors(body) if body is not None else []
            detail = "; ".join(
                f"{e.attribute}: {e.message}" if e.attribute else e.message for e in errors
            )
            message = detail or f"{self.provider} refused the request (HTTP {status})"
            raise Invalid(message, errors, provider=self.provider, status=status)
        raise ProviderUnavailable(
            f"{self.provider} answered HTTP {status}", provider=self.provider, status=status
        )


def _json_or_none(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _path_only(path: str) -> str:
    # Logs name the endpoint, never a query string that might carry a token.
    return httpx.URL(path).path


def _describe(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown"
    if isinstance(exc, _RetryableStatus):
        return str(exc)
    return type(exc).__name__
