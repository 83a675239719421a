"""Every measure on a fixed data set, expected values computed by hand."""
from datetime import date
from decimal import Decimal

from oversight.statistics.measures import JSON_KEYS, MEASURES, CaseFacts, Period, compute

D = date


def _facts():
    return [
        # 1: received 2025, assessed (opened) 2025, started 2026-01-10, closed 2026-03-11 (60 days);
        #    recovery 2026-02-01 10 000, repaid 4 000 in 2026 and 1 000 in 2025 (before: ignored),
        #    police report 2026, notification FK 2026, saved 12 000 in 2026.
        CaseFacts("A", D(2025, 11, 1), assessment="opened", assessed_on=D(2025, 12, 1),
                  investigation_started_on=D(2026, 1, 10), closed_on=D(2026, 3, 11),
                  cause="income_salary", sex="woman", module="tip",
                  recoveries=[(D(2026, 2, 1), Decimal(10000))],
                  repayments=[(D(2025, 12, 31), Decimal(1000)), (D(2026, 4, 1), Decimal(4000))],
                  police_reports=[D(2026, 2, 2)], notifications=[(D(2026, 2, 3), "fk")],
                  saved=[(D(2026, 2, 1), Decimal(12000))]),
        # 2: received and not opened in 2026 (own error)
        CaseFacts("A", D(2026, 2, 1), assessment="not_opened", not_opened_reason="own_error",
                  assessed_on=D(2026, 2, 5), module="accounts"),
        # 3: received 2026, opened 2026-03-01, never started: in the queue at year end
        CaseFacts("B", D(2026, 2, 20), assessment="opened", assessed_on=D(2026, 3, 1),
                  cause="housing", sex="man", module="suppliers"),
        # 4: received 2026, opened 2026-01-05, started 2026-01-15, closed 2026-01-25 (10 days);
        #    recovery 2 000 and a second recovery 3 000 in 2026, notification CSN; IVO report
        CaseFacts("B", D(2026, 1, 2), assessment="opened", assessed_on=D(2026, 1, 5),
                  investigation_started_on=D(2026, 1, 15), closed_on=D(2026, 1, 25),
                  cause="income_salary", module="tip",
                  recoveries=[(D(2026, 1, 20), Decimal(2000)), (D(2026, 1, 22), Decimal(3000))],
                  repayments=[(D(2026, 1, 30), Decimal(5000))],
                  notifications=[(D(2026, 1, 21), "csn")], ivo_reports=[D(2026, 1, 23)]),
        # 5: received 2026-12-31, not assessed yet
        CaseFacts("A", D(2026, 12, 31)),
        # 6: closed 2026 with investigation of 31 days, begun 2024 (counts in 2026 only as closed)
        CaseFacts("A", D(2024, 5, 1), assessment="opened", assessed_on=D(2024, 5, 2),
                  investigation_started_on=D(2026, 12, 1), closed_on=D(2027, 1, 1)),
    ]


def test_every_measure_on_the_fixed_data_set():
    v = compute(_facts(), Period.year(2026))
    assert v["incoming"] == 4  # 2, 3, 4, 5
    assert v["not_opened"] == 1 and v["not_opened_by_reason"] == {"own_error": 1}
    assert v["opened"] == 2  # 3 (03-01), 4 (01-05)
    assert v["queue_end"] == 1  # 3 (6 started 2026-12-01)
    # waits for starts in 2026: case 1 (2025-12-01 -> 2026-01-10 = 40), 4 (10), 6 (943)
    assert v["waiting_days_mean"] == round((40 + 10 + 943) / 3, 1)
    assert v["investigation_days_mean"] == 35.0  # (60 + 10) / 2
    assert v["investigation_days_median"] == 35.0
    assert v["recovery_decisions"] == 3
    assert v["recovery_amount"] == Decimal(15000)
    assert v["repaid_amount"] == Decimal(9000)
    assert v["share_repaid"] == 0.6
    assert v["police_reports"] == 1
    assert v["notifications"] == 2 and v["notifications_by_recipient"] == {"csn": 1, "fk": 1}
    assert v["ivo_reports"] == 1
    assert v["saved_amount"] == Decimal(12000)
    assert v["by_cause"] == {"housing": 1, "income_salary": 1}
    assert v["by_sex"] == {"man": 1, "unknown": 1}
    assert v["by_module"]["accounts"] == {"incoming": 1, "not_opened": 1, "opened": 0,
                                          "recovery": 0, "police_report": 0}
    assert v["by_module"]["tip"]["recovery"] == 2 and v["by_module"]["tip"]["incoming"] == 2


def test_queue_at_the_end_of_a_month_and_month_periods():
    v = compute(_facts(), Period.year(2026, 3))
    assert v["incoming"] == 0 and v["opened"] == 1
    assert v["queue_end"] == 2  # 3, and 6 (opened 2024, started only in December)
    assert v["investigation_days_median"] == 60.0
    jan = compute(_facts(), Period.year(2026, 1))
    assert jan["queue_end"] == 1  # 6; 1 started 01-10, 4 started 01-15, 3 opened later
    assert Period.year(2026, 2).end == D(2026, 2, 28) and Period.year(2026, 12).end == D(2026, 12, 31)


def test_empty_period_gives_zeros_and_no_means():
    v = compute([], Period.year(2026))
    assert v["incoming"] == 0 and v["investigation_days_mean"] is None and v["share_repaid"] is None


def test_every_measure_has_a_definition_and_the_json_keys_exist():
    keys = {m.key for m in MEASURES}
    assert set(JSON_KEYS) <= keys and len(keys) == len(MEASURES)
    assert all(len(m.definition) > 20 for m in MEASURES)
