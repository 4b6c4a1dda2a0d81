"""Victim support: providers, their contracts and dated capacity, placements, services delivered
and the waiting list for a place (seed note §5.2, §5.3, §6).

A provider is an ``accounts.Organisation`` with a :class:`ProviderProfile`. Who a provider may
support is law data (``law/data/policy/support/*_eligibility.yaml``, evaluated by
``palermo.law.eligibility``); the profile names its rule. Nothing here holds a name or free text
about a person: placements, services and waiting-list entries are codes, dates and ids, so they
stay as statistics when retention removes the person's identity.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from palermo.accounts.models import Organisation
from palermo.nrm.models import Case

PROVIDER_KIND_CHOICES = [
    ("prime_contractor", "Prime contractor"),
    ("subcontractor", "Subcontractor"),
    ("local_authority", "Local authority"),
    ("other", "Other"),
]
PROVIDER_KIND_LABELS = dict(PROVIDER_KIND_CHOICES)


class Contract(models.Model):
    """A contract or grant under which providers support victims, with its prime contractor
    (seed note §5.2: the Salvation Army's contract from 2011, commissioning specialists)."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    funder = models.CharField(max_length=200, blank=True)
    prime = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="prime_contracts")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Last day in force; empty while it runs")
    nations = models.JSONField(default=list, help_text="UK nations the contract covers")
    source = models.TextField(help_text="Citations, as in the reference data")

    class Meta:
        ordering = ["starts_on", "code"]

    def in_force_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def __str__(self) -> str:
        return self.title


class ProviderProfile(models.Model):
    """What an organisation offers as a support provider, and the law-data rule that says whom it
    may support."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="provider_profile")
    eligibility_rule = models.CharField(max_length=80, help_text="Parameter id, e.g. support.poppy_eligibility")
    nations = models.JSONField(default=list, help_text="UK nations where it provides support")
    areas = models.JSONField(default=list, help_text="Areas served, in words")
    services = models.JSONField(default=list, help_text="Service codes (support/data/codes.yaml)")
    low_capacity_threshold = models.PositiveSmallIntegerField(
        default=2, help_text="Warn when fewer places than this are free")
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name


class ProviderTerm(models.Model):
    """From ``starts_on``, the provider's kind and the contract it works under (until the next
    term): the Poppy Project was grant-funded from 2003 and a subcontractor from July 2011."""

    provider = models.ForeignKey(ProviderProfile, on_delete=models.CASCADE, related_name="terms")
    starts_on = models.DateField()
    kind = models.CharField(max_length=20, choices=PROVIDER_KIND_CHOICES)
    contract = models.ForeignKey(Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="terms")
    source = models.TextField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [models.UniqueConstraint(fields=["provider", "starts_on"], name="provider_term_unique")]

    def __str__(self) -> str:
        return f"{self.provider} {self.get_kind_display()} from {self.starts_on}"


class Capacity(models.Model):
    """From ``starts_on``, the number of places of one kind (beds, or outreach places) until the
    next figure for that kind. Each figure keeps its source: the seed note's figures conflict
    (Poppy: 35 places in February 2009, 15 bed spaces in March 2012) and both are kept."""

    provider = models.ForeignKey(ProviderProfile, on_delete=models.CASCADE, related_name="capacity")
    kind = models.CharField(max_length=20, help_text="Placement kind code (support/data/codes.yaml)")
    starts_on = models.DateField()
    places = models.PositiveIntegerField()
    source = models.TextField()
    verified = models.BooleanField(default=True)
    demo = models.BooleanField(default=False, help_text="A figure made up for the demo")

    class Meta:
        ordering = ["kind", "starts_on"]
        constraints = [models.UniqueConstraint(fields=["provider", "kind", "starts_on"], name="capacity_unique")]

    def __str__(self) -> str:
        return f"{self.provider}: {self.places} {self.kind} from {self.starts_on}"


class Placement(models.Model):
    """A person (through their NRM case) placed with a provider, in a kind of place, from
    ``start_on`` until ``end_on`` (the day they left: that night's place is free again).

    A caseworker chooses the provider; Palermo only checks eligibility and capacity. At most one
    open placement per case (a database constraint, on top of the service's lock)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="placements")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="placements")
    kind = models.CharField(max_length=20)
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=40, blank=True)
    contract = models.ForeignKey(Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    eligibility_version = models.CharField(max_length=120, help_text="The eligibility rule version that applied")
    answers = models.JSONField(default=dict, blank=True,
                               help_text="Facts the caseworker gave that Palermo could not derive (codes only)")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_on", "-id"]
        indexes = [models.Index(fields=["provider", "kind", "end_on"])]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(end_on__isnull=True), name="placement_one_open_per_case"),
            models.CheckConstraint(condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                                   name="placement_ends_after_it_starts"),
        ]

    @property
    def is_open(self) -> bool:
        return self.end_on is None

    def __str__(self) -> str:
        return f"placement {self.pk} at {self.provider_id}"


class ServiceDelivery(models.Model):
    """A service a provider's support worker gave a placed person: what, when and by whom."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="services")
    service = models.CharField(max_length=30)
    delivered_on = models.DateField()
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name_plural = "service deliveries"

    def __str__(self) -> str:
        return f"{self.service} on {self.delivered_on}"


class WaitingListEntry(models.Model):
    """A person waiting for a place because no eligible provider had one free when a caseworker
    looked (``joined_on``). Ordered by when they joined; the time waited is shown."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="waiting_list_entries")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="waiting_list_entries")
    nation = models.CharField(max_length=20)
    joined_on = models.DateField()
    joined_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    left_on = models.DateField(null=True, blank=True)
    left_reason = models.CharField(max_length=40, blank=True)
    placement = models.OneToOneField(Placement, null=True, blank=True, on_delete=models.PROTECT, related_name="waiting_entry")

    class Meta:
        ordering = ["joined_on", "joined_at", "id"]
        verbose_name_plural = "waiting list entries"
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(left_on__isnull=True), name="waiting_one_open_per_case"),
        ]

    def __str__(self) -> str:
        return f"waiting since {self.joined_on}"
