"""Differentially private releases and the privacy budget (epsilon) they spend.

A **dataset** is the NRM referrals received in one calendar year (``nrm_referrals_2010``). Its
budget is the total privacy loss the dated parameter ``releases.dp_epsilon_per_year`` allowed
when the budget was opened; every release spends part of it, and a release that would spend more
than is left is refused. The ledger row is locked while a release is made, and the database
refuses a spend beyond the total (a check constraint), so two releases at once cannot overspend.

Each release records its epsilon, the query (dataset, grouping, the public keys, the bound on
rows per person, the mechanism and its scale) and the noisy result: what was published, exactly.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class PrivacyBudget(models.Model):
    dataset = models.CharField(max_length=40, unique=True, help_text="e.g. nrm_referrals_2010")
    year = models.PositiveSmallIntegerField(help_text="Referrals received in this calendar year")
    total_epsilon = models.DecimalField(max_digits=7, decimal_places=4)
    spent_epsilon = models.DecimalField(max_digits=7, decimal_places=4, default=Decimal("0"))
    rule_version = models.CharField(max_length=120, help_text="The parameter value that set the total, e.g. "
                                                              "releases.dp_epsilon_per_year@2009-04-01")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(spent_epsilon__lte=models.F("total_epsilon")),
                                   name="privacy_budget_never_overspent"),
            models.CheckConstraint(condition=models.Q(spent_epsilon__gte=0), name="privacy_budget_spent_not_negative"),
        ]

    @property
    def remaining_epsilon(self) -> Decimal:
        return self.total_epsilon - self.spent_epsilon

    def __str__(self) -> str:
        return f"{self.dataset}: {self.spent_epsilon} of {self.total_epsilon} spent"


class PrivateRelease(models.Model):
    budget = models.ForeignKey(PrivacyBudget, on_delete=models.PROTECT, related_name="releases")
    dimension = models.CharField(max_length=40, help_text="What the counts are grouped by")
    epsilon = models.DecimalField(max_digits=7, decimal_places=4)
    query = models.JSONField(help_text="Dataset, grouping, public keys, rows per person, mechanism and scale")
    result = models.JSONField(help_text="The noisy counts as released: [{key, count}]")
    accuracy = models.FloatField(help_text="Half-width of the 95% interval of each noisy count")
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-released_at", "-id"]

    def __str__(self) -> str:
        return f"{self.budget.dataset} by {self.dimension} (epsilon {self.epsilon})"
