"""Placing a person, ending a placement, recording services: the services every interface calls."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from palermo.core.exceptions import NotAllowed, TransitionRefused, ValidationFailed
from palermo.core.models import AuditEvent
from palermo.support import services
from palermo.support.matching import matching_for_case
from palermo.support.models import Capacity, Placement, ProviderProfile, ServiceDelivery, WaitingListEntry
from palermo.support.schemas import PlacementEndIn, PlacementIn, ServiceIn
from tests.factories import World, make_user
from tests.support.helpers import awaiting_case, place, providers_ready

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def ready(world):
    providers_ready()
    return world


def poppy_worker(world):
    return make_user("t.support.poppy", "support_worker", world.orgs["POPPY"])


def test_an_allocator_places_a_person_with_an_eligible_provider_and_the_audit_holds_codes_only(ready):
    case = awaiting_case(ready)
    placement = place(ready, case)
    assert placement.provider.code == "SALVARMY" and placement.end_on is None
    assert placement.eligibility_version == "support.salvation_army_eligibility@2011-07-01"
    assert placement.contract.code == "adult_victim_care"
    event = AuditEvent.objects.get(action="support.place")
    assert event.detail["provider"] == "SALVARMY" and event.detail["case_id"] == case.pk
    text = str(event.detail)
    assert "Zorbina" not in text and "Quillfeather" not in text


def test_a_subcontractor_takes_only_whom_its_terms_allow(ready):
    """The Poppy Project (women; sexual exploitation or domestic servitude) refuses labour
    exploitation: the refusal gives the rule's reason."""
    providers_ready({"POPPY": {"women_only": 3}})
    labour = awaiting_case(ready)
    with pytest.raises(TransitionRefused, match="sexual exploitation"):
        place(ready, labour, provider="POPPY")
    sexual = awaiting_case(ready, exploitation_types=["sexual"])
    assert place(ready, sexual, provider="POPPY").provider.code == "POPPY"


def test_only_the_prime_contractors_support_workers_place(ready):
    case = awaiting_case(ready)
    poppy = poppy_worker(ready)
    for actor in (ready.decider, ready.responder, ready.children, ready.analyst, poppy):
        with pytest.raises(NotAllowed):
            place(ready, case, actor=actor)
    assert not Placement.objects.exists()


def test_nobody_is_placed_before_a_positive_reasonable_grounds_decision_or_after_a_conclusive_one(ready):
    referred = ready.case()
    with pytest.raises(NotAllowed):
        place(ready, referred, start_on=TODAY())
    case = awaiting_case(ready, rg_on=TODAY() - dt.timedelta(days=2), received_on=TODAY() - dt.timedelta(days=3))
    with pytest.raises(ValidationFailed) as exc:
        place(ready, case, start_on=TODAY() - dt.timedelta(days=3))
    assert "reasonable grounds" in exc.value.fields["start_on"]
    with pytest.raises(ValidationFailed):
        place(ready, case, start_on=TODAY() + dt.timedelta(days=1))


def test_a_person_is_placed_once_at_a_time(ready):
    case = awaiting_case(ready)
    place(ready, case)
    with pytest.raises(NotAllowed):  # no longer awaiting a place
        place(ready, case, kind="mixed")
    with pytest.raises(IntegrityError):  # and the database refuses a second open placement
        Placement.objects.create(case=case, provider=ready.orgs["SALVARMY"], kind="mixed", start_on=TODAY(),
                                 placed_by=ready.support)


def test_the_kind_of_place_must_suit_the_person(ready):
    case = awaiting_case(ready)  # a woman
    with pytest.raises(ValidationFailed) as exc:
        place(ready, case, kind="men_only")
    assert "does not suit" in exc.value.fields["kind"]


