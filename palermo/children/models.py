"""Child victims: the lead local authority's safeguarding record of a child's NRM case.

Seed note §6: there were no specific support services for child victims; local authorities
support them under the Children Act 1989. The Home Affairs Committee (May 2009, paras 153-154)
recommended a national study of trafficked children going missing from care and that "each
local authority should appoint a specified person to supervise the care of each child". At
least 77 Chinese children went missing from one local authority home near Heathrow, "most within
a week and many within 24 hours" (seed note §6, fn 59).

* :class:`NamedPerson` — the person the lead local authority names as responsible for the
  child's care (one at a time; earlier appointments are kept);
* :class:`AgeAssessment` — claimed and assessed age, when and by whom, the outcome and what the
  assessment changed on the case (append-only history);
* :class:`CareSetting` and :class:`CarePlacement` — where the local authority placed the child;
* :class:`MissingEpisode` — went missing when and from where, reported to the police, found or
  returned when and where, condition on return (at most one open at a time);
* :class:`TraffickingGrading` — CEOP's likelihood grading, levels 1 to 5: an aid for a person,
  never a decision (it changes nothing on the case);
* :class:`DecisionLetter` and :class:`LetterRecipient` — who each decision's letter goes to; for
  a child the local authority and the named person, never the child (a database constraint).

Free text about the child (where they went missing from, where they were found, their condition,
the evidence behind a grading) is encrypted at rest and erased by retention with the person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from palermo.accounts.models import Organisation
from palermo.core.fields import EncryptedTextField
from palermo.nrm.models import UNDER_18_CHOICES, Case, Decision
from palermo.people.models import Person

OUTCOME_CHOICES = [("child", "Under 18: a child"), ("adult", "18 or over: an adult")]
ADULT_CONSENT_CHOICES = [
    ("given", "Consents to stay in the NRM as an adult"),
    ("refused", "Does not consent: the case is withdrawn"),
]
NAMED_PERSON_END_CHOICES = [
    ("replaced", "Another person was named"),
    ("assessed_adult", "The person was assessed as an adult"),
]
SETTING_KIND_CHOICES = [
    ("childrens_home", "Children's home"),
    ("foster_care", "Foster care"),
    ("supported_accommodation", "Supported accommodation"),
    ("secure_home", "Secure children's home"),
    ("other", "Other"),
]
PLACEMENT_END_CHOICES = [
    ("moved", "Moved to another placement"),
    ("returned_home", "Returned to family"),
    ("left_care", "Left care"),
    ("assessed_adult", "Assessed as an adult"),
    ("missing", "Missing and not returned to this placement"),
    ("other", "Other"),
]
MISSING_FROM_CHOICES = [
    ("placement", "The care placement"),
    ("education", "School or college"),
    ("other", "Somewhere else"),
    ("not_known", "Not known"),
]
FOUND_WHERE_CHOICES = [
    ("returned_to_placement", "Returned to the placement by themselves"),
    ("found_by_police", "Found by the police"),
    ("found_by_others", "Found by someone else (family, a carer, a support worker)"),
    ("found_elsewhere", "Found somewhere else"),
    ("not_known", "Not known"),
]
LETTER_RECIPIENT_CHOICES = [
    ("local_authority", "The lead local authority"),
    ("named_person", "The person responsible for the child's care"),
    ("person", "The person"),
]


class NamedPerson(models.Model):
    """The member of the lead local authority's children's services named as responsible for the
    child's care (seed note §6, the Home Affairs Committee's recommendation). Decision letters and
    missing-from-care alerts go to them."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="named_persons")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="named_person_for")
    local_authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    appointed_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=NAMED_PERSON_END_CHOICES, blank=True)
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appointed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(ended_on__isnull=True), name="children_one_named_person"),
        ]

    def __str__(self) -> str:
        return f"Named person for case {self.case_id}"


class AgeAssessment(models.Model):
    """One age assessment and what it changed. The case follows the assessed age from
    ``assessed_on`` (``docs/children.md``): the ``*_before`` and ``*_after`` columns keep what the
    case was and became, so the history of who led the case and on what terms is never lost."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="age_assessments")
    claimed_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assessed_age = models.PositiveSmallIntegerField()
    assessed_on = models.DateField(db_index=True)
    assessed_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                    help_text="The organisation that carried out the assessment")
    outcome = models.CharField(max_length=10, choices=OUTCOME_CHOICES)
    adult_consent = models.CharField(max_length=10, choices=ADULT_CONSENT_CHOICES, blank=True)
    under_18_before = models.CharField(max_length=10, choices=UNDER_18_CHOICES)
    under_18_after = models.CharField(max_length=10, choices=UNDER_18_CHOICES)
    consent_before = models.CharField(max_length=15)
    consent_after = models.CharField(max_length=15)
    local_authority_before = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    local_authority_after = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    competent_authority_before = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    competent_authority_after = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status_before = models.CharField(max_length=20)
    status_after = models.CharField(max_length=20)
    rule_version = models.CharField(max_length=80, help_text="The age-of-majority parameter used")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessed_on", "id"]

    def __str__(self) -> str:
        return f"Age assessment of case {self.case_id} on {self.assessed_on}"


class CareSetting(models.Model):
    """A place a local authority looks after children: a children's home, a foster-care agency…
    Named as the authority names the setting, never by a carer's personal name."""

    local_authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="care_settings")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=30, choices=SETTING_KIND_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["local_authority", "name"], name="children_setting_unique")]

    def __str__(self) -> str:
        return self.name


