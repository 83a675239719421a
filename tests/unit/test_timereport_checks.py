"""Each time-report check at its boundaries (pure functions, no database)."""
from datetime import date, time, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from assistance import timereport_codes as C
from assistance.timereport_checks import decided_hours, overlap_pairs, time_shifts
from assistance.timereport_checks_more import eighteenth_birthday, report_pattern, run_checks

MARCH = date(2026, 3, 1)
P = Decimal
ADULT = C.Assistant("A1", date(1990, 1, 1), True)
PARAMS = C.Parameters()


def shift(row, day, start="08:00", end="16:00", assistant="A1", person="U1", provider="5561112222",
          kind=C.ORDINARY, end_day=None):
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return C.Shift(row, assistant, person, provider, day, time(h1, m1), time(h2 % 24, m2), kind,
                   end_day)


def data(shifts, **kw):
    kw.setdefault("assistants", {"A1": ADULT, "A2": C.Assistant("A2", date(1985, 5, 5), True)})
    kw.setdefault("decisions", [C.Decision("U1", date(2025, 1, 1), None, P(40)),
                                C.Decision("U2", date(2025, 1, 1), None, P(40))])
    kw.setdefault("no_permit_days", {"5561112222": frozenset(), "5562223333": frozenset()})
    return C.MonthData(MARCH, shifts, **kw)


def codes(findings, code=None):
    if code:
        return [f for f in findings if f.code == code]
    return sorted({f.code for f in findings})


def run(shifts, params=PARAMS, **kw):
    return run_checks(data(shifts, **kw), params)


def test_clean_month_has_no_findings():
    shifts = [shift(i, MARCH + timedelta(days=i)) for i in range(10)]
    assert run(shifts) == []


# --- SHIFT_INVALID --------------------------------------------------------------------------

def test_shift_invalid_outside_month_and_stated_end_before_start():
    found = run([shift(1, date(2026, 4, 1)), shift(2, date(2026, 3, 2), "10:00", "09:00",
                                                    end_day=date(2026, 3, 2)),
                 shift(3, date(2026, 3, 3), "10:00", "11:00", end_day=date(2026, 3, 4)),
                 shift(4, date(2026, 3, 4), kind="weird")])
    invalid = codes(found, C.SHIFT_INVALID)
    assert [f.rows for f in invalid] == [(1,), (2,), (3,), (4,)]
    assert "utanför rapportens månad" in invalid[0].explanation
    assert "längre än 24 timmar" in invalid[2].explanation


def test_crossing_midnight_is_valid_and_counts_real_hours_on_dst_days():
    found = run([shift(1, date(2026, 3, 28), "22:00", "06:00"),
                 shift(2, date(2026, 3, 31), "22:00", "06:00")])
    assert found == []
    timed, _ = time_shifts([shift(1, date(2026, 3, 28), "22:00", "06:00")], MARCH)
    assert timed[0].minutes == 7 * 60


def test_full_day_on_october_change_day_is_valid():
    timed, invalid = time_shifts([shift(1, date(2026, 10, 25), "00:00", "24:00")],
                                 date(2026, 10, 1))
    assert invalid == [] and timed[0].minutes == 25 * 60


# --- ASSISTANT_OVERLAP ----------------------------------------------------------------------

def test_overlap_across_two_providers_and_users():
    found = run([shift(1, date(2026, 3, 5), "08:00", "16:00", person="U1"),
                 shift(2, date(2026, 3, 5), "15:00", "20:00", person="U2",
                       provider="5562223333")])
    over = codes(found, C.ASSISTANT_OVERLAP)
    assert {f.person_id for f in over} == {"U1", "U2"}
    assert all(f.rows == (1, 2) and f.hours == 1 for f in over)
    assert "annan anordnare" in over[0].explanation and "rad 1" in over[0].explanation


def test_back_to_back_shifts_do_not_overlap():
    found = run([shift(1, date(2026, 3, 5), "08:00", "16:00"),
                 shift(2, date(2026, 3, 5), "16:00", "20:00", person="U2")])
    assert codes(found, C.ASSISTANT_OVERLAP) == []


def test_night_shift_overlaps_next_morning():
    found = run([shift(1, date(2026, 3, 5), "22:00", "07:00"),
                 shift(2, date(2026, 3, 6), "06:30", "12:00", person="U2")])
    assert [f.hours for f in codes(found, C.ASSISTANT_OVERLAP)] == [P("0.5"), P("0.5")]