def test_never_beyond_capacity_on_any_day_from_the_start(ready):
    """Two women-only places: a third woman is refused; a place taken last week but free today
    does not make last week free."""
    start = TODAY() - dt.timedelta(days=10)
    cases = [awaiting_case(ready, received_on=start, rg_on=start) for _ in range(3)]
    place(ready, cases[0], start_on=start)
    second = place(ready, cases[1], start_on=start)
    with pytest.raises(TransitionRefused, match="No bed in women-only accommodation is free"):
        place(ready, cases[2], start_on=start)
    services.placement_end(actor=ready.support, placement=second,
                           data=PlacementEndIn(end_on=TODAY() - dt.timedelta(days=1), exit_reason="chose_to_leave"))
    with pytest.raises(TransitionRefused):  # a week ago both places were taken
        place(ready, cases[2], start_on=start)
    assert place(ready, cases[2], start_on=TODAY() - dt.timedelta(days=1)).kind == "women_only"


def test_capacity_follows_its_dated_figures(ready):
    """A place counts against the figure in force on each day: fewer places from a date refuses a
    placement that would need one then."""
    profile = ProviderProfile.objects.get(organisation__code="SALVARMY")
    Capacity.objects.create(provider=profile, kind="women_only", starts_on=TODAY() - dt.timedelta(days=2), places=0,
                            source="test: the house closed")
    case = awaiting_case(ready, received_on=TODAY() - dt.timedelta(days=6), rg_on=TODAY() - dt.timedelta(days=6))
    with pytest.raises(TransitionRefused, match="0 taken|of 0 taken"):
        place(ready, case, start_on=TODAY() - dt.timedelta(days=5))


class TestAChildIsNeverPlacedWithAnAdultOnlyProvider(HypothesisTestCase):
    """Whatever provider and kind of place a caseworker tries, a person treated as a child (under
    18, or "not sure") is never placed: the adult providers' terms refuse them, and a local
    authority's care placements are arranged by its children's services, not here."""

    @classmethod
    def setUpTestData(cls):
        cls.world = World.create()
        providers_ready({"SALVARMY": {"women_only": 5, "men_only": 5, "mixed": 5, "outreach": 5},
                         "POPPY": {"women_only": 5}, "HILLINGDON": {"mixed": 5}})
        cls.child = cls.world.case(under_18="yes", consent="not_required", local_authority="HILLINGDON",
                                   age_at_exploitation="child", exploitation_types=["sexual"],
                                   person={"given_name": "Ysella", "family_name": "Brindlecombe", "gender": "female",
                                           "date_of_birth": "2011-02-03", "nationalities": ["Vietnam"]})
        cls.world.rg(cls.child)
        cls.child.refresh_from_db()

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(provider=st.sampled_from(["SALVARMY", "POPPY", "MIGHELP", "HILLINGDON", "CARDIFF"]),
           kind=st.sampled_from(["women_only", "men_only", "mixed", "outreach"]))
    def test_no_provider_and_no_kind_places_a_child(self, provider, kind):
        with pytest.raises((NotAllowed, TransitionRefused, ValidationFailed)):
            services.placement_create(actor=self.world.support, case=self.child, data=PlacementIn(
                provider=provider, kind=kind, start_on=self.child.rg_decided_on))
        assert not Placement.objects.filter(case=self.child).exists()
        rows = {r.organisation.code: r for r in matching_for_case(user=self.world.support, case=self.child,
                                                                  on=TODAY())}
        assert not rows["SALVARMY"].eligible and not rows["POPPY"].eligible
        assert not any(r.available for r in rows.values())


def test_matching_explains_each_provider_and_never_places(ready):
    case = awaiting_case(ready)
    rows = matching_for_case(user=ready.support, case=case, on=TODAY())
    by = {r.organisation.code: r for r in rows}
    assert by["SALVARMY"].available and by["SALVARMY"].free_places == 3  # 2 women-only, 1 mixed
    assert not by["POPPY"].eligible and "sexual exploitation" in by["POPPY"].reason
    assert by["HILLINGDON"].reason.startswith("Children only")
    assert by["MIGHELP"].eligibility.outcome == "not_in_force"
    assert all(r.rule_path and r.citations for r in rows if r.eligibility.outcome != "not_in_force")
    assert rows[0].organisation.code == "SALVARMY"  # available first
    assert not Placement.objects.exists()