class CarePlacement(models.Model):
    """Where the local authority placed the child, from when to when (one current placement)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="care_placements")
    setting = models.ForeignKey(CareSetting, on_delete=models.PROTECT, related_name="placements")
    local_authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=PLACEMENT_END_CHOICES, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(ended_at__isnull=True), name="children_one_current_placement"),
            models.CheckConstraint(condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                                   name="children_placement_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"Placement {self.pk} of case {self.case_id}"


class MissingEpisode(models.Model):
    """A child missing from care: from when and where, the police report, and the return.

    At most one open episode per case (a partial unique index): two people reporting the same
    child missing at once record one episode and send one set of alerts. ``request_key`` makes a
    retried report (a double click, a resent form or API call) return the episode already
    recorded instead of a second one."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="missing_episodes")
    placement = models.ForeignKey(CarePlacement, null=True, blank=True, on_delete=models.PROTECT, related_name="missing_episodes")
    went_missing_at = models.DateTimeField(db_index=True)
    missing_from = models.CharField(max_length=20, choices=MISSING_FROM_CHOICES)
    missing_from_detail = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). Where the child went missing from.")
    reported_to_police_at = models.DateTimeField(null=True, blank=True)
    police_reference = models.CharField(max_length=40, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    found_where = models.CharField(max_length=30, choices=FOUND_WHERE_CHOICES, blank=True)
    found_detail = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). Where the child was found or returned to.")
    return_condition = EncryptedTextField(blank=True, db_comment="Encrypted (Fernet). The child's condition on return.")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    return_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+")
    request_key = models.CharField(max_length=64, unique=True, null=True, blank=True,
                                   help_text="The reporting request's key: a retry returns this episode")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["went_missing_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(returned_at__isnull=True), name="children_one_open_episode"),
            models.CheckConstraint(condition=Q(returned_at__isnull=True) | Q(returned_at__gte=models.F("went_missing_at")),
                                   name="children_return_after_missing"),
        ]

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    def __str__(self) -> str:
        return f"Missing episode {self.pk} of case {self.case_id}"


class TraffickingGrading(models.Model):
    """How likely it is that the child was trafficked, on CEOP's five levels (seed note §6: level
    four "high", level five "very high"; the note names no other level). A person's judgement
    recorded with its evidence; it decides nothing and changes nothing on the case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="trafficking_gradings")
    level = models.PositiveSmallIntegerField()
    evidence_summary = EncryptedTextField(db_comment="Encrypted (Fernet). The evidence the grading rests on.")
    graded_on = models.DateField()
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    scale_version = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["graded_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="children_grading_level_1_to_5")]

    def __str__(self) -> str:
        return f"Grading {self.level} of case {self.case_id}"


class DecisionLetter(models.Model):
    """The letter of one decision, issued when the decision takes effect, and whether the case was
    a child's then. Its recipients are rows of :class:`LetterRecipient`."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="letter")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decision_letters")
    issued_on = models.DateField()
    for_child = models.BooleanField()
    named_person_missing = models.BooleanField(default=False, help_text="A child's case with no named person when issued")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return f"Letter for decision {self.decision_id}"


class LetterRecipient(models.Model):
    """One recipient of a decision letter. A child is never a recipient: the database refuses a
    ``person`` recipient on a child's letter (``children_child_never_a_recipient``)."""

    letter = models.ForeignKey(DecisionLetter, on_delete=models.CASCADE, related_name="recipients")
    kind = models.CharField(max_length=20, choices=LETTER_RECIPIENT_CHOICES)
    for_child = models.BooleanField()
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~(Q(kind="person") & Q(for_child=True)), name="children_child_never_a_recipient"),
            models.CheckConstraint(
                condition=(Q(kind="local_authority", organisation__isnull=False, user__isnull=True, person__isnull=True)
                           | Q(kind="named_person", user__isnull=False, organisation__isnull=False, person__isnull=True)
                           | Q(kind="person", person__isnull=False, user__isnull=True, organisation__isnull=True)),
                name="children_recipient_fields_match_kind"),
        ]

    def save(self, *args, **kwargs):
        # Copied from the letter, never chosen by the caller: the constraint above then refuses a
        # child's letter going to the child, however the row was built.
        self.for_child = self.letter.for_child
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.kind} for letter {self.letter_id}"
