"""Hostile values through the API and the pages. Every string and list an interface accepts has
a bound; names hold letters of every script but no control characters or formula characters; free text refuses NUL and the other control characters; and a refusal is a 422 or a
GOV.UK error message, never a server error."""

from __future__ import annotations

import copy
import json

import pytest
from django import forms

from palermo.nrm.models import Referral
from palermo.people.models import Person
from tests.factories import referral_payload
from tests.security.helpers import Api
from tests.web.helpers import ADULT_ANSWERS, error_messages, login, walk

pytestmark = pytest.mark.django_db

SCRIPTS = [
    ("Nguyễn Thị", "Minh Khai"),  # Vietnamese
    ("فاطمة", "الزهراء"),  # Arabic
    ("Ольга", "Петрова-Сидорова"),  # Cyrillic
    ("秀英", "王"),  # Chinese
    ("Siobhán", "O'Brien-Ní Dhuibhir"),
    ("Unknown", "Woman 1"),  # how an unidentified person is often recorded
]
BAD_NAMES = ["Ilsa\x00bet", "Ilsa\x1b[31mbet", "Marrow\u202egate", "Ilsa\nbet", "=cmd|' /C calc'!A0", "@SUM(1+1)", "Ilsa_bet"]


# --- every interface is bounded -------------------------------------------------------------


def _unbounded(schema: dict, components: dict, where: str, out: list[str], depth: int = 0) -> None:
    if depth > 20:
        return
    if "$ref" in schema:
        _unbounded(components[schema["$ref"].split("/")[-1]], components, where, out, depth + 1)
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            _unbounded(sub, components, where, out, depth + 1)
    kind = schema.get("type")
    if kind == "string" and not ({"maxLength", "enum", "const"} & set(schema) or schema.get("format") in {"date", "date-time"}):
        out.append(where)
    if kind == "array":
        if "maxItems" not in schema:
            out.append(where + "[]")
        _unbounded(schema.get("items", {}), components, where + "[]", out, depth + 1)
    for name, prop in schema.get("properties", {}).items():
        _unbounded(prop, components, f"{where}.{name}", out, depth + 1)


def test_every_string_and_list_the_api_accepts_is_bounded(client):
    spec = client.get("/api/v1/openapi.json").json()
    components = spec.get("components", {}).get("schemas", {})
    unbounded: list[str] = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            for param in op.get("parameters", []):
                _unbounded(param.get("schema", {}), components, f"{method} {path} ?{param['name']}", unbounded)
            for media in op.get("requestBody", {}).get("content", {}).values():
                _unbounded(media.get("schema", {}), components, f"{method} {path} body", unbounded)
    assert unbounded == []


def _form_classes():
    import palermo.urls  # noqa: F401 - loads every view, and so every form

    seen, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return [c for c in seen if c.__module__.startswith("palermo.")]


def test_every_text_field_on_every_page_is_bounded():
    classes = _form_classes()
    assert len(classes) > 10
    unbounded = [f"{c.__module__}.{c.__name__}.{name}" for c in classes for name, f in c.base_fields.items()
                 if isinstance(f, forms.CharField) and f.max_length is None]
    assert unbounded == []


# --- the API ------------------------------------------------------------------------------


def _person(**fields) -> dict:
    return {**referral_payload()["person"], **fields}


def test_a_two_megabyte_aliases_value_is_refused_by_the_api(world):
    resp = Api(world.responder).post("/referrals", referral_payload(person=_person(aliases=["A" * 2_000_000])))
    assert resp.status_code == 413
    assert resp.json()["error"]["code"] == "too_large"
    assert Referral.objects.count() == 0


@pytest.mark.parametrize("aliases,problem", [
    (["Alias" + "abcdefghijklmnopqrstu"[i] for i in range(21)], "20"),
    (["A" * 201], "200"),
])
def test_aliases_are_bounded_in_number_and_length(world, aliases, problem):
    resp = Api(world.responder).post("/referrals", referral_payload(person=_person(aliases=aliases)))
    assert resp.status_code == 422, resp.content
    assert any(k.startswith("person.aliases") for k in resp.json()["error"]["fields"])
    assert Referral.objects.count() == 0


@pytest.mark.parametrize("given,family", SCRIPTS)
def test_names_in_every_script_are_accepted_and_stored_as_written(world, given, family):
    resp = Api(world.responder).post("/referrals", referral_payload(person=_person(given_name=given, family_name=family)))
    assert resp.status_code == 201, resp.content
    person = Person.objects.get()
    assert (person.given_name, person.family_name) == (given, family)


