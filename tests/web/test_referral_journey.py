"""The referral journey without JavaScript: one question per page, answers kept in the
session (never a partial referral in the database), check your answers, Accept and send through
``services.referral_create``, and GOV.UK error wording on every page."""

import copy

import pytest

from palermo.core.models import AuditEvent
from palermo.nrm.models import Case, DutyToNotify, Referral
from tests.web.helpers import ADULT_ANSWERS, error_messages, login, walk

pytestmark = pytest.mark.django_db


def test_full_adult_referral_creates_a_case_only_at_accept_and_send(client, world):
    login(client, world.responder)
    visited = walk(client, ADULT_ANSWERS)
    assert visited[:3] == ["where", "under-18", "age-at-exploitation"]
    assert "local-authority" not in visited and "dtn-identity" not in visited
    assert Referral.objects.count() == 0  # nothing saved yet
    check = client.get("/refer/check-your-answers/")
    html = check.content.decode()
    assert check.status_code == 200
    for text in ("Ilinca Vrabiescu", "Kent", "Romania", "Labour exploitation", "Owes a debt", "Romanian",
                 "6 May 1994"):
        assert text in html, text
    assert html.count(">Change<") >= 15
    resp = client.post("/refer/check-your-answers/")
    assert resp.status_code == 302 and resp["Location"] == "/refer/confirmation/"
    referral = Referral.objects.get()
    case = Case.objects.get(referral=referral)
    assert referral.officer == world.responder and referral.first_responder_org.code == "MET"
    assert referral.exploitation_location == "both" and referral.exploitation_country == "ROU"
    assert referral.police_force_area == "kent" and referral.consent == "given"
    p = referral.person
    assert (p.given_name, p.family_name, p.aliases, p.nationalities) == ("Ilinca", "Vrabiescu", "Ili", ["ROU"])
    assert p.date_of_birth.isoformat() == "1994-05-06" and p.dob_precision == "exact"
    assert p.interpreter_needed and p.languages == ["Romanian"]
    confirmation = client.get("/refer/confirmation/").content.decode()
    assert "Referral sent" in confirmation and referral.reference in confirmation
    assert f"/cases/{case.pk}/" in confirmation
    # The answers are gone: a new referral starts empty.
    assert "referral" not in client.session
    # (the possible-match scoring is queued as the officer's background job: job.* events between)
    actions = [a for a in AuditEvent.objects.filter(actor=world.responder).values_list("action", flat=True)
               if not a.startswith("job.")]
    assert actions[:2] == ["person.create", "referral.create"]


def test_answers_survive_going_back_and_forth(client, world):
    login(client, world.responder)
    client.post("/refer/where/", {"nation": "wales"})
    client.post("/refer/under-18/", {"under_18": "no"})
    back = client.get("/refer/where/").content.decode()
    assert 'value="wales" checked' in back
    page = client.get("/refer/under-18/").content.decode()
    assert 'value="no" checked' in page
    assert 'href="/refer/where/" class="govuk-back-link"' in page
    # Skipping ahead is not allowed: the journey sends you to the first unanswered page.
    resp = client.get("/refer/person/")
    assert resp.status_code == 302 and resp["Location"] == "/refer/age-at-exploitation/"


def test_not_sure_is_treated_as_a_child_and_needs_the_local_authority(client, world):
    answers = copy.deepcopy(ADULT_ANSWERS)
    answers["under-18"] = {"under_18": "not_sure"}
    answers["local-authority"] = {"local_authority": "HILLINGDON"}
    login(client, world.responder)
    visited = walk(client, answers)
    assert "local-authority" in visited and "consent" not in visited
    client.post("/refer/check-your-answers/")
    referral = Referral.objects.get()
    assert referral.is_child and referral.consent == "not_required"
    assert referral.local_authority.code == "HILLINGDON"


def test_an_adult_who_does_not_consent_makes_an_anonymous_duty_to_notify_report(client, world):
    answers = copy.deepcopy(ADULT_ANSWERS)
    answers["consent"] = {"consent": "refused"}
    answers["dtn-identity"] = {"share": "no"}
    login(client, world.responder)
    visited = walk(client, answers)
    assert "dtn-identity" in visited
    assert not {"person", "date-of-birth-known", "date-of-birth", "nationality", "interpreter", "contact"} & set(visited)
    check = client.get("/refer/check-your-answers/").content.decode()
    assert "Check your answers before sending the Duty to Notify report" in check
    client.post("/refer/check-your-answers/")
    dtn = DutyToNotify.objects.get()
    assert dtn.anonymous and dtn.referral.person is None and not Case.objects.exists()
    page = client.get("/refer/confirmation/").content.decode()
    assert "Duty to Notify report sent" in page and dtn.reference in page