def test_overlap_with_last_month_context_is_found_for_this_month_only():
    prev = shift(100, date(2026, 2, 28), "20:00", "08:00")
    found = run_checks(data([shift(1, date(2026, 3, 1), "07:00", "12:00")],
                            context_shifts=[prev]), PARAMS)
    over = codes(found, C.ASSISTANT_OVERLAP)
    assert len(over) == 1 and over[0].rows == (1, 100)


def _brute(intervals):
    hit = set()
    for i, (a, b) in enumerate(intervals):
        for j, (c, d) in enumerate(intervals):
            if i != j and a < d and c < b:
                hit.add(i)
    return hit


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 200), st.integers(1, 60)),
                max_size=25))
def test_overlap_sweep_finds_exactly_the_overlapping_shifts(raw):
    from assistance.timereport_checks import Timed
    timed = [Timed(shift(i, MARCH, assistant=f"A{a}"), s, s + n) for i, (a, s, n) in enumerate(raw)]
    found = set()
    for x, y, minutes in overlap_pairs(list(timed)):
        assert minutes > 0 and x.shift.assistant_id == y.shift.assistant_id
        found |= {x.shift.row, y.shift.row}
    expected = set()
    for a in {r[0] for r in raw}:
        idx = [i for i, r in enumerate(raw) if r[0] == a]
        expected |= {idx[k] for k in _brute([(raw[i][1], raw[i][1] + raw[i][2]) for i in idx])}
    assert found == expected


# --- decisions ------------------------------------------------------------------------------

def test_decided_hours_of_a_month():
    assert decided_hours([C.Decision("U1", date(2025, 1, 1), None, P(14))], MARCH) == 62
    half = [C.Decision("U1", date(2026, 3, 16), None, P(14))]
    assert decided_hours(half, MARCH) == 32


def test_hours_above_decision_at_the_boundary():
    decisions = [C.Decision("U1", date(2025, 1, 1), None, P(14))]  # 62 h in March
    exact = [shift(i, MARCH + timedelta(days=i), "08:00", "10:00") for i in range(31)]
    assert codes(run(exact, decisions=decisions), C.HOURS_ABOVE_DECISION) == []
    more = exact + [shift(99, date(2026, 3, 31), "18:00", "18:30")]
    above = codes(run(more, decisions=decisions), C.HOURS_ABOVE_DECISION)
    assert [(f.hours, f.rows) for f in above] == [(P("0.5"), (99,))]


def test_no_decision_before_the_decision_starts():
    decisions = [C.Decision("U1", date(2026, 3, 10), None, P(40))]
    found = run([shift(1, date(2026, 3, 9)), shift(2, date(2026, 3, 10))], decisions=decisions)
    assert [f.rows for f in codes(found, C.NO_DECISION)] == [(1,)]
    ended = [C.Decision("U1", date(2025, 1, 1), date(2026, 3, 9), P(40))]
    found = run([shift(1, date(2026, 3, 9)), shift(2, date(2026, 3, 10))], decisions=ended)
    assert [f.rows for f in codes(found, C.NO_DECISION)] == [(2,)]


# --- HOSPITAL_STAY ----------------------------------------------------------------------------

def test_hospital_stay_without_special_reasons_includes_the_last_day():
    stays = [C.HospitalStay("U1", date(2026, 3, 5), date(2026, 3, 8), False)]
    found = run([shift(i, date(2026, 3, d)) for i, d in enumerate((4, 5, 8, 9))], stays=stays)
    assert [f.rows for f in codes(found, C.HOSPITAL_STAY)] == [(1, 2)]


def test_hospital_stay_with_special_reasons_allows_four_weeks():
    stays = [C.HospitalStay("U1", date(2026, 2, 10), None, True)]
    # day 28 of the stay is 2026-03-09 (allowed), day 29 is 2026-03-10
    found = run([shift(1, date(2026, 3, 9)), shift(2, date(2026, 3, 10))], stays=stays)
    hits = codes(found, C.HOSPITAL_STAY)
    assert [f.rows for f in hits] == [(2,)] and "högst 28 dagar" in hits[0].explanation


# --- the assistant --------------------------------------------------------------------------

def test_assistant_turns_18_on_the_birthday():
    young = {"A1": C.Assistant("A1", date(2008, 3, 10), True)}
    found = run([shift(1, date(2026, 3, 9)), shift(2, date(2026, 3, 10))], assistants=young)
    assert [f.rows for f in codes(found, C.ASSISTANT_UNDER_18)] == [(1,)]
    assert eighteenth_birthday(date(2008, 2, 29)) == date(2026, 3, 1)