@pytest.mark.parametrize("name", BAD_NAMES)
def test_control_characters_digits_and_formulas_are_refused_in_names(world, name):
    api = Api(world.responder)
    for field in ("given_name", "family_name"):
        resp = api.post("/referrals", referral_payload(person=_person(**{field: name})))
        assert resp.status_code == 422, resp.content
        assert "only include letters" in resp.json()["error"]["fields"][f"person.{field}"]
    resp = api.post("/referrals", referral_payload(person=_person(aliases=["Ili", name])))
    assert resp.status_code == 422
    assert Person.objects.count() == 0


@pytest.mark.parametrize("text", ["Synthetic\x00narrative", "Synthetic\x1b[2Jnarrative", "Synthetic\x7fnarrative"])
def test_control_characters_are_refused_in_free_text(world, text):
    api = Api(world.responder)
    resp = api.post("/referrals", referral_payload(narrative=text))
    assert resp.status_code == 422 and "control characters" in resp.json()["error"]["fields"]["narrative"]
    resp = api.post("/referrals", referral_payload(person=_person(contact_details=text)))
    assert resp.status_code == 422 and "person.contact_details" in resp.json()["error"]["fields"]
    assert Referral.objects.count() == 0


def test_a_lone_surrogate_is_refused_not_a_server_error(world):
    api = Api(world.responder)
    body = json.dumps(referral_payload(narrative="Synthetic \ud800 narrative"))  # sent as the escape \ud800
    resp = api.client.post("/api/v1/referrals", body, content_type="application/json", headers=api.headers)
    assert resp.status_code == 422, resp.content
    assert Referral.objects.count() == 0


def test_line_breaks_separators_and_formula_like_text_in_a_narrative_are_stored_as_written(world):
    narrative = "Line one\r\nline two\nthree\u2028four\u0085five\u2029=HYPERLINK(\"http://example.invalid\")\t"
    resp = Api(world.responder).post("/referrals", referral_payload(narrative=narrative))
    assert resp.status_code == 201, resp.content
    assert Referral.objects.get().narrative.encode() == narrative.encode()


def test_a_decision_note_with_a_control_character_is_refused(world):
    case = world.case()
    body = {"kind": "reasonable_grounds", "outcome": "positive", "decided_on": case.referral.received_on.isoformat(),
            "reason_codes": ["indicators_present"], "reason_text": "Synthetic\x00reason"}
    resp = Api(world.decider).post(f"/cases/{case.pk}/decisions", body)
    assert resp.status_code == 422 and "reason_text" in resp.json()["error"]["fields"]


# --- the pages ------------------------------------------------------------------------------


def _journey(**person) -> dict:
    answers = copy.deepcopy(ADULT_ANSWERS)
    answers["person"].update(person)
    return answers


def _reach(client, slug: str) -> None:
    """Answer the journey's pages before ``slug`` (an adult who consents)."""
    for page, answers in ADULT_ANSWERS.items():
        if page == slug:
            return
        assert client.post(f"/refer/{page}/", answers).status_code == 302, page


@pytest.mark.parametrize("given,family", SCRIPTS)
def test_the_referral_pages_accept_names_in_every_script(client, world, given, family):
    login(client, world.responder)
    walk(client, _journey(given_name=given, family_name=family))
    assert client.post("/refer/check-your-answers/").status_code == 302
    person = Person.objects.get()
    assert (person.given_name, person.family_name) == (given, family)


@pytest.mark.parametrize("name", [n for n in BAD_NAMES if "\x00" not in n])
def test_the_person_page_refuses_names_that_are_not_names(client, world, name):
    login(client, world.responder)
    _reach(client, "person")
    resp = client.post("/refer/person/", {"given_name": name, "family_name": "Vrabiescu", "gender": "female"})
    assert resp.status_code == 200
    assert any("Given names must only include letters" in m for m in error_messages(resp.content.decode()))


def test_the_person_page_bounds_the_other_names(client, world):
    login(client, world.responder)
    _reach(client, "person")
    many = "\n".join("Alias" + "abcdefghijklmnopqrstu"[i] for i in range(21))
    resp = client.post("/refer/person/", {"given_name": "Ilinca", "family_name": "Vrabiescu", "aliases": many,
                                          "gender": "female"})
    assert any("20 other names or fewer" in m for m in error_messages(resp.content.decode()))
    resp = client.post("/refer/person/", {"given_name": "Ilinca", "family_name": "Vrabiescu", "aliases": "Ili\n=1+1",
                                          "gender": "female"})
    assert any("Other names must only include letters" in m for m in error_messages(resp.content.decode()))


def test_the_what_happened_page_refuses_control_characters(client, world):
    login(client, world.responder)
    _reach(client, "what-happened")
    resp = client.post("/refer/what-happened/", {"narrative": "Synthetic\x1b[2J narrative"})
    assert resp.status_code == 200
    assert any("must not include control characters" in m for m in error_messages(resp.content.decode()))
