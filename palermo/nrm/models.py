"""Referrals into the National Referral Mechanism, cases, decisions and Duty-to-Notify reports.

Seed note §5.1: first responders refer; "the relevant authorities" decide whether there are
"reasonable grounds" to believe the person has been trafficked, which opens a reflection and
recovery period of at least 45 days, and later whether the person is "positively identified"
(the conclusive grounds decision). Every statistic that a table will need is a column here,
never free text (design.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from simple_history.models import HistoricalRecords

from palermo.accounts.models import Organisation
from palermo.core.fields import EncryptedTextField
from palermo.nrm import workflow
from palermo.people.models import Person

NATION_CHOICES = [
    ("england", "England"),
    ("wales", "Wales"),
    ("scotland", "Scotland"),
    ("northern_ireland", "Northern Ireland"),
]
LOCATION_CHOICES = [("uk", "UK"), ("overseas", "Overseas"), ("both", "UK and overseas"), ("unknown", "Not known")]
AGE_GROUP_CHOICES = [("adult", "Adult"), ("child", "Child"), ("unknown", "Not known")]
UNDER_18_CHOICES = [("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")]
CONSENT_CHOICES = [
    ("given", "Adult consented to the referral"),
    ("refused", "Adult did not consent (Duty to Notify)"),
    ("not_required", "Not required: child"),
]
DECISION_KIND_CHOICES = [
    ("reasonable_grounds", "Reasonable grounds"),
    ("conclusive_grounds", "Conclusive grounds"),
    ("reconsideration", "Reconsideration"),
]
OUTCOME_CHOICES = [("positive", "Positive"), ("negative", "Negative")]
DECISION_STATE_CHOICES = [
    ("effective", "In effect"),
    ("awaiting_review", "Awaiting second review"),
    ("returned", "Returned by reviewer"),
]


# "Not sure" is treated as a child (safeguarding).
CHILD_UNDER_18 = frozenset({"yes", "not_sure"})


class Referral(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    # Loading history (issue 11): the earlier system's case reference, so a case brought over
    # from it can be found by the reference people already use. Unique per referring
    # organisation (two organisations' old systems may both have a case "2010/17"); erased by
    # retention with the narrative, since the earlier system may still hold the identity.
    external_reference = models.CharField(
        max_length=40, blank=True, db_index=True,
        help_text="The earlier system's case reference (letters, digits and / - . _ :), unique per referring organisation",
    )
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals")
    first_responder_org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals_made")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made")
    received_on = models.DateField(db_index=True)
    nation = models.CharField(max_length=20, choices=NATION_CHOICES, help_text="UK nation where the referral is made")
    police_force_area = models.CharField(max_length=40, blank=True)
    exploitation_location = models.CharField(max_length=10, choices=LOCATION_CHOICES, default="unknown")
    exploitation_country = models.CharField(max_length=3, blank=True, help_text="ISO 3166-1 alpha-3, for overseas")
    indicators = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=list, blank=True)
    narrative = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). What happened, in the first responder's words.")
    age_at_exploitation = models.CharField(max_length=10, choices=AGE_GROUP_CHOICES, default="unknown")
    under_18 = models.CharField(max_length=10, choices=UNDER_18_CHOICES, help_text="Not sure is treated as a child")
    local_authority = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="child_referrals",
        help_text="Local authority contacted (required for a child)",
    )
    consent = models.CharField(max_length=15, choices=CONSENT_CHOICES)
    immigration_enforcement = models.BooleanField(
        default=False, help_text="In immigration detention or subject to removal or deportation action"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Retention (palermo.retention): the day the identity and narrative were removed, and the rule.
    anonymised_on = models.DateField(
        null=True, blank=True, db_index=True, help_text="Identity and narrative removed under a retention rule on this day"
    )
    retention_rule = models.CharField(
        max_length=80, blank=True, help_text="Retention rule version applied, e.g. retention.nrm_case_adult@2018-05-25"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                Upper("external_reference"), "first_responder_org",
                condition=~models.Q(external_reference=""), name="referral_external_reference_unique_per_org",
            ),
        ]

    @property
    def is_child(self) -> bool:
        return self.under_18 in CHILD_UNDER_18

    @property
    def exploitation_types(self) -> list[str]:
        return [t.code for t in self.exploitation_type_rows.all()]

    def __str__(self) -> str:
        return self.reference


class ReferralExploitationType(models.Model):
    """One row per exploitation type on a referral (more than one allowed), so statistics are
    a GROUP BY and filters work on every database."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="exploitation_type_rows")
    code = models.CharField(max_length=24, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "code"], name="referral_exploitation_unique")]

    def __str__(self) -> str:
        return self.code


def case_list_facts(referral: Referral) -> dict:
    """The referral's facts a case keeps a copy of for its lists (``Case.nation``, ``Case.child``)."""
    return {"nation": referral.nation, "child": referral.is_child}


