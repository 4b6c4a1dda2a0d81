"""What each role can do in Palermo, said on the dashboard with a link to each part.

Every role lands somewhere useful: the dashboard never only says what the role cannot see. Each
role the user holds gets a sentence and the links its role opens (the same checks the
navigation uses, so a link is never shown to someone it would refuse).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from palermo.accounts import roles as R
from palermo.permits.rules import can_list_permits
from palermo.stats.services import can_see_statistics
from palermo.support.rules import allocating_contracts
from palermo.web import access


def _link(text: str, url: str, hint: str = "") -> dict:
    return {"text": text, "url": url, "hint": hint}


def landing_for_user(user) -> list[dict]:
    """One section per role the user holds: {role, text, links}."""
    held = user.roles()
    out = []
    if R.FIRST_RESPONDER in held:
        links = []
        if access.can_refer(user):  # only at a designated first responder organisation
            links.append(_link(_("Refer a potential victim"), reverse("web:refer_start"),
                               _("Make a referral to the National Referral Mechanism, or a Duty to Notify report.")))
        links.append(_link(_("Your organisation's referrals"), reverse("web:case_list")))
        if access.can_list_dtn(user):
            links.append(_link(_("Duty to Notify reports"), reverse("web:dtn_list")))
        out.append({"role": R.ROLE_LABELS[R.FIRST_RESPONDER], "links": links,
                    "text": _("You refer people who may be victims of trafficking and follow their cases.")})
    if R.DECISION_MAKER in held:
        links = [_link(_("Cases waiting for a decision"), reverse("web:case_list") + "?sort=due",
                       _("Sorted by the date the next decision is due."))]
        if can_list_permits(user):
            links.append(_link(_("Residence permit applications"), reverse("permits:list")))
        out.append({"role": R.ROLE_LABELS[R.DECISION_MAKER], "links": links,
                    "text": _("You make reasonable grounds and conclusive grounds decisions on the cases routed to your competent authority.")})
    if R.REVIEWER in held:
        out.append({"role": R.ROLE_LABELS[R.REVIEWER],
                    "links": [_link(_("Negative decisions waiting for review"), reverse("web:review_list"))],
                    "text": _("You agree or return negative decisions made by someone else at your competent authority.")})
    if R.CHILDRENS_SERVICES in held:
        out.append({"role": R.ROLE_LABELS[R.CHILDRENS_SERVICES],
                    "links": [_link(_("Children your local authority leads"), reverse("children:board")),
                              _link(_("Cases"), reverse("web:case_list"))],
                    "text": _("You keep the safeguarding record of the children your local authority leads.")})
    if R.SUPPORT_WORKER in held:
        links = [_link(_("People placed with your organisation"), reverse("support:caseload"))]
        if allocating_contracts(user):
            links.append(_link(_("People waiting for a place"), reverse("support:waiting_list")))
        if user.has_perm("support.view_occupancy"):
            links.append(_link(_("Providers and free places"), reverse("support:providers")))
        out.append({"role": R.ROLE_LABELS[R.SUPPORT_WORKER], "links": links,
                    "text": _("You support the people placed with your organisation: their placements, services and moving on.")})
    if R.ANALYST in held or R.MONITOR in held:
        links = []
        if can_see_statistics(user):
            links.append(_link(_("Statistics"), reverse("stats:index"), _("Published tables and the statistics bulletin.")))
        links.append(_link(_("Monitoring report"), reverse("releases:monitoring")))
        links.append(_link(_("Private releases"), reverse("releases:private")))
        if R.ANALYST in held:
            links.append(_link(_("Microdata"), reverse("releases:microdata")))
        links.append(_link(_("Prosecutions and convictions"), reverse("justice:statistics"),
                           _("Defendants proceeded against and found guilty by principal offence.")))
        links.append(_link(_("Operations"), reverse("operations:list"),
                           _("What each law-enforcement operation found, counted from its records.")))
        role = R.ANALYST if R.ANALYST in held else R.MONITOR
        out.append({"role": R.ROLE_LABELS[role], "links": links,
                    "text": _("You see national figures and reports. Palermo shows you counts, never case records.")})
    if R.INTELLIGENCE_OFFICER in held:
        out.append({"role": R.ROLE_LABELS[R.INTELLIGENCE_OFFICER],
                    "links": [_link(_("Intelligence reports"), reverse("intelligence:list"),
                                    _("Record, grade and search reports, and follow the people, groups and premises "
                                      "they mention.")),
                              _link(_("Offences and definitions"), reverse("law:index"),
                                    _("Which offences apply to a set of facts, and what the law says.")),
                              _link(_("Prosecutions"), reverse("justice:list"),
                                    _("Defendants, charges, outcomes and sentences your organisation records.")),
                              _link(_("Prosecutions and convictions"), reverse("justice:statistics"),
                                    _("Defendants proceeded against and found guilty by principal offence.")),
                              _link(_("Operations"), reverse("operations:list"),
                                    _("Record an operation's premises visits, victims, arrests, charges and assets, "
                                      "and see its report."))],
                    "text": _("You work in the central repository of intelligence: reports, networks, operations and "
                              "prosecutions.")})
    if R.ADMINISTRATOR in held:
        if access.is_administrator(user):
            links = [_link(_("Users, organisations and role requests"), reverse("admin:index"))]
            text = _("You manage the accounts of your organisation. Palermo shows you no case records.")
        else:
            links = []
            text = _("Your account cannot open the admin area yet: ask another administrator to give it staff access.")
        out.append({"role": R.ROLE_LABELS[R.ADMINISTRATOR], "links": links, "text": text})
    return out
