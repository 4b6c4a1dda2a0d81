"""Every release: private counts (spending the privacy budget), safe microdata and the
monitoring report. Each is keyword-only, takes the acting user, checks the role, and writes its
audit event (ids, codes and counts only) with the work; a refusal is audited too.

Who: **analysts** (the statistics unit) make private releases and download microdata;
**analysts and monitors** (the National Rapporteur, seed note §8) read the monitoring report and
the releases already made, with the budget left. Nobody else: these roles see no case records,
and case workers have no use for national aggregates here.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.core.spreadsheet import safe_writer
from palermo.law.parameters import parameter_at
from palermo.nrm.services import NRM_START
from palermo.releases.dataset import case_facts
from palermo.releases.dp import DIMENSIONS, noisy_counts
from palermo.releases.microdata import HTCDS_VERSION, NotKAnonymous, microdata_build
from palermo.releases.models import PrivacyBudget, PrivateRelease
from palermo.releases.monitoring import monitoring_report

EPSILON_MIN, EPSILON_MAX = Decimal("0.01"), Decimal("1.0")  # per release


def can_release(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(R.ANALYST)


def can_read_releases(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(R.ANALYST, R.MONITOR)


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise NotAllowed(message)


# --- the privacy budget ----------------------------------------------------------------------


def dataset_name(year: int) -> str:
    return f"nrm_referrals_{year}"


def dataset_years(today: dt.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year, NRM_START.year - 1, -1))


def privacy_budget_open(*, year: int, today: dt.date | None = None) -> PrivacyBudget:
    """The ledger row of ``year``'s dataset, opened with the total the dated parameter allows
    today if it has none yet (then that total stays, whatever the parameter later says)."""
    today = today or timezone.localdate()
    if year not in dataset_years(today):
        raise ValidationFailed("No such dataset", {"year": f"Choose a year from {NRM_START.year} to {today.year}"})
    p = parameter_at("releases.dp_epsilon_per_year", today)
    budget, _ = PrivacyBudget.objects.get_or_create(
        dataset=dataset_name(year), defaults={"year": year, "total_epsilon": Decimal(str(p.value)), "rule_version": p.version})
    return budget


def parse_epsilon(value) -> Decimal:
    try:
        eps = Decimal(str(value).strip())
        if not eps.is_finite():
            raise ValueError
        eps = eps.quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed("Epsilon is not a number", {"epsilon": "Enter epsilon as a number, like 0.5"}) from None
    if not EPSILON_MIN <= eps <= EPSILON_MAX:
        raise ValidationFailed("Epsilon out of range", {"epsilon": f"Epsilon must be between {EPSILON_MIN} and {EPSILON_MAX}"})
    return eps


def private_release_create(*, actor, year: int, dimension: str, epsilon, today: dt.date | None = None) -> PrivateRelease:
    """Count ``year``'s cases by ``dimension`` with ``epsilon``-differential privacy, if the
    dataset's budget has ``epsilon`` left; record the release and spend the budget, in one
    transaction with the ledger row locked. Refused (and audited) when the budget is spent."""
    _require(can_release(actor), "Only analysts can make a private release")
    if dimension not in DIMENSIONS:
        raise ValidationFailed("Unknown grouping", {"dimension": "Choose what to count the cases by"})
    eps = parse_epsilon(epsilon)
    dim = DIMENSIONS[dimension]
    refused = None
    with transaction.atomic():
        budget = privacy_budget_open(year=year, today=today)
        budget = PrivacyBudget.objects.select_for_update().get(pk=budget.pk)
        if budget.remaining_epsilon < eps:
            refused = budget
        else:
            facts = case_facts(received_from=dt.date(year, 1, 1), received_to=dt.date(year, 12, 31))
            table = noisy_counts(facts, dim, epsilon=float(eps))
            # the row is locked; the condition also holds the line if it ever were not (and the
            # check constraint behind it)
            spent = PrivacyBudget.objects.filter(pk=budget.pk, spent_epsilon__lte=F("total_epsilon") - eps).update(
                spent_epsilon=F("spent_epsilon") + eps)
            if spent != 1:
                refused = budget
            else:
                release = PrivateRelease.objects.create(
                    budget=budget, dimension=dimension, epsilon=eps, accuracy=table.accuracy, released_by=actor,
                    query={"dataset": budget.dataset, "year": year, "group_by": dimension,
                           "keys": [r["key"] for r in table.rows], "privacy_unit": "person",
                           "contributions": dim.contributions, "mechanism": table.mechanism, "scale": table.scale,
                           "epsilon": str(eps), "opendp": "0.16", "aggregate": "dp.len(signed=True)"},
                    result=[{"key": r["key"], "label": r["label"], "count": r["count"]} for r in table.rows])
                audit_record(actor=actor, action="release.private", obj=release,
                             detail={"dataset": budget.dataset, "dimension": dimension, "epsilon": str(eps),
                                     "spent": str(budget.spent_epsilon + eps), "total": str(budget.total_epsilon)})
                return release
    with transaction.atomic():
        audit_record(actor=actor, action="release.private_refused", obj=refused,
                     detail={"dataset": refused.dataset, "dimension": dimension, "epsilon": str(eps),
                             "remaining": str(refused.remaining_epsilon)})
    raise TransitionRefused(
        f"The privacy budget for {year} cannot pay for this release: {refused.remaining_epsilon.normalize()} of "
        f"{refused.total_epsilon.normalize()} is left and it needs {eps.normalize()}. No more can be released from "
        f"{year}'s referrals than the budget allows")


def budgets_for_user(*, user, today: dt.date | None = None) -> list[dict]:
    """Every year's dataset with its budget (opened or not), newest first."""
    _require(can_read_releases(user), "Only analysts and monitors can see private releases")
    today = today or timezone.localdate()
    opened = {b.year: b for b in PrivacyBudget.objects.all()}
    p = parameter_at("releases.dp_epsilon_per_year", today)
    out = []
    for year in dataset_years(today):
        b = opened.get(year)
        total = b.total_epsilon if b else Decimal(str(p.value))
        spent = b.spent_epsilon if b else Decimal("0")
        out.append({"year": year, "dataset": dataset_name(year), "total_epsilon": total, "spent_epsilon": spent,
                    "remaining_epsilon": total - spent, "rule": b.rule_version if b else p.version,
                    "releases": b.releases.count() if b else 0})
    return out