def test_the_provider_records_services_and_ends_the_placement_with_a_coded_reason(ready):
    case = awaiting_case(ready)
    placement = place(ready, case)
    delivery = services.service_record(actor=ready.support, case=case,
                                       data=ServiceIn(service="legal_advice", delivered_on=TODAY()))
    assert (delivery.service, delivery.delivered_by, delivery.organisation.code) == ("legal_advice", ready.support, "SALVARMY")
    poppy = poppy_worker(ready)
    with pytest.raises(NotAllowed):
        services.service_record(actor=poppy, case=case, data=ServiceIn(service="counselling", delivered_on=TODAY()))
    with pytest.raises(ValidationFailed):
        services.service_record(actor=ready.support, case=case,
                                data=ServiceIn(service="legal_advice", delivered_on=case.rg_decided_on - dt.timedelta(days=1)))
    with pytest.raises(ValidationFailed, match="Unknown reason"):
        services.placement_end(actor=ready.support, placement=placement, data=PlacementEndIn(end_on=TODAY(), exit_reason="bored"))
    with pytest.raises(NotAllowed):
        services.placement_end(actor=poppy, placement=placement, data=PlacementEndIn(end_on=TODAY(), exit_reason="missing"))
    services.placement_end(actor=ready.support, placement=placement, data=PlacementEndIn(end_on=TODAY(), exit_reason="missing"))
    placement.refresh_from_db()
    assert (placement.end_on, placement.exit_reason, placement.ended_by) == (TODAY(), "missing", ready.support)
    with pytest.raises(TransitionRefused, match="ended on"):
        services.placement_end(actor=ready.support, placement=placement, data=PlacementEndIn(end_on=TODAY(), exit_reason="missing"))
    with pytest.raises(NotAllowed):  # no longer placed with them
        services.service_record(actor=ready.support, case=case, data=ServiceIn(service="counselling", delivered_on=TODAY()))
    assert ServiceDelivery.objects.count() == 1
    assert set(AuditEvent.objects.filter(action__startswith="support.").values_list("action", flat=True)) == {
        "support.place", "support.service_record", "support.placement_end"}


def test_a_service_the_provider_does_not_offer_is_refused(ready):
    providers_ready({"POPPY": {"women_only": 2}})
    case = awaiting_case(ready, exploitation_types=["sexual"])
    place(ready, case, provider="POPPY")
    poppy = poppy_worker(ready)
    with pytest.raises(ValidationFailed) as exc:
        services.service_record(actor=poppy, case=case, data=ServiceIn(service="financial_support", delivered_on=TODAY()))
    assert exc.value.fields["service"] == "Poppy Project (Eaves Housing for Women) does not offer financial support"


def test_placing_someone_on_the_waiting_list_takes_them_off_it(ready):
    providers_ready({"SALVARMY": {"women_only": 0, "men_only": 0, "mixed": 0}})
    case = awaiting_case(ready)
    entry = services.waiting_list_join(actor=ready.support, case=case)
    assert entry.joined_on == TODAY() and entry.contract.code == "adult_victim_care"
    profile = ProviderProfile.objects.get(organisation__code="SALVARMY")
    Capacity.objects.filter(provider=profile, kind="women_only").update(places=1)
    placement = place(ready, case, start_on=TODAY())
    entry.refresh_from_db()
    assert (entry.left_on, entry.left_reason, entry.placement) == (TODAY(), "placed", placement)
    assert AuditEvent.objects.get(action="support.place").detail["waited_days"] == 0


def test_the_waiting_list_is_only_for_when_no_suitable_place_is_free(ready):
    case = awaiting_case(ready)
    with pytest.raises(TransitionRefused, match="place the person instead"):
        services.waiting_list_join(actor=ready.support, case=case)
    assert not WaitingListEntry.objects.exists()