class Case(models.Model):
    """An NRM case: the decisions on one referral, its status and its dated deadlines.

    Each due date is stored with the parameter version and calendar version that produced it,
    so a later change of rules never silently moves an old deadline.
    """

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="case")
    status = models.CharField(max_length=20, choices=workflow.STATUS_CHOICES, default=workflow.REFERRED, db_index=True)
    competent_authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases_routed")
    # The referral's nation and whether it is a child's, copied onto the case when the case is
    # made (``case_list_facts``; neither changes after the referral), so the case lists filter
    # and count on the case row alone. Through the referral, counting one competent authority's
    # cases in a nation walked all ~8,500 of them to their referrals: 5-10 ms of a 18 ms API read
    # (issue 12's read benchmark); from the index below it takes under a millisecond.
    nation = models.CharField(max_length=20, choices=NATION_CHOICES, editable=False,
                              help_text="The referral's nation (a copy, for lists)")
    child = models.BooleanField(editable=False, help_text="The referral is a child's: under 18 yes or not sure (a copy, for lists)")
    routing_version = models.CharField(max_length=80)
    rg_due = models.DateField(db_index=True)
    rg_due_version = models.CharField(max_length=120)
    rg_decided_on = models.DateField(null=True, blank=True)
    recovery_period_start = models.DateField(null=True, blank=True)
    recovery_period_min_end = models.DateField(null=True, blank=True)
    recovery_version = models.CharField(max_length=120, blank=True)
    cg_earliest = models.DateField(null=True, blank=True, db_index=True)
    cg_earliest_version = models.CharField(max_length=120, blank=True)
    cg_decided_on = models.DateField(null=True, blank=True)
    reconsideration_deadline = models.DateField(null=True, blank=True)
    reconsideration_version = models.CharField(max_length=120, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.CharField(max_length=30, blank=True)
    # Elements of the Palermo definition the decision maker has recorded (seed note §1), as
    # codes from law/data/definitions: information for the decision, never the decision.
    elements_act = models.JSONField(default=list, blank=True)
    elements_means = models.JSONField(default=list, blank=True)
    elements_purpose = models.JSONField(default=list, blank=True)
    elements_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    elements_recorded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["competent_authority", "status"]),
            # The overdue sweep (dashboards, the "Overdue" filter, `/api/v1/deadlines`): cases of
            # a competent authority in one state with rg_due before a day, oldest first, read
            # from the index alone (issue 12, benchmarks/overdue.py at 1M open cases: the count
            # took 1.6 s through the (authority, status) index and the table, 0.13 s with this one).
            models.Index(fields=["competent_authority", "status", "rg_due", "id"], name="case_ca_status_rg_due"),
            # The lists' nation and age-group filters, counted from the index alone.
            models.Index(fields=["competent_authority", "nation", "child"], name="case_ca_nation_child"),
            models.Index(fields=["competent_authority", "child"], name="case_ca_child"),
        ]

    @property
    def reference(self) -> str:
        return self.referral.reference

    def __str__(self) -> str:
        return self.referral.reference


class Decision(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=20, choices=DECISION_KIND_CHOICES)
    outcome = models.CharField(max_length=10, choices=OUTCOME_CHOICES)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions_made")
    reason_codes = models.JSONField(default=list)
    reason_text = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). Decision maker's reasons.")
    state = models.CharField(max_length=20, choices=DECISION_STATE_CHOICES)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions_reviewed"
    )
    reviewed_on = models.DateField(null=True, blank=True)
    review_note = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). Reviewer's reasons.")
    parameter_versions = models.JSONField(default=dict, blank=True)
    # Loading history (issue 11): a decision made in an earlier system and loaded by
    # ``palermo import decisions`` names the file it came from (its SHA-256, as the import's
    # audit event does). A historic negative decision's second review was done in that system:
    # Palermo records it as done, with its date and the reviewer's organisation, and no reviewer
    # account (``reviewed_by`` stays empty).
    imported_from_sha256 = models.CharField(
        max_length=64, blank=True, db_index=True,
        help_text="SHA-256 of the file this historic decision was loaded from; empty for a decision made in Palermo",
    )
    review_recorded_by_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Historic decision: the organisation whose reviewer agreed it (the review is recorded as done)",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_on", "id"]

    @property
    def review_recorded_as_done(self) -> bool:
        """A historic negative decision whose second review was done in the earlier system."""
        return self.review_recorded_by_org_id is not None

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.outcome} on {self.decided_on}"


class CaseTransition(models.Model):
    """Append-only history of status changes: who did what, when, and from which state."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason_code = models.CharField(max_length=30, blank=True)
    note = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). Why the step was taken, e.g. a withdrawal.")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class DutyToNotify(models.Model):
    """Report made when an adult does not consent to an NRM referral: the first responder's
    duty to notify the Home Office. May be anonymous (no person recorded)."""

    reference = models.CharField(max_length=20, unique=True)
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="duty_to_notify")
    anonymous = models.BooleanField(default=True)
    received_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="dtn_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.reference
