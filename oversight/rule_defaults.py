"""The shared rule values core registers (domains register their own in their rules module).

Accounts (name-match thresholds, answer ages), registry answer ages, and the values the
assistance, time-report and case modules build on. Each default is today's value with its
source; a new value is entered on the admin page (Administration → Regelvärden).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from oversight.rule_values import LAW, POLICY, RuleDefault, RuleDefinition, register

EPOCH = date(2000, 1, 1)  # "since long before anything in this system"
_VOP = "EU-förordning 2024/886 (Verification of Payee); kommunens riktlinje för tröskeln"
_ACC = "Kommunens riktlinje för kontokontroll"
_REG = "Kommunens riktlinje för hur gamla registersvar får vara"


def _one(key, sv, en, unit, value, source, kind=POLICY, start=EPOCH):
    register(RuleDefinition(key, sv, en, unit, [RuleDefault(start, value, source, kind=kind)]))


# --- bank-account verification ------------------------------------------------------------------
_one("accounts.name_match_threshold", "Namnlikhet som räknas som träff",
     "Name similarity that counts as a match", "percent", 95, _VOP)
_one("accounts.name_close_threshold", "Namnlikhet som räknas som nära träff",
     "Name similarity that counts as a close match", "percent", 85, _VOP)
_one("accounts.evidence_max_age_days", "Högsta ålder på svar om kontohavare",
     "Maximum age of an account-holder answer", "days", 180, _ACC)
_one("accounts.change_window_days", "Nytt konto nära betalning flaggas inom",
     "Account added this close before a payment is flagged", "days", 30, _ACC)

# --- registry answers: how old an answer may be before a check refuses to rely on it ---------
for _reg, _sv, _en, _days, _why in (
    ("bolagsverket", "Bolagsverket", "Bolagsverket", 30, ""),
    ("skatteverket", "Skatteverket", "Skatteverket", 90, " (SKV 4820 högst 3 månader)"),
    ("kronofogden", "Kronofogden", "Kronofogden", 90, " (utdrag i upphandlingssyfte)"),
    ("sanctions", "sanktionslistor", "sanctions lists", 7, " (listorna ändras ofta)"),
):
    _one(f"registries.{_reg}.max_age_days", f"Högsta ålder på svar från {_sv}",
         f"Maximum age of an answer from {_en}", "days", _days, _REG + _why)
_one("ivo.permit_verification_max_age_days", "Högsta ålder på IVO:s tillståndsuppgift",
     "Maximum age of IVO's permit information", "days", 30, _REG)

# --- personal assistance --------------------------------------------------------------------
_SCHABLON = "Förordning om assistansersättning / regeringsbeslut"
register(RuleDefinition(
    "assistance.schablonbelopp", "Schablonbelopp för assistansersättning",
    "Standard hourly amount for assistance allowance", "kr_per_hour",
    [RuleDefault(date(year, 1, 1), Decimal(amount), _SCHABLON, date(year, 12, 31))
     for year, amount in ((2019, "299.80"), (2020, "304.30"), (2021, "315.00"),
                          (2022, "319.70"), (2023, "324.50"), (2024, "332.60"))]))
_one("assistance.revocation_grace_days", "Betalning efter återkallat tillstånd, högst",
     "Payment after a revoked permit, at most", "days", 14, "prop. 2020/21:205", LAW)
_one("assistance.municipal_max_hours_per_week", "Kommunen betalar grundläggande behov upp till",
     "Municipality pays basic needs up to", "hours_per_week", 20,
     "LSS 9 § 2, SFB 51 kap. 2 §", LAW)
_one("assistance.working_time_cap_hours", "Arbetstid per assistent, högst i genomsnitt",
     "Working time per assistant, average at most", "hours", 48,
     "Arbetstidslagen (1982:673) 10 b §", LAW)
_one("assistance.working_time_cap_hours_relative",
     "Arbetstid per anhörigassistent i hushållet, högst i genomsnitt",
     "Working time per relative assistant in the household, average at most", "hours", 52,
     "Lag (1970:943) om arbetstid m.m. i husligt arbete", LAW)
_one("assistance.working_time_window_weeks", "Beräkningsperiod för arbetstidens genomsnitt",
     "Averaging period for working time", "weeks", 4, "Arbetstidslagen (1982:673) 10 b §", LAW)
_one("assistance.hospital_max_days_with_special_reasons",
     "Assistans under sjukhusvistelse med särskilda skäl, högst",
     "Assistance during a hospital stay with special reasons, at most", "days", 28,
     "SFB 51 kap. 23 §", LAW)
_one("assistance.timereport_due_day", "Tidsredovisningen ska vara inne senast",
     "The time report is due on", "day_of_month", 10, "Kommunens riktlinje för tidsredovisning")

# --- investigations (cases) -------------------------------------------------------------------
_one("cases.start_deadline_months", "Utredning ska påbörjas inom",
     "An investigation starts within", "months", 3,
     "Stockholms stad, förslag efter revisionen av FUT-arbetet")
_one("cases.claim_deadline_years", "Ersättningstalan ska väckas inom",
     "A claim for repayment is brought within", "years", 3,
     "SoL 9 kap. 3 § (ersättningstalan inom tre år från utbetalningen)", LAW)
_one("cases.missed_instalment_grace_days", "Påminnelse om missad avbetalning efter",
     "Reminder of a missed instalment after", "days", 7, "Kommunens riktlinje för återkrav")
