"""The screening pipeline: registry calls, database writes and rule evaluation overlap.

:func:`answers` takes every registry question of a batch at once (``requests[i]``: target
``i``'s questions) and yields the targets whose answers are all in, as soon as they are:

* the HTTP registries' calls (``registry_adapter.pooled_registries``: Bolagsverket, one
  organisation per call; yente, up to 100 companies or persons per call) run on
  ``concurrency`` threads of one :class:`registries.batch.CallPool`, in the order of the
  targets, each run (registry, or the persons' screening) with its own run-level abort
  (:class:`registries.batch.RunState`); the recent conclusive answers the cache holds are not
  asked again;
* the registries read from the database (files, manual answers, offline mode) are read on the
  session's thread, a chunk of ``chunk`` targets at a time, through ``registry_adapter.fetch``;
* the session's thread (the only one that touches the database) drains the pool's bounded
  queue, stores the answers as ``registry_lookup`` evidence as they arrive (as the acting user),
  and yields the targets that have every answer; the caller evaluates and stores their checks
  while the other calls are in flight.

Fail closed: a target is yielded only with an answer to each of its questions; a failed call is
evidence ``unavailable``/``error``; what a stopped run did not ask is ``unavailable`` with the
reason. An error on the session's thread stops the workers (calls not yet started are dropped)
and propagates: the caller's transaction is rolled back, so no supplier is half written.
"""
from __future__ import annotations

import contextlib
import logging
import queue
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from oversight import identifiers
from registries import services
from registries.base import ERROR, RegistryResult, failed
from registries.batch import CallPool, RunState
from suppliers import evidence as ev
from suppliers import registry_adapter as ra
from suppliers.registry_adapter import LookupRequest

log = logging.getLogger(__name__)

Key = tuple[str, str, str]  # (registry, subject, identifier): how a check finds its answer


def answer_key(req: LookupRequest) -> Key:
    return (req.registry, req.subject, req.identifier)


@dataclass
class Lane:
    """One run on the pool: a registry's company lookups, or the persons' screening."""

    prepared: services.Prepared
    state: RunState
    asking: dict[str, list[LookupRequest]] = field(default_factory=dict)  # identifier -> requests
    answered: int = 0


