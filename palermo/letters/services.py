"""Making, listing and reading decision letters (issue 14).

A letter goes, for each reasonable grounds, conclusive grounds or reconsideration decision that
has taken effect (``children.DecisionLetter``), to the referring first responder organisation
and, for a child, to the lead local authority. Its words come from the template for the kind and
outcome of the decision: an HTML file in the templates folder (``PALERMO_LETTER_TEMPLATES_DIR``,
else ``palermo/letters/data/templates``), which a competent authority can edit without code. The
document is made on the first request for it, stored encrypted, and never changed afterwards:
the template's SHA-256 records which version made it."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template import Context, Engine
from django.utils import timezone
from django.utils.formats import date_format

from palermo.accounts import roles as R
from palermo.children.models import DecisionLetter
from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound
from palermo.nrm.models import Case

from .models import LetterDocument

DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "data" / "templates"
RECIPIENTS = ("first_responder", "local_authority")
KIND_WORDS = {"reasonable_grounds": "reasonable grounds", "conclusive_grounds": "conclusive grounds",
              "reconsideration": "reconsideration"}


def templates_dir() -> Path:
    return Path(getattr(settings, "PALERMO_LETTER_TEMPLATES_DIR", "") or DEFAULT_TEMPLATES)


def template_name(letter: DecisionLetter) -> str:
    d = letter.decision
    return f"{d.kind}_{d.outcome}.html"


def _engine() -> Engine:
    # Only the built-in tags and filters: a template is data, and can call no Palermo code.
    return Engine(dirs=[str(templates_dir())], autoescape=True, libraries={}, debug=False)


def recipient_org(letter: DecisionLetter, recipient: str):
    ref = letter.case.referral
    if recipient == "first_responder":
        return ref.first_responder_org
    if recipient == "local_authority" and letter.for_child and ref.local_authority_id:
        return ref.local_authority
    return None


def may_read(user, case: Case, recipient: str) -> bool:
    """Decision makers and reviewers of the case's competent authority: every letter of the
    case. The referring first responder organisation: its own letter. The lead local
    authority's children's services: the local authority's letter of a child's case."""
    if case.competent_authority_id in user.organisations_for(R.DECISION_MAKER, R.REVIEWER):
        return True
    ref = case.referral
    if recipient == "first_responder":
        return ref.first_responder_org_id in user.organisations_for(R.FIRST_RESPONDER)
    if recipient == "local_authority":
        return ref.is_child and ref.local_authority_id in user.organisations_for(R.CHILDRENS_SERVICES)
    return False


def letters_for_case(*, user, case: Case) -> list[dict]:
    """The letters of a case this user may read: one row per decision letter and recipient."""
    out = []
    letters = (DecisionLetter.objects.filter(case=case, decision__state="effective")
               .select_related("decision", "case__referral__first_responder_org", "case__referral__local_authority")
               .order_by("issued_on", "id"))
    for letter in letters:
        for recipient in RECIPIENTS:
            org = recipient_org(letter, recipient)
            if org is None or not may_read(user, case, recipient):
                continue
            out.append({"letter": letter, "recipient": recipient, "organisation": org,
                        "kind": letter.decision.kind, "outcome": letter.decision.outcome,
                        "title": f"{KIND_WORDS[letter.decision.kind].capitalize()} decision: "
                                 f"{letter.decision.outcome}",
                        "issued_on": letter.issued_on})
    return out


def _day(d) -> str:
    return date_format(d, "j F Y") if d else ""


def letter_context(letter: DecisionLetter, recipient: str) -> dict:
    """The facts a template may use: names, dates in words, the outcome. No internal ids."""
    case, decision = letter.case, letter.decision
    ref = case.referral
    person = ref.person
    org = recipient_org(letter, recipient)
    return {
        "recipient_name": org.name,
        "recipient_kind": recipient,
        "competent_authority": case.competent_authority.name,
        "reference": ref.reference,
        "person_name": person.full_name if person else "",
        "person_reference": person.pseudonym if person else "",
        "date_of_birth": _day(person.date_of_birth) if person and person.dob_precision == "exact" else "",
        "child": letter.for_child,
        "received_on": _day(ref.received_on),
        "decision_kind": KIND_WORDS[decision.kind],
        "outcome": decision.outcome,
        "decided_on": _day(decision.decided_on),
        "takes_effect_on": _day(letter.issued_on),
        "issued_on": _day(letter.issued_on),
        "recovery_period_start": _day(case.recovery_period_start),
        "recovery_period_min_end": _day(case.recovery_period_min_end),
        "conclusive_grounds_from": _day(case.cg_earliest),
        "reconsideration_until": _day(case.reconsideration_deadline),
    }


def letter_render_html(letter: DecisionLetter, recipient: str) -> tuple[str, str, str]:
    """(html, template file name, template SHA-256)."""
    name = template_name(letter)
    path = templates_dir() / name
    source = path.read_bytes()
    html = _engine().get_template(name).render(Context(letter_context(letter, recipient)))
    return html, name, hashlib.sha256(source).hexdigest()


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    # No base URL: a template cannot make WeasyPrint fetch files or addresses.
    return HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url, *args, **kwargs):
    raise ValueError("Letters load nothing from outside the template")


def letter_get(*, user, case: Case, letter_id: int, recipient: str) -> DecisionLetter:
    """The decision letter, checked: NotFound if the case has no such effective letter or it
    has no such recipient, NotAllowed (audited) if the user may not read it."""
    letter = (DecisionLetter.objects.filter(pk=letter_id, case=case, decision__state="effective")
              .select_related("decision", "case__referral__person", "case__referral__first_responder_org",
                              "case__referral__local_authority", "case__competent_authority").first())
    if letter is None or recipient not in RECIPIENTS or recipient_org(letter, recipient) is None:
        raise NotFound("This case has no such letter")
    if not may_read(user, case, recipient):
        audit_record(actor=user, action="letter.download_refused", obj=case,
                     detail={"letter_id": letter.pk, "recipient": recipient})
        raise NotAllowed("You cannot read this letter")
    return letter


@transaction.atomic
def letter_document_get(*, user, letter: DecisionLetter, recipient: str, fmt: str = "pdf") -> LetterDocument:
    """The stored document, made now if this is the first request. Every read is an audit event
    (``letter.download``: the letter, the recipient kind and the format). A letter whose case's
    identity was removed under a retention rule is not made again."""
    if fmt not in {"pdf", "html"}:
        raise NotFound("Letters are PDF or HTML")
    doc = LetterDocument.objects.select_for_update().filter(letter=letter, recipient=recipient).first()
    case = letter.case
    if doc is not None and doc.erased_on is not None or doc is None and case.referral.anonymised_on is not None:
        raise NotFound("This letter was removed under a retention rule")
    made = False
    if doc is None:
        html, name, sha = letter_render_html(letter, recipient)
        doc = LetterDocument(letter=letter, recipient=recipient, organisation=recipient_org(letter, recipient),
                             template=name, template_sha256=sha, html=html,
                             pdf=base64.b64encode(html_to_pdf(html)).decode("ascii"),
                             generated_at=timezone.now(), generated_by=user)
        doc.save()
        made = True
    audit_record(actor=user, action="letter.download", obj=case,
                 detail={"letter_id": letter.pk, "recipient": recipient, "format": fmt, "generated": made})
    return doc


def pdf_bytes(doc: LetterDocument) -> bytes:
    return base64.b64decode(doc.pdf)