def test_changing_an_answer_from_check_your_answers_returns_there(client, world):
    login(client, world.responder)
    walk(client, ADULT_ANSWERS)
    resp = client.post("/refer/nationality/?change=1", {"nationality": "VNM"})
    assert resp["Location"] == "/refer/check-your-answers/"
    # A change that opens a new page asks it first, then returns.
    resp = client.post("/refer/where-exploited/?change=1", {"exploitation_location": "overseas"})
    assert resp["Location"] == "/refer/check-your-answers/"  # country already answered
    resp = client.post("/refer/consent/?change=1", {"consent": "refused"})
    assert resp["Location"] == "/refer/dtn-identity/?change=1"
    resp = client.post("/refer/dtn-identity/?change=1", {"share": "yes"})
    assert resp["Location"] == "/refer/check-your-answers/"
    resp = client.post("/refer/date-of-birth-known/?change=1", {"dob_known": "no"})
    assert resp["Location"] == "/refer/claimed-age/?change=1"


# Every page, posted empty: GOV.UK messages, linked to the field, never Django's defaults.
EMPTY_POST_ERRORS = {
    "where": ["Select where in the UK you are making this referral"],
    "under-18": ["Select whether the potential victim is under 18"],
    "age-at-exploitation": ["Select how old the person was when the exploitation happened"],
    "what-happened": ["Enter what happened to the person"],
    "where-exploited": ["Select where the exploitation happened"],
    "country": ["Select the country where the exploitation happened"],
    "exploitation-types": ["Select at least one type of exploitation"],
    "consent": ["Select whether the person consents to the referral"],
    "immigration": ["Select whether the person is in immigration detention or facing removal"],
    "person": ["Enter the person's name", "Select the person's gender"],
    "date-of-birth-known": ["Select whether you know the person's date of birth"],
    "date-of-birth": ["Enter the date of birth"],
    "interpreter": ["Select whether the person needs an interpreter"],
    "interpreter-language": ["Enter the language the person needs an interpreter for"],
}


def test_every_page_uses_govuk_error_wording(client, world):
    login(client, world.responder)
    walk(client, ADULT_ANSWERS)  # answer everything so each page can be opened
    for slug, expected in EMPTY_POST_ERRORS.items():
        resp = client.post(f"/refer/{slug}/", {})
        html = resp.content.decode()
        assert resp.status_code == 200, slug
        assert error_messages(html) == expected, slug
        assert "This field is required" not in html and "Select a valid choice" not in html
        assert html.count("govuk-error-message") == len(expected), slug
        assert "<title>Error: " in html


def test_date_of_birth_errors(client, world):
    login(client, world.responder)
    walk(client, ADULT_ANSWERS)
    cases = [
        ({}, "Enter the date of birth"),
        ({"date_of_birth-day": "6", "date_of_birth-year": "1994"}, "Date of birth must include a month"),
        ({"date_of_birth-day": "6"}, "Date of birth must include a month and a year"),
        ({"date_of_birth-day": "31", "date_of_birth-month": "2", "date_of_birth-year": "1994"}, "Date of birth must be a real date"),
        ({"date_of_birth-day": "1", "date_of_birth-month": "1", "date_of_birth-year": "2999"},
         "Date of birth must be today or in the past"),
    ]
    for data, message in cases:
        html = client.post("/refer/date-of-birth/", data).content.decode()
        assert error_messages(html) == [message]
        assert 'href="#date-of-birth-day"' in html and 'id="date-of-birth-day"' in html
    # Not known: the claimed age page instead, which must be a number if given.
    assert client.post("/refer/date-of-birth-known/", {"dob_known": "no"})["Location"] == "/refer/claimed-age/"
    html = client.post("/refer/claimed-age/", {"claimed_age": "sixteen"}).content.decode()
    assert error_messages(html) == ["Age must be a number, like 16"]


def test_a_service_error_is_linked_to_the_page_that_can_fix_it(client, world):
    """The local authority disappears between answering and sending: the service refuses, and
    check your answers links to the page to change."""
    from palermo.accounts.models import Organisation

    answers = copy.deepcopy(ADULT_ANSWERS)
    answers["under-18"] = {"under_18": "yes"}
    answers["local-authority"] = {"local_authority": "CARDIFF"}
    login(client, world.responder)
    walk(client, answers)
    Organisation.objects.filter(code="CARDIFF").update(kind="ngo")
    resp = client.post("/refer/check-your-answers/")
    html = resp.content.decode()
    assert resp.status_code == 422
    assert "No local authority with code CARDIFF" in html
    assert 'href="/refer/local-authority/?change=1#local-authority"' in html
    assert not Referral.objects.exists()


