"""Running registry calls on threads, without the database.

* :class:`RunState`: one run's calls (one registry's lookups, or the persons' screening) and its
  run-level abort: a :class:`~registries.base.RunAbort`, a bug, or ``abort_after`` failed calls
  in a row stop the run; what was not asked comes back ``unavailable`` with the reason. Shared
  by :func:`run_batch` and the supplier screening pipeline (``suppliers.pipeline``).
* :class:`CallPool`: worker threads that run calls in the order they were submitted and hand
  each finished call to the owning thread through a bounded queue, so the thread that owns the
  SQLAlchemy session stores and evaluates answers while other calls are in flight.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed

from flask_babel import gettext as _

from oversight.jobs import Progress
from registries.base import UNAVAILABLE, RegistryResult, RunAbort, failed

log = logging.getLogger("registries.services")
# Answers read locally (an offline fixture, the imported registry files): "no data for this
# organisation" there is an answer about the data, not a failed call, so it never stops a run.
LOCAL_SOURCES = frozenset({"offline", "file"})

Unit = list[tuple[str, str | None]]  # (identifier, name) pairs asked in one call


class RunState:
    """Calls of one run and the consecutive failures that stop it (thread-safe).

    A call is one ``lookup``, or one ``lookup_many`` unit of ``batch_size`` queries that came
    back all ``unavailable``; offline answers ("cannot be searched here") do not count."""

    def __init__(self, adapter, *, abort_after: int = 5, batch_size: int = 100,
                 subject: str | None = None):
        self.adapter, self.abort_after = adapter, abort_after
        self.many = getattr(adapter, "lookup_many", None)
        self.batch_size = max(1, batch_size)
        self.name = getattr(adapter, "name", "register")
        self.subject = subject or _("organisationen")  # resolved on the caller's thread
        self.abort: str | None = None
        self._streak = 0
        self._lock = threading.Lock()

    @property
    def thread_safe(self) -> bool:
        return bool(getattr(self.adapter, "thread_safe", False))

    def units(self, queries: Unit) -> list[Unit]:
        size = self.batch_size if self.many else 1
        return [queries[i:i + size] for i in range(0, len(queries), size)]

    def call(self, unit: Unit) -> list[RegistryResult] | None:
        """Ask one unit (any thread); None when it was not asked (the run stopped)."""
        if self.abort:
            return None
        try:
            results = (self.many(unit) if self.many
                       else [self.adapter.lookup(unit[0][0], name=unit[0][1])])
        except RunAbort as exc:
            self._stop(str(exc))
            return None
        except Exception as exc:  # a bug must stop the run, never read as "checked"
            with self._lock:
                if self.abort is None:  # the cause, with its traceback; later ones are noise
                    log.exception("registry lookup failed")
            self._stop(f"oväntat fel ({type(exc).__name__})")
            return None
        self._count(results)
        return results

    def _stop(self, reason: str) -> None:
        with self._lock:
            self.abort = self.abort or reason

    def _count(self, results: list[RegistryResult]) -> None:
        asked = [r.status == UNAVAILABLE for r in results if r.source not in LOCAL_SOURCES]
        if not asked:
            return
        with self._lock:
            if self.many:  # a batched call (yente, 100 queries) is one call
                self._streak = self._streak + 1 if all(asked) else 0
            else:
                for unavailable in asked:
                    self._streak = self._streak + 1 if unavailable else 0
            if self.abort_after and self._streak >= self.abort_after and self.abort is None:
                self.abort = f"{self._streak} anrop i rad kunde inte genomföras"

    def not_asked(self, identifier: str) -> RegistryResult:
        """The answer for a query the stopped run did not ask (call on the app's thread)."""
        return failed(self.name, identifier, UNAVAILABLE, "körning avbruten",
                      _("Körningen avbröts innan %(subject)s kontrollerades: %(reason)s.",
                        subject=self.subject, reason=str(self.abort).rstrip(".")))

    def log_end(self, asked: int, total: int) -> None:
        """``asked``: queries that came back, with an answer or unavailable (the ones in flight
        when the run stopped included), so "9 av 9" can follow an abort."""
        if self.abort:
            log.warning("%s: körningen avbröts (%s); %d av %d frågor hann ställas", self.name,
                        self.abort, asked, total)


def run_batch(adapter, queries: Unit, *, concurrency: int = 4, abort_after: int = 5,
              progress: Progress | None = None, batch_size: int = 100,
              subject: str | None = None) -> list[RegistryResult]:
    """Run lookups (no database access for thread-safe adapters), results in the order of
    ``queries``. Stops the run on :class:`RunAbort`, a bug, or after ``abort_after`` failed calls
    in a row (see :class:`RunState`); what was not looked up comes back ``unavailable`` with the
    reason (``subject`` names what was not checked in that message)."""
    state = RunState(adapter, abort_after=abort_after, batch_size=batch_size, subject=subject)
    units = state.units(queries)
    results: dict[str, RegistryResult] = {}

    def collect(unit_results: list[RegistryResult] | None) -> None:
        if unit_results is None:
            return
        for result in unit_results:
            results[result.identifier] = result
        if progress:
            progress(len(results), len(queries), _("%(done)s av %(total)s klara", done=len(results),
                                                       total=len(queries)))

    if concurrency <= 1 or not state.thread_safe or len(units) == 1:
        for unit in units:
            if state.abort:
                break
            collect(state.call(unit))
    else:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            futures = [pool.submit(state.call, unit) for unit in units]
            for future in as_completed(futures):
                if future.cancelled():  # not asked: reported once below, not per thread
                    continue
                collect(future.result())
                if state.abort:
                    for other in futures:
                        other.cancel()
    state.log_end(len(results), len(queries))
    return [results.get(orgnr) or state.not_asked(orgnr) for orgnr, _query in queries]


class CallPool:
    """``workers`` threads run submitted calls in submission order; each finished call comes
    back as ``(tag, outcome)`` through a bounded queue (a full queue holds the workers back
    until the owner catches up). ``outcome`` is the call's return value, or the exception it
    raised. Use as a context manager: leaving it stops the workers (calls not yet started are
    dropped) and waits for them."""

    def __init__(self, workers: int, queue_size: int | None = None):
        self._todo: queue.SimpleQueue = queue.SimpleQueue()
        self._done: queue.Queue = queue.Queue(maxsize=queue_size or 4 * max(1, workers))
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._work, name=f"registry-call-{i}", daemon=True)
                         for i in range(max(1, workers))]
        self.submitted = 0

    def __enter__(self) -> CallPool:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def submit(self, tag, fn: Callable[[], object]) -> None:
        self.submitted += 1
        self._todo.put((tag, fn))

    def next(self, timeout: float | None = None):
        """The next finished call ``(tag, outcome)``; raises ``queue.Empty`` after ``timeout``."""
        return self._done.get(timeout=timeout)

    def next_nowait(self):
        return self._done.get_nowait()

    def close(self) -> None:
        self._stopping.set()
        for _thread in self._threads:
            self._todo.put(None)
        for thread in self._threads:
            if thread.is_alive():
                thread.join()

    def _work(self) -> None:
        while True:
            item = self._todo.get()
            if item is None or self._stopping.is_set():
                return
            tag, fn = item
            try:
                outcome = fn()
            except BaseException as exc:  # noqa: BLE001 - handed to the owner, never lost
                outcome = exc
            while not self._stopping.is_set():
                try:
                    self._done.put((tag, outcome), timeout=0.1)
                    break
                except queue.Full:
                    continue
