"""Law-enforcement operations and their outcomes, kept as records (seed note §7.3, §7.4).

An **operation** (Pentameter, Pentameter 2) has a name, dates, a lead organisation, the
organisations taking part and its aims (codes from ``law/data/policy/operations/aims.yaml``).
Its results are never typed-in totals: each premises visit, each potential victim identified (a
link to the NRM case opened by the referral made during the operation), each arrest (linked to an
intelligence person where known), each charge (an offence id of the law data, with the number of
counts) and each sum of assets recovered or restrained is a row, and the operation report counts
the rows (``report.py``).

No free text and no identifier is stored here: a victim is the NRM case (whose person is shown by
pseudonym; the name only through the intelligence app's lawful-reason link), a suspect is an
intelligence entity (whose label lives, encrypted, in ``intelligence.Entity``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from palermo.accounts.models import Organisation

NATION_CHOICES = [("england_wales", "England and Wales"), ("scotland", "Scotland"),
                  ("northern_ireland", "Northern Ireland")]
NATION_LABELS = dict(NATION_CHOICES)


class Operation(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120, help_text="The operation's name, e.g. Pentameter 2 (not personal data)")
    starts_on = models.DateField(db_index=True)
    ends_on = models.DateField(null=True, blank=True, help_text="Empty while the operation runs")
    lead_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    participating_organisations = models.ManyToManyField(Organisation, blank=True, related_name="+")
    aims = models.JSONField(default=list, help_text="Codes from operations.aims (seed note §7.3)")
    aims_version = models.CharField(max_length=80)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False, help_text="Synthetic demo data (palermo demo): the report says so")

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                              name="operation_ends_after_start")]

    def __str__(self) -> str:
        return self.reference


class _Outcome(models.Model):
    """What every outcome row has: the operation, who recorded it, for which organisation, when."""

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     help_text="The organisation (lead or taking part) that recorded it")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class PremisesVisit(_Outcome):
    visited_on = models.DateField()
    kind = models.CharField(max_length=30, help_text="Code from operations.premises_kinds")
    kind_version = models.CharField(max_length=80)
    nation = models.CharField(max_length=20, choices=NATION_CHOICES)
    entity = models.ForeignKey("intelligence.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               help_text="The premises in intelligence, where known")

    class Meta:
        ordering = ["visited_on", "id"]

    def __str__(self) -> str:
        return f"visit {self.pk}"


class VictimIdentified(_Outcome):
    """A potential victim identified during the operation: the NRM case of the referral made (its
    date is the referral's: nothing is typed in twice)."""

    case = models.ForeignKey("nrm.Case", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["operation", "case"], name="operation_victim_once")]

    def __str__(self) -> str:
        return f"victim {self.pk}"


class Arrest(_Outcome):
    arrested_on = models.DateField()
    nation = models.CharField(max_length=20, choices=NATION_CHOICES)
    entity = models.ForeignKey("intelligence.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               help_text="The person in intelligence, where known")

    class Meta:
        ordering = ["arrested_on", "id"]

    @property
    def reference(self) -> str:
        return f"A-{self.pk:06d}"

    def __str__(self) -> str:
        return self.reference


class Charge(models.Model):
    """Counts of one offence charged after an arrest; the offence was in force in the nation on
    the date of the alleged offence (checked with the offence engine when recorded)."""

    arrest = models.ForeignKey(Arrest, on_delete=models.PROTECT, related_name="charges")
    offence_id = models.CharField(max_length=40, help_text="An offence id of the law data (law/data/offences)")
    counts = models.PositiveSmallIntegerField()
    offence_on = models.DateField(help_text="The date of the alleged offence")
    charged_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["charged_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(counts__gte=1), name="charge_at_least_one_count")]

    def __str__(self) -> str:
        return f"charge {self.pk} ({self.offence_id})"


class AssetRecord(_Outcome):
    recorded_on = models.DateField()
    kind = models.CharField(max_length=30, help_text="Code from operations.asset_kinds")
    amount_pence = models.PositiveBigIntegerField()
    arrest = models.ForeignKey(Arrest, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["recorded_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount_pence__gte=1), name="asset_amount_positive")]

    def __str__(self) -> str:
        return f"asset {self.pk} ({self.kind})"


class IntelligenceGathered(_Outcome):
    """An intelligence report gathered during the operation (seed note §7.4: 6,400 in Pentameter 2)."""

    report = models.ForeignKey("intelligence.IntelligenceReport", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["operation", "report"], name="operation_report_once")]

    def __str__(self) -> str:
        return f"gathered {self.pk}"
