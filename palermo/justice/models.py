"""Prosecutions, the charges on them and what became of each (seed note §4).

* a **prosecution**: the court (kind, name and the nation whose law applies), the date of charge,
  the organisation that records it;
* its **defendants**: intelligence person entities (``palermo.intelligence.Entity``), with a
  confiscation order if one was made;
* each defendant's **charges**: a law offence id (``law/data/offences``) in force on the offence
  date in the court's nation, the outcome (coded, ``law/data/policy/justice/charge_outcomes.yaml``)
  and, for a finding of guilt, the sentence imposed for that offence (disposal, custodial term,
  fine), so the principal-offence rule can choose among them (``reference.principal_offence``);
* **victims**: NRM potential victims tied to a prosecution only with a recorded lawful reason,
  whose identity only the organisation that recorded it sees (as ``intelligence.VictimLink``).

Nothing here holds a name in clear: defendants are entities (their labels are encrypted there), a
victim is an NRM person by id, and the written lawful reason is encrypted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from palermo.accounts.models import Organisation
from palermo.core.fields import EncryptedTextField
from palermo.intelligence.models import LAWFUL_REASON_CHOICES
from palermo.law.vocab import NATION_LABELS, NATIONS

NATION_CHOICES = [(n, NATION_LABELS[n]) for n in NATIONS]
COURT_KIND_CHOICES = [
    ("magistrates", "Magistrates' court"), ("crown", "Crown Court"), ("sheriff", "Sheriff court"),
    ("high_court_justiciary", "High Court of Justiciary"),
]
COURT_KIND_LABELS = dict(COURT_KIND_CHOICES)
#: Which courts sit in which nation (a Crown Court in Scotland is refused).
COURT_NATIONS = {"magistrates": {"england_wales", "northern_ireland"}, "crown": {"england_wales", "northern_ireland"},
                 "sheriff": {"scotland"}, "high_court_justiciary": {"scotland"}}


class Prosecution(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     help_text="The organisation that records it; its intelligence officers see it")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nation = models.CharField(max_length=20, choices=NATION_CHOICES,
                              help_text="The nation whose law applies: the offence must be in force there")
    court_kind = models.CharField(max_length=24, choices=COURT_KIND_CHOICES)
    court_name = models.CharField(max_length=100, help_text="The court's name (a public body, not a person)")
    charged_on = models.DateField(db_index=True)
    operation = models.ForeignKey("operations.Operation", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="prosecutions",
                                  help_text="The operation the prosecution arose from, if any (seed note §7.3, §7.4)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-charged_on", "-id"]

    def __str__(self) -> str:
        return self.reference


class Defendant(models.Model):
    prosecution = models.ForeignKey(Prosecution, on_delete=models.CASCADE, related_name="defendants")
    entity = models.ForeignKey("intelligence.Entity", on_delete=models.PROTECT, related_name="+")
    confiscation_pounds = models.PositiveIntegerField(null=True, blank=True,
                                                      help_text="A confiscation order against the defendant")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["prosecution", "entity"], name="justice_defendant_once")]

    def __str__(self) -> str:
        return f"defendant {self.pk}"


class Charge(models.Model):
    defendant = models.ForeignKey(Defendant, on_delete=models.CASCADE, related_name="charges")
    offence_id = models.CharField(max_length=20, db_index=True, help_text="A law offence id, e.g. SOA2003_s57")
    offence_on = models.DateField(help_text="The date of the offence (its first day, if it ran over several)")
    in_force_version = models.CharField(max_length=60, help_text="offence id, nation and the in-force entry "
                                                                 "checked: SOA2003_s57@england_wales@2004-05-01")
    outcome = models.CharField(max_length=20, default="pending", db_index=True)
    outcome_on = models.DateField(null=True, blank=True)
    disposal = models.CharField(max_length=24, blank=True)
    custody_months = models.PositiveIntegerField(null=True, blank=True,
                                                 help_text="Immediate or suspended custody imposed for this offence")
    fine_pounds = models.PositiveIntegerField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome="pending") | Q(outcome_on__isnull=False),
                                   name="justice_outcome_dated"),
            models.CheckConstraint(condition=Q(outcome="convicted") | Q(disposal=""),
                                   name="justice_sentence_only_on_conviction"),
        ]

    def __str__(self) -> str:
        return f"charge {self.pk} ({self.offence_id})"


class ProsecutionVictim(models.Model):
    """An NRM potential victim in a prosecution (a complainant or witness), with the lawful reason;
    only the organisation that recorded it sees the victim's identity."""

    prosecution = models.ForeignKey(Prosecution, on_delete=models.CASCADE, related_name="victims")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    lawful_reason = models.CharField(max_length=20, choices=LAWFUL_REASON_CHOICES)
    reason_text = EncryptedTextField(db_comment="Encrypted (Fernet). Why this link is lawful and necessary.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prosecution", "person"], name="justice_victim_once")]

    def __str__(self) -> str:
        return f"prosecution victim {self.pk}"