def test_only_first_responders_can_send(client, world):
    login(client, world.decider)
    assert client.get("/refer/").status_code == 403
    assert client.post("/refer/check-your-answers/").status_code == 403


def test_a_first_responder_in_two_organisations_chooses_which_is_referring(client, world):
    from palermo.accounts.models import Membership

    Membership.objects.create(user=world.responder, organisation=world.orgs["BF"], role="first_responder")
    login(client, world.responder)
    start = client.get("/refer/").content.decode()
    assert 'href="/refer/organisation/"' in start
    answers = {**ADULT_ANSWERS, "organisation": {"first_responder_org": "BF"}}
    assert walk(client, answers)[0] == "organisation"
    client.post("/refer/check-your-answers/")
    assert Referral.objects.get().first_responder_org.code == "BF"


def test_a_half_finished_referral_is_encrypted_in_the_session_table(client, world):
    """Sessions live in the database: the answers so far (a name, a date of birth) must be
    ciphertext there, like every other direct identifier."""
    from django.db import connection

    login(client, world.responder)
    walk(client, ADULT_ANSWERS)
    assert Referral.objects.count() == 0
    with connection.cursor() as cur:
        cur.execute("SELECT session_data FROM django_session")
        stored = " ".join(row[0] for row in cur.fetchall())
    import base64
    import zlib

    decoded = []
    for blob in stored.split():
        body = blob.split(":")[0]
        try:
            raw = base64.urlsafe_b64decode(body.lstrip(".") + "==")
            decoded.append(zlib.decompress(raw) if body.startswith(".") else raw)
        except Exception:  # noqa: BLE001 - not every part is base64
            continue
    everything = stored.encode() + b"".join(decoded)
    assert b'"referral"' in everything, "the journey is in the session (the test can fail)"
    assert b"Vrabiescu" not in everything and b"1994-05-06" not in everything
    assert "Ilinca Vrabiescu" in client.get("/refer/check-your-answers/").content.decode()


def test_a_child_date_of_birth_on_the_adult_path_sends_the_user_back_to_the_age_question(client, world):
    answers = copy.deepcopy(ADULT_ANSWERS)
    answers["date-of-birth"] = {"date_of_birth-day": "6", "date_of_birth-month": "5", "date_of_birth-year": "2015"}
    login(client, world.responder)
    walk(client, answers)
    resp = client.post("/refer/check-your-answers/", follow=True)
    html = resp.content.decode()
    assert Referral.objects.count() == 0
    assert "under 18" in html and "There is a problem" in html


def test_a_failed_sign_in_never_sends_the_password_back(client, world):
    html = client.post("/sign-in/", {"username": world.responder.username, "password": "wrong-but-secret-123"}).content.decode()
    assert "Enter a correct username and password" in html and "wrong-but-secret-123" not in html


def test_api_docs_load_their_assets_locally(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr" not in html and "/static/ninja/" in html


def test_changing_the_date_of_birth_from_check_your_answers_reaches_the_date(client, world):
    login(client, world.responder)
    walk(client, ADULT_ANSWERS)
    check = client.get("/refer/check-your-answers/").content.decode()
    assert 'href="/refer/date-of-birth/?change=1"' in check
    r = client.post("/refer/date-of-birth-known/?change=1", {"dob_known": "yes"})
    assert r["Location"] == "/refer/date-of-birth/?change=1"
    r = client.post("/refer/date-of-birth/?change=1",
                    {"date_of_birth-day": "7", "date_of_birth-month": "5", "date_of_birth-year": "1994"})
    assert r["Location"] == "/refer/check-your-answers/"
    assert "7 May 1994" in client.get("/refer/check-your-answers/").content.decode()


def test_a_two_digit_year_gets_the_govuk_message(client, world):
    login(client, world.responder)
    answers = copy.deepcopy(ADULT_ANSWERS)
    walk(client, answers)
    html = client.post("/refer/date-of-birth/?change=1",
                       {"date_of_birth-day": "6", "date_of_birth-month": "5", "date_of_birth-year": "94"}).content.decode()
    assert "Year must include 4 numbers" in html
