"""Who works on a case (issue 14). One row per case, changed in place: the history table keeps
every earlier allocation (who, by whom, when), and each change is an audit event too.

Holds ids and times only: nothing about the person, so retention has nothing to erase here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class CaseAllocation(models.Model):
    case = models.OneToOneField("nrm.Case", on_delete=models.CASCADE, related_name="allocation")
    allocated_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_allocations",
                                     db_comment="The decision maker the case is allocated to")
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     db_comment="Who allocated it: a team leader, or the decision maker themself")
    allocated_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"case {self.case_id} → user {self.allocated_to_id}"
