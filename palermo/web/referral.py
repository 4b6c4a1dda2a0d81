"""The referral journey's answers: which question pages apply, where they are kept, and how
they become a ``ReferralIn`` at "Accept and send".

Answers live in the user's session (``request.session["referral"]``), encrypted with the same
Fernet keys as identifiers at rest — sessions are stored in the database, and a half-finished
referral holds a name and a date of birth. Nothing becomes a referral until the first responder
accepts and sends: then ``services.referral_create`` writes the referral exactly as the API
would. The pages that apply follow from the answers so far: a
child needs a local authority and no consent; an adult who does not consent leads to a Duty to
Notify report, which may be anonymous (then no identity pages).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from palermo.accounts import roles as R
from palermo.accounts.models import Organisation
from palermo.core import crypto
from palermo.nrm.schemas import PersonIn, ReferralIn
from palermo.web.forms import referral as F

SESSION_KEY = "referral"
SENT_KEY = "referral_sent"
DRAFT_KEY = "referral_draft"  # the id of the saved draft these answers were resumed from


@dataclass(frozen=True)
class Step:
    slug: str
    form: type
    title: str  # the page title and, for multi-question pages, the heading


STEPS = {s.slug: s for s in [
    Step("organisation", F.OrganisationForm, _("Which organisation are you referring for?")),
    Step("where", F.WhereForm, _("Where in the UK are you making this referral?")),
    Step("under-18", F.Under18Form, _("Is the potential victim under 18?")),
    Step("local-authority", F.LocalAuthorityForm, _("Which local authority have you contacted about the child?")),
    Step("age-at-exploitation", F.AgeAtExploitationForm, _("How old was the person when the exploitation happened?")),
    Step("what-happened", F.WhatHappenedForm, _("What happened to the person?")),
    Step("where-exploited", F.WhereExploitedForm, _("Where did the exploitation happen?")),
    Step("uk-area", F.UkAreaForm, _("Which police force area did the exploitation happen in?")),
    Step("country", F.CountryForm, _("Which country outside the UK did the exploitation happen in?")),
    Step("exploitation-types", F.ExploitationTypesForm, _("What types of exploitation were involved?")),
    Step("indicators", F.IndicatorsForm, _("Which signs of trafficking did you see?")),
    Step("concerns", F.ConcernsForm, _("Are there any other concerns?")),
    Step("consent", F.ConsentForm, _("Does the person consent to being referred to the National Referral Mechanism?")),
    Step("dtn-identity", F.DtnIdentityForm, _("Does the person agree to their details being in the Duty to Notify report?")),
    Step("immigration", F.ImmigrationForm, _("Is the person in immigration detention, or facing removal or deportation?")),
    Step("person", F.PersonForm, _("The person's details")),
    Step("date-of-birth-known", F.DobKnownForm, _("Do you know the person's date of birth?")),
    Step("date-of-birth", F.DateOfBirthForm, _("What is the person's date of birth?")),
    Step("claimed-age", F.ClaimedAgeForm, _("How old does the person say they are?")),
    Step("nationality", F.NationalityForm, _("What is the person's nationality?")),
    Step("interpreter", F.InterpreterForm, _("Does the person need an interpreter?")),
    Step("interpreter-language", F.LanguageForm, _("Which language does the person need an interpreter for?")),
    Step("contact", F.ContactForm, _("How can the person be contacted safely?")),
]}

# The journey's sections, shown as "Section 2 of 5: What happened" so the first responder knows
# where they are (GOV.UK "question pages" pattern); the fifth is checking the answers. Which
# questions a section asks depends on the answers, its number never does.
SECTIONS = [
    (_("About the referral"), ("organisation", "where", "under-18", "local-authority", "age-at-exploitation")),
    (_("What happened"), ("what-happened", "where-exploited", "uk-area", "country", "exploitation-types",
                          "indicators", "concerns")),
    (_("Consent"), ("consent", "dtn-identity", "immigration")),
    (_("About the person"), ("person", "date-of-birth-known", "date-of-birth", "claimed-age", "nationality",
                             "interpreter", "interpreter-language", "contact")),
]
SECTION_COUNT = len(SECTIONS) + 1  # and "Check your answers"
CHECK = "check-your-answers"  # where a draft saved from "Check your answers" resumes


def section_of(slug: str) -> tuple[int, str]:
    """(number, title) of the section a question page belongs to."""
    if slug == CHECK:
        return SECTION_COUNT, str(_("Check your answers"))
    for i, (title, slugs) in enumerate(SECTIONS, start=1):
        if slug in slugs:
            return i, str(title)
    raise KeyError(slug)


# Where each field of ReferralIn (and of the service's errors) is asked.
FIELD_STEPS = {
    "first_responder_org": ("organisation", "first-responder-org"),
    "nation": ("where", "nation"),
    "received_on": ("where", "nation"),
    "under_18": ("under-18", "under-18"),
    "local_authority": ("local-authority", "local-authority"),
    "age_at_exploitation": ("age-at-exploitation", "age-at-exploitation"),
    "narrative": ("what-happened", "narrative"),
    "exploitation_location": ("where-exploited", "exploitation-location"),
    "police_force_area": ("uk-area", "police-force-area"),
    "exploitation_country": ("country", "exploitation-country"),
    "exploitation_types": ("exploitation-types", "exploitation-types"),
    "indicators": ("indicators", "indicators"),
    "flags": ("concerns", "flags"),
    "consent": ("consent", "consent"),
    "anonymous": ("dtn-identity", "share"),
    "immigration_enforcement": ("immigration", "immigration-enforcement"),
    "person": ("person", "given-name"),
    "person.given_name": ("person", "given-name"),
    "person.family_name": ("person", "given-name"),
    "person.aliases": ("person", "aliases"),
    "person.gender": ("person", "gender"),
    "person.date_of_birth": ("date-of-birth", "date-of-birth-day"),
    "person.claimed_age": ("claimed-age", "claimed-age"),
    "person.nationalities": ("nationality", "nationality"),
    "person.languages": ("interpreter-language", "language"),
    "person.contact_details": ("contact", "contact-details"),
}


def referring_organisations(user) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=user.organisations_for(R.FIRST_RESPONDER),
                                            is_designated_first_responder=True).order_by("name"))


def _load(stored) -> dict:
    """The answers from the session: Fernet ciphertext of JSON. Anything else (an old or
    tampered session, keys rotated away) starts the journey again rather than failing."""
    if not isinstance(stored, str) or not stored:
        return {}
    try:
        return json.loads(crypto.decrypt(stored))
    except (crypto.DecryptionError, ValueError):
        return {}


class Journey:
    """The answers so far and the pages they make apply."""

    def __init__(self, session, user):
        self.session = session
        self.user = user
        self.answers: dict[str, dict] = _load(session.get(SESSION_KEY))
        self._orgs = None

    # --- storage ---------------------------------------------------------------------------
    def save(self, slug: str, cleaned: dict) -> None:
        self.answers[slug] = {k: _jsonable(v) for k, v in cleaned.items()}
        self.session[SESSION_KEY] = crypto.encrypt(json.dumps(self.answers))
        self.session.modified = True

    def clear(self) -> None:
        self.answers = {}
        self.session.pop(SESSION_KEY, None)
        self.session.pop(DRAFT_KEY, None)

    def resume(self, answers: dict, draft_id: int) -> None:
        """Carry on with a saved draft's answers (they replace any in the session)."""
        self.answers = {k: v for k, v in answers.items() if k in STEPS and isinstance(v, dict)}
        self.session[SESSION_KEY] = crypto.encrypt(json.dumps(self.answers))
        self.session[DRAFT_KEY] = int(draft_id)
        self.session.modified = True

    @property
    def draft_id(self) -> int | None:
        value = self.session.get(DRAFT_KEY)
        return value if isinstance(value, int) else None

    def stopped_at(self) -> tuple[str, int]:
        """Where a saved draft takes the first responder back to: the first page not answered
        (else check your answers), and its section's number."""
        gap = self.first_unanswered()
        return (gap, section_of(gap)[0]) if gap else (CHECK, SECTION_COUNT)

    def get(self, slug: str, field: str, default=None):
        return self.answers.get(slug, {}).get(field, default)

    @property
    def started(self) -> bool:
        return bool(self.answers)

    # --- branching -------------------------------------------------------------------------
    @property
    def organisations(self) -> list[Organisation]:
        if self._orgs is None:
            self._orgs = referring_organisations(self.user)
        return self._orgs

    @property
    def is_child(self) -> bool:
        return self.get("under-18", "under_18") in {"yes", "not_sure"}

    @property
    def is_adult(self) -> bool:
        return self.get("under-18", "under_18") == "no"

    @property
    def refused(self) -> bool:
        return self.is_adult and self.get("consent", "consent") == "refused"

    @property
    def anonymous(self) -> bool:
        return self.refused and self.get("dtn-identity", "share") == "no"

    def steps(self) -> list[str]:
        s = []
        if len(self.organisations) > 1:
            s.append("organisation")
        s += ["where", "under-18"]
        if self.is_child:
            s.append("local-authority")
        s += ["age-at-exploitation", "what-happened", "where-exploited"]
        location = self.get("where-exploited", "exploitation_location")
        if location in {"uk", "both"}:
            s.append("uk-area")
        if location in {"overseas", "both"}:
            s.append("country")
        s += ["exploitation-types", "indicators", "concerns"]
        if self.is_adult:
            s.append("consent")
        if self.refused:
            s.append("dtn-identity")
        s.append("immigration")
        if not self.anonymous:
            s += ["person", "date-of-birth-known"]
            known = self.get("date-of-birth-known", "dob_known")
            if known == "yes":
                s.append("date-of-birth")
            elif known == "no":
                s.append("claimed-age")
            s += ["nationality", "interpreter"]
            if self.get("interpreter", "interpreter_needed") == "yes":
                s.append("interpreter-language")
            s.append("contact")
        return s

    def first_unanswered(self) -> str | None:
        for slug in self.steps():
            if slug not in self.answers:
                return slug
        return None

    def previous(self, slug: str) -> str | None:
        steps = self.steps()
        if slug not in steps:
            return None
        i = steps.index(slug)
        return steps[i - 1] if i > 0 else None

    def next(self, slug: str) -> str | None:
        steps = self.steps()
        i = steps.index(slug)
        return steps[i + 1] if i + 1 < len(steps) else None

    # --- conversion ------------------------------------------------------------------------
    def to_referral_in(self, *, today: dt.date | None = None) -> ReferralIn:
        """The answers as the service's input. Raises pydantic's ValidationError if they do
        not fit (for example a page was never answered)."""
        today = today or timezone.localdate()
        location = self.get("where-exploited", "exploitation_location", "unknown")
        person = None
        if not self.anonymous:
            known = self.get("date-of-birth-known", "dob_known")
            dob = self.get("date-of-birth", "date_of_birth") if known == "yes" else None
            nationality = self.get("nationality", "nationality")
            interpreter = self.get("interpreter", "interpreter_needed") == "yes"
            language = (self.get("interpreter-language", "language") or "").strip() if interpreter else ""
            person = PersonIn(
                given_name=self.get("person", "given_name", ""), family_name=self.get("person", "family_name", ""),
                aliases=[a.strip() for a in (self.get("person", "aliases") or "").splitlines() if a.strip()],
                date_of_birth=dob,
                dob_precision=("estimated" if self.get("date-of-birth", "dob_estimated") else "exact") if dob else "unknown",
                claimed_age=self.get("claimed-age", "claimed_age") if known == "no" else None,
                gender=self.get("person", "gender", "unknown"),
                nationalities=[nationality] if nationality else [],
                languages=[language] if language else [],
                interpreter_needed=interpreter,
                contact_details=self.get("contact", "contact_details", ""),
            )
        return ReferralIn(
            received_on=today,
            nation=self.get("where", "nation"),
            police_force_area=self.get("uk-area", "police_force_area", "") if location in {"uk", "both"} else "",
            exploitation_location=location,
            exploitation_country=self.get("country", "exploitation_country", "") if location in {"overseas", "both"} else "",
            exploitation_types=self.get("exploitation-types", "exploitation_types", []),
            indicators=self.get("indicators", "indicators", []),
            flags=self.get("concerns", "flags", []),
            narrative=self.get("what-happened", "narrative", ""),
            age_at_exploitation=self.get("age-at-exploitation", "age_at_exploitation", "unknown"),
            under_18=self.get("under-18", "under_18"),
            local_authority=self.get("local-authority", "local_authority", "") if self.is_child else "",
            consent="not_required" if self.is_child else self.get("consent", "consent"),
            immigration_enforcement=self.get("immigration", "immigration_enforcement") == "yes",
            anonymous=self.anonymous,
            first_responder_org=self.get("organisation", "first_responder_org", "") if len(self.organisations) > 1 else "",
            person=person,
        )


def pydantic_errors(exc: ValidationError) -> dict[str, str]:
    """pydantic's errors as {dotted field: message}, like the API reports them."""
    out = {}
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if not isinstance(p, int))
        out.setdefault(loc or "__all__", err.get("msg", "invalid"))
    return out


def _jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