def test_assistant_outside_eea_and_unknown_residence_fail_closed():
    found = run([shift(1, date(2026, 3, 9)), shift(2, date(2026, 3, 9), assistant="A3",
                                                    person="U2")],
                assistants={"A1": C.Assistant("A1", date(1990, 1, 1), False)})
    assert {f.assistant_id for f in codes(found, C.ASSISTANT_OUTSIDE_EEA)} == {"A1", "A3"}


def test_work_permit_valid_through_its_last_day():
    a = {"A1": C.Assistant("A1", date(1990, 1, 1), True, True, date(2026, 3, 15))}
    found = run([shift(1, date(2026, 3, 15)), shift(2, date(2026, 3, 16))], assistants=a)
    assert [f.rows for f in codes(found, C.ASSISTANT_NO_WORK_PERMIT)] == [(2,)]
    none = {"A1": C.Assistant("A1", date(1990, 1, 1), True, True, None)}
    assert len(codes(run([shift(1, date(2026, 3, 15))], assistants=none),
                     C.ASSISTANT_NO_WORK_PERMIT)) == 1


# --- WORKING_TIME_CAP -------------------------------------------------------------------------

def _days(n, start=date(2026, 3, 1), hours_a_day=8, first_row=0, person="U1"):
    end = f"{8 + hours_a_day:02d}:00"
    return [shift(first_row + i, start + timedelta(days=i), "08:00", end, person=person)
            for i in range(n)]


def test_working_time_cap_at_192_hours_over_four_weeks():
    no_cap_on_decision = [C.Decision("U1", date(2025, 1, 1), None, P(168)),
                          C.Decision("U2", date(2025, 1, 1), None, P(168))]
    exact = _days(24)  # 24 x 8 = 192 h in 28 days: exactly 48 h a week on average
    assert codes(run(exact, decisions=no_cap_on_decision), C.WORKING_TIME_CAP) == []
    more = exact + [shift(99, date(2026, 3, 25), "18:00", "19:00", person="U2")]
    found = codes(run(more, decisions=no_cap_on_decision), C.WORKING_TIME_CAP)
    assert {f.person_id for f in found} == {"U1", "U2"} and "48" in found[0].explanation


def test_working_time_window_spans_the_previous_month():
    decisions = [C.Decision("U1", date(2025, 1, 1), None, P(168))]
    context = _days(20, start=date(2026, 2, 9), first_row=1000)  # 160 h up to 2026-02-28
    month = _days(5)  # 40 h on 1-5 March -> 200 h in 4 weeks
    found = run_checks(data(month, decisions=decisions, context_shifts=context), PARAMS)
    hits = codes(found, C.WORKING_TIME_CAP)
    assert len(hits) == 1 and set(hits[0].rows) <= {0, 1, 2, 3, 4}


def test_relative_has_52_hour_cap():
    decisions = [C.Decision("U1", date(2025, 1, 1), None, P(168))]
    rel = {"A1": C.Assistant("A1", date(1990, 1, 1), True, relative_of="U1")}
    shifts = _days(26)  # 208 h: exactly 52 h a week
    assert codes(run(shifts, decisions=decisions, assistants=rel), C.WORKING_TIME_CAP) == []
    shifts.append(shift(99, date(2026, 3, 27), "08:00", "09:00"))
    assert len(codes(run(shifts, decisions=decisions, assistants=rel), C.WORKING_TIME_CAP)) == 1


# --- PROVIDER_NO_PERMIT -------------------------------------------------------------------------

REVOKED = {"5561112222": frozenset(date(2026, 3, d) for d in range(10, 32))}


def test_provider_without_permit_after_the_two_weeks_grace():
    arr = [C.Arrangement("U1", date(2025, 1, 1), None, "provider", "5561112222",
                         told_of_revocation_on=date(2026, 3, 11))]
    shifts = [shift(1, date(2026, 3, 9)), shift(2, date(2026, 3, 25)),
              shift(3, date(2026, 3, 26))]
    found = run(shifts, arrangements=arr, no_permit_days=REVOKED)
    hits = codes(found, C.PROVIDER_NO_PERMIT)
    assert [f.rows for f in hits] == [(3,)] and "2026-03-25" in hits[0].explanation


def test_provider_without_permit_and_no_told_date_has_no_grace():
    arr = [C.Arrangement("U1", date(2025, 1, 1), None, "provider", "5561112222")]
    found = run([shift(1, date(2026, 3, 10))], arrangements=arr, no_permit_days=REVOKED)
    assert len(codes(found, C.PROVIDER_NO_PERMIT)) == 1


