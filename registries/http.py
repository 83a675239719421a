"""HTTP plumbing shared by the HTTP adapters (nomenklatura style): an injected
``requests.Session``, (connect, read) timeouts on every call, retries with exponential backoff
on 429/5xx/connection errors honouring ``Retry-After`` up to a cap, a per-registry rate limit,
and a request id on every call. Credentials travel in headers or form bodies only; nothing
here logs headers or bodies.
"""
from __future__ import annotations

import email.utils
import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests
from flask_babel import gettext as _
from requests.adapters import HTTPAdapter

from registries.base import Unavailable, redact

log = logging.getLogger("registries.http")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpSettings:
    connect_timeout: float = 3.05
    read_timeout: float = 15.0
    retries: int = 3  # extra attempts after the first
    backoff: float = 0.5  # seconds; doubled per attempt, plus jitter
    retry_after_cap: float = 30.0  # never wait longer; a longer Retry-After gives up at once
    rate_limit: float = 0.0  # requests per second for this registry; 0 = unlimited


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    body: bytes
    content_type: str
    request_id: str
    attempts: int
    duration_ms: int
    headers: dict = field(default_factory=dict, compare=False)

    def json(self):
        """Raises ValueError for a body that is not JSON."""
        return json.loads(self.body.decode("utf-8"))


class RateLimiter:
    """At most ``rate`` calls per second across threads (evenly spaced slots)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = 1.0 / rate if rate and rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()
        self._clock, self._sleep = clock, sleep

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            self._sleep(slot - now)


def make_session(pool_size: int = 10, user_agent: str = "oversight-registries/1.0") -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent
    return session


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date); None when absent/invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class HttpClient:
    """One registry's HTTP access. Thread-safe as far as ``requests.Session`` is."""

    def __init__(self, registry: str, session: requests.Session, settings: HttpSettings, *,
                 secrets: Callable[[], Iterable[str]] = lambda: (),
                 sleep: Callable[[float], None] = time.sleep):
        self.registry = registry
        self.session = session
        self.settings = settings
        self.secrets = secrets
        self.sleep = sleep
        self.limiter = RateLimiter(settings.rate_limit, sleep=sleep)

    def redact(self, text: str | None) -> str | None:
        return redact(text, self.secrets())

    def request(self, method: str, url: str, *, json=None, data=None, headers=None,
                request_id: str | None = None) -> HttpAnswer:
        """Send with retries; return the first answer that is not retryable.

        Raises :class:`Unavailable` when every attempt failed or a ``Retry-After`` exceeds the
        cap. Any 4xx other than 429 is returned to the caller to interpret."""
        s = self.settings
        request_id = request_id or str(uuid.uuid4())
        headers = {"X-Request-Id": request_id, **(headers or {})}
        started = time.monotonic()
        reason = "okänt fel"
        for attempt in range(1, s.retries + 2):
            self.limiter.wait()
            delay = s.backoff * (2 ** (attempt - 1)) + random.uniform(0, s.backoff)  # nosec B311  # jitter of a retry delay, not security
            try:
                response = self.session.request(method, url, json=json, data=data, headers=headers,
                                                timeout=(s.connect_timeout, s.read_timeout))
                body = response.content
            except requests.Timeout:
                reason = f"inget svar inom tidsgränsen ({s.read_timeout:g} s)"
            except requests.ConnectionError:
                reason = "kunde inte ansluta"
            except requests.RequestException as exc:  # invalid URL and the like: do not retry
                raise Unavailable(self.redact(f"{self.registry}: anropet misslyckades "
                                              f"({type(exc).__name__})")) from None
            else:
                log.info("%s %s %s -> %s (försök %s, begäran %s)", self.registry, method,
                         _path(url), response.status_code, attempt, request_id)
                if response.status_code not in RETRY_STATUSES:
                    return HttpAnswer(
                        status=response.status_code, body=body,
                        content_type=response.headers.get("Content-Type", ""),
                        request_id=response.headers.get("X-Request-Id") or request_id,
                        attempts=attempt, duration_ms=int((time.monotonic() - started) * 1000),
                        headers={k: v for k, v in response.headers.items()
                                 if k.lower() in ("content-type", "retry-after", "x-request-id")})
                reason = f"HTTP {response.status_code}"
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                if wait is not None:
                    if wait > s.retry_after_cap:
                        raise Unavailable(
                            _("%(registry)s: %(reason)s, registret bad oss vänta %(wait)g s (längre än taket "
                              "%(retry_after_cap)g s)",
                              registry=self.registry, reason=reason, wait=wait, retry_after_cap=s.retry_after_cap))
                    delay = wait
            log.warning("%s %s %s: %s (försök %s av %s, begäran %s)", self.registry, method,
                        _path(url), reason, attempt, s.retries + 1, request_id)
            if attempt <= s.retries:
                self.sleep(min(delay, s.retry_after_cap))
        raise Unavailable(_("%(registry)s: %(reason)s efter %(retries)s försök",
                            registry=self.registry, reason=reason, retries=s.retries + 1))


def _path(url: str) -> str:
    """Log the path only: hosts are configuration, and query strings could carry data."""
    from urllib.parse import urlsplit

    return urlsplit(url).path