def releases_for_user(*, user, limit: int = 200):
    _require(can_read_releases(user), "Only analysts and monitors can see private releases")
    return PrivateRelease.objects.select_related("budget", "released_by").order_by("-released_at", "-id")[:limit]


# --- microdata ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MicrodataFile:
    text: str
    rows: int
    k: int
    levels: dict
    suppressed: int


def microdata_export(*, actor, today: dt.date | None = None) -> MicrodataFile:
    """The k-anonymous HTCDS microdata of every NRM case, as formula-safe CSV text; refused
    (and audited) when it cannot be k-anonymous."""
    _require(can_release(actor), "Only analysts can download microdata")
    facts = case_facts()
    try:
        data = microdata_build(facts, today=today)
    except NotKAnonymous as exc:
        with transaction.atomic():
            audit_record(actor=actor, action="release.microdata_refused", object_type="releases.microdata",
                         detail={"records": exc.records, "k": exc.k})
        raise TransitionRefused(f"The microdata cannot be released: {exc.message}") from None
    buf = io.StringIO()
    writer = safe_writer(buf)
    writer.writerow(data.columns)
    writer.writerows(data.rows)
    with transaction.atomic():
        audit_record(actor=actor, action="release.microdata", object_type="releases.microdata",
                     detail={"records": data.records, "rows": len(data.rows), "suppressed": data.suppressed, "k": data.k,
                             "levels": data.levels, "htcds": HTCDS_VERSION, "rule": data.rule})
    return MicrodataFile(buf.getvalue(), len(data.rows), data.k, data.levels, data.suppressed)


# --- the monitoring report ------------------------------------------------------------------


def monitoring_report_for_user(*, user, received_from: dt.date | None = None, received_to: dt.date | None = None,
                               today: dt.date | None = None) -> dict:
    """The monitoring report (aggregates only, small cells suppressed), audited as a read."""
    _require(can_read_releases(user), "Only monitors and analysts can read the monitoring report")
    if received_from and received_to and received_from > received_to:
        raise ValidationFailed("Period the wrong way round",
                               {"received_to": "The end of the period must be on or after its start"})
    report = monitoring_report(received_from=received_from, received_to=received_to, today=today)
    with transaction.atomic():
        audit_record(actor=user, action="report.monitoring", object_type="releases.monitoring",
                     detail={"received_from": received_from.isoformat() if received_from else None,
                             "received_to": received_to.isoformat() if received_to else None, "cases": report["cases"]})
    return report