def test_own_employer_and_municipal_never_need_a_permit():
    for kind in ("own_employer", "municipal"):
        arr = [C.Arrangement("U1", date(2025, 1, 1), None, kind)]
        found = run([shift(1, date(2026, 3, 20))], arrangements=arr, no_permit_days=REVOKED)
        assert codes(found, C.PROVIDER_NO_PERMIT) == []


def test_unknown_permit_fails_closed():
    found = run([shift(1, date(2026, 3, 20), provider="5569999999")])
    hits = codes(found, C.PROVIDER_NO_PERMIT)
    assert len(hits) == 1 and "känt" in hits[0].explanation


# --- AFTER_DEATH, REPEATED_REPORT, MISSING_APPROVAL -------------------------------------------------

def test_hours_on_the_day_of_death_are_allowed_after_are_not():
    found = run([shift(1, date(2026, 3, 12)), shift(2, date(2026, 3, 13))],
                deaths={"U1": date(2026, 3, 12)})
    assert [f.rows for f in codes(found, C.AFTER_DEATH)] == [(2,)]


def test_repeated_report_is_a_copy_of_an_earlier_month():
    shifts = _days(12)
    feb = [s.__class__(s.row, s.assistant_id, s.person_id, s.provider, s.day.replace(month=2),
                       s.start, s.end, s.kind) for s in shifts]
    found = run(shifts, earlier_patterns={"U1": [(date(2026, 2, 1), report_pattern(feb))]})
    hits = codes(found, C.REPEATED_REPORT)
    assert len(hits) == 1 and "2026-02" in hits[0].explanation
    other = [s.__class__(s.row, s.assistant_id, s.person_id, s.provider, s.day.replace(month=2),
                         time(9), s.end, s.kind) for s in shifts]
    found = run(shifts, earlier_patterns={"U1": [(date(2026, 2, 1), report_pattern(other))]})
    assert codes(found, C.REPEATED_REPORT) == []


def test_missing_approval_of_user_and_of_one_assistant():
    shifts = [shift(1, date(2026, 3, 2)), shift(2, date(2026, 3, 2), "17:00", "20:00",
                                                 assistant="A2")]
    none = [C.ReportApproval("U1", "5561112222", False)]
    assert [f.rows for f in codes(run(shifts, approvals=none), C.MISSING_APPROVAL)] == [(1, 2)]
    one = [C.ReportApproval("U1", "5561112222", True, frozenset({"A1"}))]
    hits = codes(run(shifts, approvals=one), C.MISSING_APPROVAL)
    assert [f.rows for f in hits] == [(2,)] and "A2" in hits[0].explanation
    both = [C.ReportApproval("U1", "5561112222", True, frozenset({"A1", "A2"}))]
    assert codes(run(shifts, approvals=both), C.MISSING_APPROVAL) == []


def test_every_finding_has_label_and_json():
    found = run([shift(1, date(2026, 4, 1))])
    assert found[0].label == "Ogiltigt pass"
    assert set(found[0].as_json()) >= {"code", "person_id", "assistant_id", "provider_org_nr",
                                        "date", "hours", "explanation"}


def test_overlap_on_the_dst_nights_uses_real_instants():
    # October: the night has 9 real hours; a 05:30 start still overlaps the 06:00 end by 0.5 h
    october = C.MonthData(date(2026, 10, 1), [
        shift(1, date(2026, 10, 24), "22:00", "06:00"),
        shift(2, date(2026, 10, 25), "05:30", "09:00", person="U2")],
        assistants={"A1": ADULT}, no_permit_days={"5561112222": frozenset()},
        decisions=[C.Decision("U1", date(2025, 1, 1), None, P(40)),
                   C.Decision("U2", date(2025, 1, 1), None, P(40))])
    over = codes(run_checks(october, PARAMS), C.ASSISTANT_OVERLAP)
    assert [f.hours for f in over] == [P("0.5"), P("0.5")]
    # March: 02:00-03:00 does not exist; 01:00-04:00 is two real hours, 03:00-05:00 overlaps 1 h
    march = data([shift(1, date(2026, 3, 29), "01:00", "04:00"),
                  shift(2, date(2026, 3, 29), "03:00", "05:00", person="U2")])
    over = codes(run_checks(march, PARAMS), C.ASSISTANT_OVERLAP)
    assert [f.hours for f in over] == [P(1), P(1)]
    timed, _ = time_shifts([shift(1, date(2026, 3, 29), "01:00", "04:00")], MARCH)
    assert timed[0].minutes == 120
