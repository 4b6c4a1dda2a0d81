"""Possible matches between people, and a caseworker's decision on each.

A :class:`LinkCandidate` is a pair of :class:`~palermo.people.models.Person` rows that the
linkage model scored as possibly the same person (issue 5). A person referred again — perhaps
re-trafficked — gets a new ``Person`` row with the new referral; nothing is ever merged or
deleted. A caseworker who may see both identities confirms or rejects the pair; confirmed pairs
form a person cluster (connected components, :func:`palermo.linkage.selectors.person_cluster`),
and a confirmed link can be unlinked later. Every decision keeps who, when and why (coded, with
an encrypted free-text reason), in the row, its history and the audit log. When the model
changes, pending pairs are rescored; one the new model no longer proposes is *withdrawn*, never
deleted (:mod:`palermo.linkage.rescoring`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from palermo.core.fields import EncryptedTextField
from palermo.people.models import Person

PENDING, CONFIRMED, REJECTED, UNLINKED = "pending", "confirmed", "rejected", "unlinked"
#: Not a decision: a pending pair that a newer model scores below the review threshold
#: (:mod:`palermo.linkage.rescoring`). It goes back to pending if a later model proposes it again.
WITHDRAWN = "withdrawn"
STATUS_CHOICES = [
    (PENDING, "Waiting for a decision"),
    (CONFIRMED, "Confirmed: same person"),
    (REJECTED, "Rejected: not the same person"),
    (UNLINKED, "Unlinked after being confirmed"),
    (WITHDRAWN, "Withdrawn: the current model no longer proposes it"),
]
#: The statuses set by a caseworker. Rescoring never changes them.
DECIDED = (CONFIRMED, REJECTED, UNLINKED)
FOUND_BY_CHOICES = [("referral", "Scored when a referral was made"), ("batch", "Batch run over all people")]

#: Reason codes, with the decisions each may explain. Statistics count codes, never free text.
REASON_CODES = {
    "same_person_documents": ("Same person: identity documents or reference numbers match", {"confirm"}),
    "same_person_account": ("Same person: their account or history matches the earlier referral", {"confirm"}),
    "same_person_contact": ("Same person: confirmed with the person or their support worker", {"confirm"}),
    "different_people": ("Different people", {"reject", "unlink"}),
    "insufficient_information": ("Not enough information to say they are the same person", {"reject"}),
    "linked_in_error": ("Linked in error", {"unlink"}),
    "new_information": ("New information shows they are not the same person", {"unlink"}),
}
REASON_CODE_CHOICES = [(code, label) for code, (label, _) in REASON_CODES.items()]


def reason_codes_for(action: str) -> list[tuple[str, str]]:
    """The (code, label) choices that may explain ``action`` ('confirm', 'reject', 'unlink')."""
    return [(code, label) for code, (label, actions) in REASON_CODES.items() if action in actions]


class LinkCandidate(models.Model):
    """Two people who may be the same person. ``person_a`` always has the smaller id, so a
    pair is stored once whichever order it was found in."""

    person_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="link_candidates_as_a")
    person_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="link_candidates_as_b")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    model_version = models.CharField(max_length=120, help_text="Format and training date of the model that scored it")
    found_by = models.CharField(max_length=10, choices=FOUND_BY_CHOICES)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason_code = models.CharField(max_length=40, blank=True, choices=REASON_CODE_CHOICES)
    reason_text = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). Why the caseworker decided so.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-match_probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="link_candidate_pair_unique"),
            models.CheckConstraint(condition=models.Q(person_a__lt=models.F("person_b")), name="link_candidate_a_lt_b"),
        ]

    def other(self, person_id: int) -> int:
        """The id of the other person of the pair."""
        return self.person_b_id if person_id == self.person_a_id else self.person_a_id

    def __str__(self) -> str:
        return f"{self.person_a} ~ {self.person_b} ({self.status})"
