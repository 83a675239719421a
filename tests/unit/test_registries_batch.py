"""run_batch: order kept, threads used for thread-safe adapters, and any failure stops the
run with the rest marked unavailable (never silently dropped)."""
import threading

from registries.base import FOUND, UNAVAILABLE, CredentialsRejected, RegistryResult, failed
from registries.services import run_batch


class Fake:
    name = "fake"

    def __init__(self, thread_safe=True, fail_on=None, exc=RuntimeError, unavailable=(),
                 source="fake"):
        self.thread_safe, self.fail_on, self.exc, self.unavailable = thread_safe, fail_on, exc, set(unavailable)
        self.source = source
        self.threads, self.calls = set(), []

    def lookup(self, identifier, *, name=None):
        self.threads.add(threading.get_ident())
        self.calls.append(identifier)
        if identifier == self.fail_on:
            raise self.exc("boom")
        if identifier in self.unavailable:
            return failed("fake", identifier, UNAVAILABLE, self.source, "nere")
        return RegistryResult(registry="fake", identifier=identifier, status=FOUND, source="fake")


QUERIES = [(f"id{i}", None) for i in range(30)]


def test_order_is_kept_and_threads_are_used():
    adapter = Fake()
    done = []
    results = run_batch(adapter, QUERIES, concurrency=4, progress=lambda d, t, m: done.append(d))
    assert [r.identifier for r in results] == [q[0] for q in QUERIES]
    assert {r.status for r in results} == {FOUND} and done[-1] == 30
    assert len(adapter.threads) > 1


def test_a_database_bound_adapter_runs_in_the_calling_thread():
    adapter = Fake(thread_safe=False)
    run_batch(adapter, QUERIES, concurrency=8)
    assert adapter.threads == {threading.get_ident()}


def test_a_bug_stops_the_run_and_the_rest_is_unavailable():
    results = run_batch(Fake(thread_safe=False, fail_on="id2"), QUERIES, concurrency=1)
    assert [r.status for r in results[:2]] == [FOUND, FOUND]
    assert all(r.status == UNAVAILABLE and "oväntat fel (RuntimeError)" in r.message for r in results[2:])


def test_run_abort_and_consecutive_failures():
    adapter = Fake(thread_safe=False, fail_on="id5", exc=CredentialsRejected)
    results = run_batch(adapter, QUERIES, concurrency=1)
    assert len(adapter.calls) == 6 and "avbröts" in results[29].message and "boom" in results[29].message
    adapter = Fake(thread_safe=False, unavailable={f"id{i}" for i in range(10, 20)})
    results = run_batch(adapter, QUERIES, concurrency=1, abort_after=3)
    assert len(adapter.calls) == 13 and [r.status for r in results[13:]] == [UNAVAILABLE] * 17


def test_no_data_in_the_imported_files_is_an_answer_and_never_stops_the_run():
    """A file registry without a record for ten organisations in a row answers each of them
    ("no data registered"); only failed calls to a service count towards stopping the run."""
    adapter = Fake(thread_safe=False, unavailable={f"id{i}" for i in range(10, 20)}, source="file")
    results = run_batch(adapter, QUERIES, concurrency=1, abort_after=3)
    assert len(adapter.calls) == 30
    assert [r.message for r in results[10:20]] == ["nere"] * 10
    assert [r.status for r in results[20:]] == [FOUND] * 10


class Gate(Fake):
    """The first lookup aborts the run; the others wait (bounded) so later ones are cancelled."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()

    def lookup(self, identifier, *, name=None):
        if identifier == "id0":
            raise CredentialsRejected("nyckeln avvisades")
        self.release.wait(timeout=2)
        return super().lookup(identifier, name=name)


def test_an_aborted_batch_logs_one_line_not_a_traceback_per_cancelled_thread(caplog):
    caplog.set_level("DEBUG", logger="registries")
    results = run_batch(Gate(), QUERIES, concurrency=2)
    assert results[0].status == UNAVAILABLE and "avbröts" in results[-1].message
    records = [r for r in caplog.records if r.name.startswith("registries")]
    assert [r.exc_info for r in records if r.exc_info] == []
    assert len(records) == 1 and "avbröts" in records[0].getMessage()
