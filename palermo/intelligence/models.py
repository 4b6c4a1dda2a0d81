"""The central repository of intelligence (seed note §8: the UKHTC as "the central repository of all
data and intelligence on human trafficking", some 600 intelligence reports a month).

* an **intelligence report**: who submitted it (organisation and officer), its date, its grading
  under the scheme in force that day (source evaluation, intelligence assessment, handling code;
  ``palermo.law.grading``), who may see it (``dissemination``, from the handling code, and the
  organisations named for a conditional code), and its free text, encrypted;
* **entities** the reports mention: people (suspects and associates — never an NRM potential
  victim's record, see ``VictimLink``), organised crime groups, premises, phone numbers,
  vehicles, bank accounts, online accounts. An exact identifier is normalised and kept as a keyed
  blind index, so the same phone number resolves to one entity without being stored in clear;
* **links** between two entities, each backed by the reports that evidence it (``LinkEvidence``);
* **victim links**: an intelligence person tied to an NRM person, only with a recorded lawful
  reason (audited); only the organisation that recorded the reason sees the victim's identity;
* **match proposals** between two person entities that may be the same person, for a human to
  confirm or reject (Palermo never merges people by itself).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from palermo.accounts.models import Organisation
from palermo.core.fields import EncryptedDateField, EncryptedTextField

PERSON, OCG, PREMISES, PHONE, VEHICLE, BANK_ACCOUNT, ONLINE_ACCOUNT = (
    "person", "ocg", "premises", "phone", "vehicle", "bank_account", "online_account")
ENTITY_KIND_CHOICES = [
    (PERSON, "Person"), (OCG, "Organised crime group"), (PREMISES, "Premises or location"),
    (PHONE, "Phone number"), (VEHICLE, "Vehicle"), (BANK_ACCOUNT, "Bank account"), (ONLINE_ACCOUNT, "Online account"),
]
ENTITY_KIND_LABELS = dict(ENTITY_KIND_CHOICES)
DISSEMINATION_CHOICES = [
    ("law_enforcement", "Any organisation that holds intelligence"),
    ("originator_only", "The submitting organisation only"),
    ("originator_and_named", "The submitting organisation and the organisations named"),
]
LINK_KIND_CHOICES = [
    ("associate", "Associated with"), ("uses", "Uses"), ("owns", "Owns or controls"), ("member", "Member of"),
    ("visits", "Seen at"), ("pays", "Pays or is paid by"),
]
LINK_KIND_LABELS = dict(LINK_KIND_CHOICES)
LAWFUL_REASON_CHOICES = [
    ("investigation", "Investigation of an offence against the victim"),
    ("safeguarding", "Safeguarding the victim or others"),
    ("prosecution", "Prosecution in which the victim is a witness"),
]
LAWFUL_REASON_LABELS = dict(LAWFUL_REASON_CHOICES)
PENDING, CONFIRMED, REJECTED = "pending", "confirmed", "rejected"
PROPOSAL_STATE_CHOICES = [(PENDING, "Awaiting a decision"), (CONFIRMED, "Same person"), (REJECTED, "Different people")]


class IntelligenceReport(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    submitting_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_on = models.DateField(db_index=True)
    scheme = models.CharField(max_length=8, help_text="5x5x5 or 3x5x2: the scheme in force on reported_on")
    scheme_version = models.CharField(max_length=60, help_text="e.g. intelligence.grading_scheme@2016-01-01")
    source_evaluation = models.CharField(max_length=2)
    intelligence_assessment = models.CharField(max_length=2)
    handling_code = models.CharField(max_length=2)
    dissemination = models.CharField(max_length=24, choices=DISSEMINATION_CHOICES, db_index=True)
    permitted_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", help_text="Named by the originator for a conditional handling code")
    handling_conditions = EncryptedTextField(
        blank=True, db_comment="Encrypted (Fernet). Conditions the originator set on sharing; may describe a source.")
    text = EncryptedTextField(db_comment="Encrypted (Fernet). The report's free text: names people and places.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reported_on", "-id"]

    @property
    def grading(self) -> str:
        return f"{self.source_evaluation}{self.intelligence_assessment}{self.handling_code}"

    def __str__(self) -> str:
        return self.reference


class Entity(models.Model):
    kind = models.CharField(max_length=20, choices=ENTITY_KIND_CHOICES, db_index=True)
    label = EncryptedTextField(db_comment="Encrypted (Fernet). The identifier as recorded: a name, number, "
                                          "address or handle.")
    key_index = models.CharField(max_length=40, blank=True, db_index=True,
                                 help_text="Keyed blind index of the normalised identifier (empty for people)")
    date_of_birth = EncryptedDateField(null=True, blank=True, db_comment="Encrypted (Fernet). People only.")
    name_index = models.CharField(max_length=40, blank=True, db_index=True,
                                  help_text="Blind index of the phonetic name key (people; match proposals)")
    dob_index = models.CharField(max_length=40, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key_index"], condition=~Q(key_index=""),
                                               name="intel_entity_one_per_identifier")]

    @property
    def reference(self) -> str:
        return f"E-{self.pk:06d}"

    def __str__(self) -> str:
        return self.reference


class Mention(models.Model):
    report = models.ForeignKey(IntelligenceReport, on_delete=models.CASCADE, related_name="mentions")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="mentions")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "entity"], name="intel_mention_once")]

    def __str__(self) -> str:
        return f"mention {self.pk}"


class Link(models.Model):
    """An undirected link (``a_id < b_id``) of one kind between two entities."""

    a = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    b = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=LINK_KIND_CHOICES)
    reports = models.ManyToManyField(IntelligenceReport, through="LinkEvidence", related_name="links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["a", "b", "kind"], name="intel_link_once"),
            models.CheckConstraint(condition=Q(a__lt=F("b")), name="intel_link_ordered"),
        ]

    def __str__(self) -> str:
        return f"link {self.pk} ({self.kind})"


class LinkEvidence(models.Model):
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="evidence")
    report = models.ForeignKey(IntelligenceReport, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "report"], name="intel_evidence_once")]

    def __str__(self) -> str:
        return f"evidence {self.pk}"


class VictimLink(models.Model):
    """An intelligence person recorded as an NRM potential victim, with the lawful reason."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="victim_links")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    lawful_reason = models.CharField(max_length=20, choices=LAWFUL_REASON_CHOICES)
    reason_text = EncryptedTextField(db_comment="Encrypted (Fernet). Why this link is lawful and necessary.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "person", "organisation"], name="intel_victim_link_once")]

    def __str__(self) -> str:
        return f"victim link {self.pk}"


class MatchProposal(models.Model):
    """Two person entities that may be one person (``a_id < b_id``), for a human to decide."""

    a = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    evidence = models.JSONField(default=list, help_text="Which keys agree: name_phonetic, date_of_birth")
    state = models.CharField(max_length=10, choices=PROPOSAL_STATE_CHOICES, default=PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["a", "b"], name="intel_proposal_once"),
                       models.CheckConstraint(condition=Q(a__lt=F("b")), name="intel_proposal_ordered")]

    def __str__(self) -> str:
        return f"match proposal {self.pk} ({self.state})"


IDENTIFIED, UNDER_INVESTIGATION, DISRUPTED, DISMANTLED = "identified", "under_investigation", "disrupted", "dismantled"
GROUP_STATUS_CHOICES = [(IDENTIFIED, "Identified"), (UNDER_INVESTIGATION, "Under investigation"),
                        (DISRUPTED, "Disrupted"), (DISMANTLED, "Dismantled")]
GROUP_STATUS_LABELS = dict(GROUP_STATUS_CHOICES)


class GroupStatus(models.Model):
    """One dated step of an organised crime group's lifecycle (append-only), so Reflex-style
    figures — groups identified, disrupted in a period (seed note §7.1) — are a query."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="group_statuses")
    status = models.CharField(max_length=24, choices=GROUP_STATUS_CHOICES, db_index=True)
    on = models.DateField(db_index=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        constraints = [models.UniqueConstraint(fields=["entity", "status", "on"], name="intel_group_status_once")]

    def __str__(self) -> str:
        return f"group {self.entity_id} {self.status} on {self.on}"