class Pipeline:
    def __init__(self, session: Session, user, requests: list[list[LookupRequest]], *,
                 concurrency: int, chunk: int):
        self.session, self.user, self.requests = session, user, requests
        self.concurrency, self.chunk = max(1, concurrency), max(1, chunk)
        self.answers: dict[Key, ev.Evidence] = {}
        self.waiting: dict[Key, list[int]] = defaultdict(list)
        self.missing = [0] * len(requests)
        self.ready: list[int] = []
        self.lanes: list[Lane] = []
        self.outstanding = 0  # units submitted and not yet drained
        pooled = ra.pooled_registries()
        self.sync_chunks = [
            (start, min(start + self.chunk, len(requests))) for start in range(0, len(requests), self.chunk)
            if any(not self._pooled(r, pooled) for reqs in requests[start:start + self.chunk] for r in reqs)]
        self.sync_chunks.reverse()  # popped from the end: first chunk first
        self._plan(pooled)

    @staticmethod
    def _pooled(req: LookupRequest, pooled: frozenset[str]) -> bool:
        return req.registry in pooled

    # --- planning (the session's thread) ------------------------------------------------------
    def _plan(self, pooled: frozenset[str]) -> None:
        unique: dict[tuple, LookupRequest] = {}
        for i, reqs in enumerate(self.requests):
            keys = {answer_key(r) for r in reqs}
            self.missing[i] = len(keys)
            for key in keys:
                self.waiting[key].append(i)
            for r in reqs:
                unique.setdefault((r.key, r.subject), r)
        for registry in sorted(pooled):
            asked = []
            for r in (r for r in unique.values() if r.registry == registry and r.schema != "Person"):
                if identifiers.validate("orgnr", r.identifier).valid:
                    asked.append(r)
                else:  # one bad number must not keep the others from being asked
                    self._answer(answer_key(r), ra.failure(r, ev.ERROR, "Ogiltigt organisationsnummer."))
            if asked:
                self._lane(asked, partial(services.prepare_lookup, self.session, self.user, registry,
                                          [r.identifier for r in asked],
                                          names={r.identifier: r.name for r in asked if r.name}),
                           ra.could_not_ask)
        if ev.SANCTIONS in pooled:
            people = [r for r in unique.values() if r.registry == ev.SANCTIONS and r.schema == "Person"]
            if people:
                self._lane(people, partial(services.prepare_person_lookup, self.session, self.user,
                                           [(r.name or r.identifier, r.birth_date) for r in people]),
                           ra.persons_not_asked)

    def _lane(self, asked: list[LookupRequest], prepare, on_error) -> None:
        try:
            prepared = prepare()
        except Exception as exc:  # noqa: BLE001 - bad input or no adapter: never a clean answer
            log.exception("could not prepare the lookups of %s", asked[0].registry)
            for req in asked:
                self._answer(answer_key(req), on_error([req], exc)[req.key])
            return
        config = current_app.config
        lane = Lane(prepared, RunState(prepared.adapter, batch_size=prepared.batch_size,
                                       abort_after=int(config["REGISTRY_ABORT_AFTER_FAILURES"]),
                                       subject=prepared.subject))
        for req, key in zip(asked, prepared.keys):
            lane.asking.setdefault(key, []).append(req)
        for key, row in prepared.cached.items():
            self._translate(lane, key, row, ref=f"registry_lookup:{row.id}", raw_hash=row.raw_sha256)
        self.lanes.append(lane)

    def units(self) -> list[tuple[int, int, list]]:
        """Every lane's calls, ordered by the first target each one serves."""
        first: dict[Key, int] = {}
        for i, reqs in enumerate(self.requests):
            for r in reqs:
                first.setdefault(answer_key(r), i)
        out = []
        for n, lane in enumerate(self.lanes):
            for unit in lane.state.units(lane.prepared.queries):
                order = min(first[answer_key(r)] for ident, _name in unit for r in lane.asking[ident])
                out.append((order, n, unit))
        out.sort(key=lambda item: (item[0], item[1]))
        return out

    # --- answers (the session's thread) -------------------------------------------------------
    def _answer(self, key: Key, item: ev.Evidence) -> None:
        if key in self.answers:
            return
        self.answers[key] = item
        for i in self.waiting.pop(key, ()):
            self.missing[i] -= 1
            if self.missing[i] == 0:
                self.ready.append(i)

    def _translate(self, lane: Lane, identifier: str, answer, *, ref: str, raw_hash) -> None:
        for req in lane.asking.get(identifier, ()):
            self._answer(answer_key(req), ra.translate(answer, req, ref=ref, raw_hash=raw_hash))

    def _store(self, drained: list[tuple[int, list, object]]) -> None:
        """Store the answers of finished calls, one flush per lane."""
        by_lane: dict[int, list[RegistryResult]] = defaultdict(list)
        for n, unit, outcome in drained:
            lane = self.lanes[n]
            if isinstance(outcome, BaseException):  # RunState.call catches every Exception
                raise outcome
            results = {r.identifier: r for r in outcome or ()}
            lane.answered += len(results)
            by_lane[n].extend(results.get(ident) or self._unanswered(lane, ident, outcome)
                              for ident, _name in unit)
        for n, results in by_lane.items():
            lane = self.lanes[n]
            rows = lane.prepared.store(self.session, self.user, results)
            for result, row in zip(results, rows):
                # the answer as it came (typed records), the stored row as its reference
                self._translate(lane, result.identifier, result, ref=f"registry_lookup:{row.id}",
                                raw_hash=row.raw_sha256)

    @staticmethod
    def _unanswered(lane: Lane, identifier: str, outcome) -> RegistryResult:
        if outcome is None:  # the run stopped before this call
            return lane.state.not_asked(identifier)
        return failed(lane.state.name, identifier, ERROR, "svar saknas",
                      "Registret gav inget svar på frågan.")

    def _sync_chunk(self) -> None:
        start, end = self.sync_chunks.pop()
        pooled = ra.pooled_registries()
        wanted = [r for reqs in self.requests[start:end] for r in reqs if not self._pooled(r, pooled)]
        for key, item in ra.fetch(self.session, self.user, wanted).items():
            self._answer(key, item)

    def _drain(self, pool: CallPool, block: bool) -> None:
        drained = []
        try:
            while self.outstanding:
                tag, outcome = pool.next(timeout=1.0) if block and not drained else pool.next_nowait()
                self.outstanding -= 1
                drained.append((*tag, outcome))
        except queue.Empty:
            pass
        if drained:
            self._store(drained)

    # --- the loop ---------------------------------------------------------------------------
    def run(self) -> Iterator[list[int]]:
        total, done = len(self.requests), 0
        pool = CallPool(self.concurrency) if self.lanes else None
        with pool or contextlib.nullcontext():
            for _order, n, unit in self.units():
                pool.submit((n, unit), partial(self.lanes[n].state.call, unit))
                self.outstanding += 1
            while done < total:
                self._drain(pool, block=False)
                if self.ready:
                    ready, self.ready = self.ready, []
                    done += len(ready)
                    yield ready
                elif self.sync_chunks:
                    self._sync_chunk()
                elif self.outstanding:
                    self._drain(pool, block=True)
                else:  # a question nobody will answer: a bug, never a clean check
                    raise RuntimeError(_("%(n)s leverantörer fick inte alla registersvar",
                                         n=total - done))
        for lane in self.lanes:
            lane.state.log_end(lane.answered, len(set(lane.prepared.keys)))


def answers(session: Session, user, requests: list[list[LookupRequest]], *, concurrency: int,
            chunk: int) -> tuple[dict[Key, ev.Evidence], Iterator[list[int]]]:
    """``(answers, batches)``: iterate ``batches`` for lists of target indices whose answers
    (``answers[answer_key(req)]``) are all in. Close the iterator when leaving early."""
    pipeline = Pipeline(session, user, requests, concurrency=concurrency, chunk=chunk)
    return pipeline.answers, pipeline.run()
