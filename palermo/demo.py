"""Demo data: the organisations of the seed note, one user per role, and synthetic NRM cases
in every state, created through the real services (so routing, deadlines and audit are real).

Every name here is synthetic, composed at random from common given and family names.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from palermo.accounts import roles as R
from palermo.accounts.models import Membership, Organisation, User
from palermo.accounts.two_factor import demo_enrol
from palermo.core.exceptions import PalermoError
from palermo.nrm import services, workflow
from palermo.nrm.models import Case
from palermo.nrm.schemas import DecisionIn, PersonIn, ReferralIn, ReviewIn, WithdrawIn

DEMO_PASSWORD = "palermo-demo-2026"
# One published authenticator secret for every demo user whose role needs two-factor
# authentication (base32, 160 bits). `palermo demo code` prints its current code; both are
# refused with PALERMO_ENV=production, where a published secret would be no second factor.
DEMO_TOTP_SECRET = "PALERMODEMQ2FACTQRSECRETZZ234567"

ORGANISATIONS = [
    # code, name, kind, nation, designated first responder, source
    ("UKHTC", "UK Human Trafficking Centre", "competent_authority", "uk", False, "seed note §8; competent authority 2009-2019"),
    ("UKBA", "UK Border Agency", "competent_authority", "uk", True, "seed note §5.1, §7; competent authority 2009-2019"),
    ("SCA", "Single Competent Authority", "competent_authority", "uk", False, "Home Office, from 29 April 2019"),
    ("IECA", "Immigration Enforcement Competent Authority", "competent_authority", "uk", False, "Home Office, from 1 November 2021"),
    ("MET", "Metropolitan Police Service", "police_force", "england", True, "seed note §7 (Pentameter)"),
    ("GMP", "Greater Manchester Police", "police_force", "england", True, "seed note §7"),
    ("SWP", "South Wales Police", "police_force", "wales", True, "seed note §7"),
    ("PSCOT", "Police Scotland", "police_force", "scotland", True, "seed note §7"),
    ("PSNI", "Police Service of Northern Ireland", "police_force", "northern_ireland", True, "seed note §7"),
    ("BF", "Border Force", "border_agency", "uk", True, "seed note §7.1 (Reflex)"),
    ("SALVARMY", "The Salvation Army", "support_provider", "uk", True, "seed note §5.2 (prime contractor from 2011)"),
    ("POPPY", "Poppy Project (Eaves Housing for Women)", "support_provider", "england", True, "seed note §5.2"),
    ("MIGHELP", "Migrant Helpline", "ngo", "uk", True, "seed note §5.3"),
    ("BARNARDOS", "Barnardo's", "ngo", "uk", True, "design.md (designated NGO)"),
    ("HILLINGDON", "London Borough of Hillingdon", "local_authority", "england", True, "seed note §6 (children missing from care)"),
    ("CARDIFF", "Cardiff Council", "local_authority", "wales", True, "seed note §5.2 (refuge places in Cardiff)"),
    ("GLASGOW", "Glasgow City Council", "local_authority", "scotland", True, "demo"),
    ("BELFASTHSCT", "Belfast Health and Social Care Trust", "local_authority", "northern_ireland", True, "demo"),
    ("STATS", "Palermo Statistics Unit", "statistics_unit", "uk", False, "seed note §5.1 (quarterly NRM statistics)"),
    ("RAPPORTEUR", "National Rapporteur (independent monitor)", "monitor", "uk", False, "seed note §8, §10"),
]

USERS = [
    # username, role, organisation code, full name (synthetic)
    ("responder", R.FIRST_RESPONDER, "MET", "Alex Responder"),
    ("responder.gmp", R.FIRST_RESPONDER, "GMP", "Sam Manchester"),
    ("responder.ngo", R.FIRST_RESPONDER, "SALVARMY", "Jo Outreach"),
    ("decider", R.DECISION_MAKER, "SCA", "Dana Decider"),
    ("decider2", R.DECISION_MAKER, "SCA", "Sasha Casework"),
    ("teamlead", R.TEAM_LEADER, "SCA", "Taylor Lead"),
    ("reviewer", R.REVIEWER, "SCA", "Robin Reviewer"),
    ("decider.ieca", R.DECISION_MAKER, "IECA", "Morgan Enforcement"),
    ("reviewer.ieca", R.REVIEWER, "IECA", "Casey Second"),
    ("decider.ukhtc", R.DECISION_MAKER, "UKHTC", "Lee Archive"),
    ("reviewer.ukhtc", R.REVIEWER, "UKHTC", "Kim Archive"),
    ("decider.ukba", R.DECISION_MAKER, "UKBA", "Pat Border"),
    ("reviewer.ukba", R.REVIEWER, "UKBA", "Chris Border"),
    ("support", R.SUPPORT_WORKER, "SALVARMY", "Ash Support"),
    ("support.poppy", R.SUPPORT_WORKER, "POPPY", "Rowan Refuge"),
    ("children", R.CHILDRENS_SERVICES, "HILLINGDON", "Nat Childcare"),
    ("children.lead", R.CHILDRENS_SERVICES, "HILLINGDON", "Jordan Keyworker"),
    ("children.cardiff", R.CHILDRENS_SERVICES, "CARDIFF", "Rhian Bay"),
    ("children.glasgow", R.CHILDRENS_SERVICES, "GLASGOW", "Morven Clyde"),
    ("intel", R.INTELLIGENCE_OFFICER, "UKHTC", "Ray Intelligence"),
    ("intel.met", R.INTELLIGENCE_OFFICER, "MET", "Sol Informant"),
    ("analyst", R.ANALYST, "STATS", "Val Analyst"),
    ("monitor", R.MONITOR, "RAPPORTEUR", "Drew Monitor"),
    ("admin", R.ADMINISTRATOR, "STATS", "Admin Person"),
]

GIVEN = {
    "VNM": ["Anh", "Minh", "Linh", "Tuan", "Hoa", "Thanh", "Duc", "Mai"],
    "CHN": ["Wei", "Li", "Fang", "Jun", "Xiu", "Ming", "Lei", "Yan"],
    "ALB": ["Arben", "Elira", "Besnik", "Drita", "Ilir", "Mirela"],
    "ROU": ["Andrei", "Ioana", "Mihai", "Elena", "Vasile", "Alina"],
    "NGA": ["Chinedu", "Ngozi", "Emeka", "Aisha", "Tunde", "Blessing"],
    "GBR": ["Jamie", "Kyle", "Chloe", "Connor", "Jade", "Liam"],
    "ERI": ["Yonas", "Senait", "Dawit", "Helen", "Tesfay", "Ruth"],
    "POL": ["Piotr", "Anna", "Tomasz", "Kasia", "Marek", "Ewa"],
}
FAMILY = {
    "VNM": ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu"],
    "CHN": ["Wang", "Zhang", "Chen", "Liu", "Yang", "Huang"],
    "ALB": ["Hoxha", "Shehu", "Dervishi", "Krasniqi", "Gashi"],
    "ROU": ["Popescu", "Ionescu", "Dumitru", "Stan", "Radu"],
    "NGA": ["Okafor", "Adeyemi", "Eze", "Bello", "Okonkwo"],
    "GBR": ["Smith", "Jones", "Taylor", "Brown", "Walker"],
    "ERI": ["Tesfaye", "Berhane", "Ghebre", "Haile", "Kidane"],
    "POL": ["Nowak", "Kowalski", "Wisniewski", "Wojcik", "Kaminski"],
}
FORCE_FOR_NATION = {"england": ["metropolitan", "greater_manchester", "west_midlands", "kent"],
                    "wales": ["south_wales", "gwent"], "scotland": ["police_scotland"],
                    "northern_ireland": ["psni"]}
LA_FOR_NATION = {"england": "HILLINGDON", "wales": "CARDIFF", "scotland": "GLASGOW", "northern_ireland": "BELFASTHSCT"}
RESPONDERS = ["responder", "responder.gmp", "responder.ngo"]
TARGETS = [  # (status to reach, weight)
    (workflow.REFERRED, 18), (workflow.RG_REVIEW, 5), (workflow.RG_NEGATIVE, 7), (workflow.RECOVERY_PERIOD, 25),
    (workflow.CG_REVIEW, 5), (workflow.IDENTIFIED, 25), (workflow.NOT_IDENTIFIED, 8), (workflow.WITHDRAWN, 7),
]


def organisations_load() -> dict[str, Organisation]:
    out = {}
    for code, name, kind, nation, designated, source in ORGANISATIONS:
        org, _ = Organisation.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "nation": nation,
                                 "is_designated_first_responder": designated, "source": source},
        )
        out[code] = org
    return out


def users_load(orgs: dict[str, Organisation]) -> dict[str, User]:
    out = {}
    for username, role, org_code, full_name in USERS:
        first, last = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": first, "last_name": last})
        if created:
            user.set_password(DEMO_PASSWORD)
        if role == R.ADMINISTRATOR:
            user.is_staff = user.is_superuser = True
        user.save()
        Membership.objects.get_or_create(user=user, organisation=orgs[org_code], role=role)
        if role in R.TWO_FACTOR_ROLES:
            demo_enrol(user=user, secret=DEMO_TOTP_SECRET)
        out[username] = user
    return out


def demo_two_factor_usernames() -> list[str]:
    return [username for username, role, *_ in USERS if role in R.TWO_FACTOR_ROLES]


def demo_code(username: str | None = None) -> tuple[str, int]:
    """The code a demo user's authenticator app would show now, and the seconds it has left.
    Refused in production, and for anyone who is not a demo user with the demo secret."""
    from django.conf import settings

    from palermo.accounts.models import TotpDevice

    if settings.PRODUCTION:
        raise PalermoError("Demo codes are never given with PALERMO_ENV=production.")
    if username is not None:
        device = TotpDevice.objects.filter(user__username=username, confirmed=True).first()
        if username not in demo_two_factor_usernames() or device is None or device.key != DEMO_TOTP_SECRET:
            raise PalermoError(f"{username!r} is not a demo user with the demo authenticator secret.")
    device = TotpDevice(key=DEMO_TOTP_SECRET)
    totp = device.totp()
    return f"{totp.token():06d}", device.STEP - int(totp.time) % device.STEP


def _deciders_for(case: Case, users) -> tuple[User, User]:
    code = case.competent_authority.code
    suffix = {"SCA": "", "IECA": ".ieca", "UKHTC": ".ukhtc", "UKBA": ".ukba"}[code]
    return users[f"decider{suffix}"], users[f"reviewer{suffix}"]


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _synthetic_referral(rng: random.Random, received: dt.date) -> ReferralIn:
    nat = rng.choice(list(GIVEN))
    nation = rng.choices(["england", "wales", "scotland", "northern_ireland"], [80, 6, 9, 5])[0]
    child = rng.random() < 0.3
    age = rng.randint(12, 17) if child else rng.randint(18, 55)
    dob = _years_before(received, age) - dt.timedelta(days=rng.randint(1, 300)) if rng.random() < 0.8 else None
    types = rng.sample(["sexual", "labour", "domestic_servitude", "criminal"], k=rng.choice([1, 1, 1, 2]))
    overseas = rng.random() < 0.3
    return ReferralIn(
        received_on=received, nation=nation, police_force_area=rng.choice(FORCE_FOR_NATION[nation]),
        exploitation_location="both" if overseas else "uk", exploitation_country=nat if overseas else "",
        exploitation_types=types, indicators=rng.sample(["deception", "debt_bondage", "threats_to_family",
                                                          "documents_withheld", "restricted_movement", "wages_withheld"], k=3),
        flags=["county_lines"] if "criminal" in types and nat == "GBR" else [],
        narrative="Synthetic demo narrative: the person described being moved between addresses and made to work to repay a debt.",
        age_at_exploitation="child" if child else "adult", under_18="yes" if child else "no",
        local_authority=LA_FOR_NATION[nation] if child else "", consent="not_required" if child else "given",
        immigration_enforcement=nat not in {"GBR"} and rng.random() < 0.1,
        person=PersonIn(given_name=rng.choice(GIVEN[nat]), family_name=rng.choice(FAMILY[nat]), date_of_birth=dob,
                        dob_precision="exact" if dob else "unknown", claimed_age=None if dob else age,
                        gender=rng.choice(["female", "male"]), nationalities=[nat],
                        languages=[{"VNM": "vie", "CHN": "zho", "ALB": "sqi", "ROU": "ron", "NGA": "eng", "GBR": "eng",
                                    "ERI": "tir", "POL": "pol"}[nat]],
                        interpreter_needed=nat not in {"GBR", "NGA"}),
    )


def _walk(case: Case, target: str, users, rng: random.Random, today: dt.date) -> None:
    """Take a case through real service calls until it reaches ``target`` (or cannot)."""
    decider, reviewer = _deciders_for(case, users)
    received = case.referral.received_on
    rg_day = min(today, received + dt.timedelta(days=rng.randint(1, 9)))
    if target == workflow.REFERRED:
        return
    if target == workflow.WITHDRAWN:
        services.case_withdraw(actor=decider, case=case, data=WithdrawIn(
            reason_code=rng.choice(["person_withdrew", "missing", "left_uk"]), withdrawn_on=rg_day))
        return
    if target in {workflow.RG_REVIEW, workflow.RG_NEGATIVE}:
        d = services.decision_record(actor=decider, case=case, data=DecisionIn(
            kind="reasonable_grounds", outcome="negative", decided_on=rg_day,
            reason_codes=[rng.choice(["no_means", "insufficient_information", "smuggling_not_trafficking"])]))
        if target == workflow.RG_NEGATIVE:
            services.decision_review(actor=reviewer, decision=d, data=ReviewIn(agree=True, reviewed_on=min(today, rg_day + dt.timedelta(days=2))))
        return
    services.decision_record(actor=decider, case=case, data=DecisionIn(
        kind="reasonable_grounds", outcome="positive", decided_on=rg_day, reason_codes=["indicators_present", "credible_account"]))
    if target == workflow.RECOVERY_PERIOD:
        return
    case.refresh_from_db()
    cg_day = case.cg_earliest + dt.timedelta(days=rng.randint(0, 60))
    if cg_day > today:
        return  # not yet possible: leave in the recovery period
    if target == workflow.IDENTIFIED:
        services.decision_record(actor=decider, case=case, data=DecisionIn(
            kind="conclusive_grounds", outcome="positive", decided_on=cg_day, reason_codes=["credible_account", "corroborated"]))
        return
    d = services.decision_record(actor=decider, case=case, data=DecisionIn(
        kind="conclusive_grounds", outcome="negative", decided_on=cg_day, reason_codes=["credibility"]))
    if target == workflow.NOT_IDENTIFIED:
        services.decision_review(actor=reviewer, decision=d, data=ReviewIn(agree=True, reviewed_on=min(today, cg_day + dt.timedelta(days=3))))


def cases_load(users, *, count: int, seed: int = 2012, today: dt.date | None = None) -> int:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    made = 0
    for i in range(count):
        # Most cases recent (SCA/IECA era); one in ten from the seed note's era (UKHTC/UKBA).
        if i % 10 == 0:
            received = dt.date(2010, 1, 4) + dt.timedelta(days=rng.randint(0, 700))
        else:
            received = today - dt.timedelta(days=rng.randint(0, 400))
        target = rng.choices([t for t, _ in TARGETS], [w for _, w in TARGETS])[0]
        with transaction.atomic():
            referral = services.referral_create(actor=users[rng.choice(RESPONDERS)], data=_synthetic_referral(rng, received))
            try:
                _walk(referral.case, target, users, rng, today)
            except PalermoError:
                pass  # e.g. a CG date not yet reached: the case stays where it got to
        made += 1
    # A few Duty to Notify reports (adults who did not consent), some anonymous.
    for j in range(max(3, count // 40)):
        anonymous = j % 2 == 0
        base = _synthetic_referral(rng, today - dt.timedelta(days=rng.randint(0, 200)))
        while base.under_18 != "no":  # a Duty to Notify report is for an adult who did not consent
            base = _synthetic_referral(rng, today - dt.timedelta(days=rng.randint(0, 200)))
        data = base.model_copy(
            update={"under_18": "no", "age_at_exploitation": "adult", "consent": "refused", "anonymous": anonymous,
                    "local_authority": ""})
        if anonymous:
            data = data.model_copy(update={"person": None})
        services.referral_create(actor=users[rng.choice(RESPONDERS)], data=data)
    return made


def _variant(name: str, rng: random.Random) -> str:
    """A plausible re-spelling: a dropped or doubled letter, as a second agency might write it."""
    if len(name) < 4:
        return name
    i = rng.randint(1, len(name) - 2)
    return name[:i] + name[i + 1 :] if rng.random() < 0.5 else name[:i] + name[i] + name[i:]


def repeat_referrals_load(users, *, count: int, seed: int, today: dt.date | None = None) -> int:
    """Re-refer a few people already known, spelt differently and with day and month of birth
    swapped, by another first responder, and score each against everyone known: the demo then
    shows possible matches (issue 5: a person may have been trafficked again)."""
    from palermo.linkage.services import link_candidates_score_for_person

    rng = random.Random(seed + 1)
    today = today or timezone.localdate()
    known = list(Case.objects.filter(referral__person__date_of_birth__isnull=False, status__in=[workflow.IDENTIFIED])
                 .select_related("referral__person").order_by("id")[: count * 3])
    made = 0
    for case in rng.sample(known, k=min(count, len(known))):
        p = case.referral.person
        dob = p.date_of_birth
        swapped = dob.replace(month=dob.day, day=dob.month) if dob.day <= 12 else dob
        received = today - dt.timedelta(days=rng.randint(0, 20))
        age = received.year - swapped.year - ((received.month, received.day) < (swapped.month, swapped.day))
        if p.age_on(received) < 18 or age < 18:
            continue  # keep the demo's repeat referrals to adults (a child needs a local authority)
        data = _synthetic_referral(rng, received).model_copy(update={
            "received_on": received,
            "under_18": "no", "age_at_exploitation": "adult", "consent": "given", "local_authority": "",
            "person": PersonIn(given_name=p.given_name, family_name=_variant(p.family_name, rng), date_of_birth=swapped,
                               dob_precision="estimated", gender=p.gender, nationalities=p.nationalities,
                               languages=p.languages, interpreter_needed=p.interpreter_needed),
        })
        referral = services.referral_create(actor=users["responder.ngo"], data=data)
        link_candidates_score_for_person(person=referral.person)
        made += 1
    return made


DEMO_RELEASES = [  # (years before this year, grouping, epsilon): a few private releases, some budget left
    (1, "exploitation_type", "0.5"), (1, "nationality_group", "0.5"), (0, "age_group", "0.25"),
]


def private_releases_load(users) -> int:
    """Record the demo's differentially private releases once (the analyst spends part of two
    years' budgets), so the private releases page shows releases and the budget left."""
    from palermo.releases.models import PrivateRelease
    from palermo.releases.services import private_release_create

    if PrivateRelease.objects.exists():
        return 0
    year = timezone.localdate().year
    for years_before, dimension, epsilon in DEMO_RELEASES:
        private_release_create(actor=users["analyst"], year=year - years_before, dimension=dimension, epsilon=epsilon)
    return len(DEMO_RELEASES)
def _permit_grounds(rng: random.Random, on: dt.date) -> list[str]:
    from palermo.law.permits import permit_rules_at

    grounds = list(permit_rules_at(on).grounds)
    return rng.sample(grounds, k=rng.choice([1, 1, 2]))


GRANT_REASON = {"cooperation_with_investigation": "cooperating_with_investigation",
                "personal_circumstances": "personal_circumstances", "recovery_from_harm": "recovery_needs",
                "seeking_compensation": "compensation_claim"}


def permits_load(users, *, seed: int = 2012, today: dt.date | None = None) -> int:
    """Residence permits for identified victims (issue 9): some applications awaiting a decision,
    some refused, some granted and in force, some due for renewal now (the "Permits expiring"
    list), some renewed. Through the real services; only when there are no permit records yet."""
    from palermo.permits import services as permits
    from palermo.permits.models import PermitApplication
    from palermo.permits.schemas import PermitApplicationIn, PermitDecisionIn

    if PermitApplication.objects.exists():
        return 0
    rng = random.Random(seed + 9)
    today = today or timezone.localdate()
    cases = list(Case.objects.filter(status=workflow.IDENTIFIED, cg_decided_on__isnull=False)
                 .select_related("referral", "competent_authority").order_by("cg_decided_on", "id"))
    # Cases identified 306 to 700 days ago can be granted so that their permit is due for
    # renewal today: the first few are, so the list and the dashboard always have some.
    expiring = [c.pk for c in cases if 306 <= (today - c.cg_decided_on).days <= 700][:6]
    # Cases identified more than 400 days ago: most granted then renewed (alternately granted
    # again and awaiting a decision), the rest left without an application.
    plans = ["none", "open", "refused", "granted", "renewed"]
    made, renewals = 0, 0
    for i, case in enumerate(cases):
        if case.pk in expiring:
            plan = "expiring"
        elif (today - case.cg_decided_on).days > 400:
            plan = "renewed" if i % 3 else "none"
        else:
            plan = plans[i % len(plans)]
        if plan == "none":
            continue
        decider, _ = _deciders_for(case, users)
        applied = min(today, case.cg_decided_on + dt.timedelta(days=rng.randint(0, 5)))
        grounds = _permit_grounds(rng, applied)
        try:
            with transaction.atomic():
                permits.permit_application_create(actor=decider, case=case, data=PermitApplicationIn(
                    grounds=grounds, applied_on=applied, investigation_reference=(
                        f"{rng.choice(['MET', 'GMP', 'WMP', 'PSNI'])}/{applied.year}/{rng.randint(1000, 99999)}"
                        if "cooperation_with_investigation" in grounds else "")))
                made += 1
                if plan == "open":
                    continue
                if plan == "refused":
                    permits.permit_decide(actor=decider, case=case, data=PermitDecisionIn(
                        outcome="refused", decided_on=min(today, applied + dt.timedelta(days=rng.randint(3, 20))),
                        reason_codes=[rng.choice(["needs_met_elsewhere", "insufficient_evidence", "other_permission"])]))
                    continue
                decided = min(today, applied + dt.timedelta(days=rng.randint(3, 20)))
                if plan == "expiring":
                    decided = max(applied, today - dt.timedelta(days=rng.randint(306, 330)))
                reasons = sorted({GRANT_REASON[g] for g in grounds})
                permit = permits.permit_decide(actor=decider, case=case, data=PermitDecisionIn(
                    outcome="granted", decided_on=decided, reason_codes=reasons)).permit
                if plan != "renewed" or permit.reminder_on > today:
                    continue
                renew_on = min(today, permit.reminder_on + dt.timedelta(days=rng.randint(0, 30)), permit.expires_on)
                case.refresh_from_db()
                permits.permit_application_create(actor=decider, case=case, data=PermitApplicationIn(
                    grounds=_permit_grounds(rng, renew_on), applied_on=renew_on, renewal=True))
                made += 1
                renewals += 1
                if renewals % 2 and renew_on < today:
                    permits.permit_decide(actor=decider, case=case, data=PermitDecisionIn(
                        outcome="granted", decided_on=min(today, renew_on + dt.timedelta(days=rng.randint(1, 20))),
                        reason_codes=["cooperating_with_investigation"]))
        except PalermoError:
            pass  # a combination the rules refuse: the case keeps what it has
    return made


def jobs_load(users) -> int:
    """The administrator's background jobs, so "Your jobs" has something to show: a linkage run
    that finished and one that failed (which the administrator can retry). Made once."""
    from palermo.jobs.models import FAILED, SUCCEEDED, Job

    made = _import_jobs_load(users)
    admin = users["admin"]
    if Job.objects.filter(started_by=admin).exists():
        return made
    now = timezone.now()
    done = Job.objects.create(kind="link_run", started_by=admin, status=SUCCEEDED, stage="written", done=3, total=3,
                       attempts=1, started_at=now - dt.timedelta(days=1, minutes=3), finished_at=now - dt.timedelta(days=1),
                       outcome={"people": Case.objects.count(), "pairs_scored": 41, "pairs_at_review_threshold": 9,
                                "candidates_created": 9, "candidates_rescored": 0, "candidates_reinstated": 0,
                                "already_decided": 0, "stale_rescored": 0, "model_version": "demo"})
    failed = Job.objects.create(kind="link_run", started_by=admin, status=FAILED, stage="linking", done=1, total=3, attempts=1,
                       started_at=now - dt.timedelta(hours=2, minutes=1), finished_at=now - dt.timedelta(hours=2),
                       error="The job stopped with an error (OperationalError).")
    for job in (done, failed):  # started when they started, not when the demo was loaded
        Job.objects.filter(pk=job.pk).update(created_at=job.started_at)
    return made + 2


def _import_jobs_load(users) -> int:
    """The first responder's upload that the import refused (problems by row and column, no
    value quoted), so the import page's job has something to show. Made once."""
    from palermo.jobs.models import FAILED, Job

    responder = users.get("responder")
    if responder is None or Job.objects.filter(started_by=responder, kind="referral_upload").exists():
        return 0
    at = timezone.now() - dt.timedelta(hours=3)
    job = Job.objects.create(
        kind="referral_upload", started_by=responder, status=FAILED, stage="checking", done=2_048, total=2_048,
        attempts=1, started_at=at, finished_at=at + dt.timedelta(seconds=2), params={"upload": "0" * 32, "bytes": 2_048},
        error="The job stopped with an error (ImportRefused).",
        problems={"total": 2, "reason": "invalid_rows", "items": [
            {"row": 3, "column": "nation", "message": "Enter the nation as one of the codes the import takes, not the value"},
            {"row": 5, "column": "date_of_birth",
             "message": "Enter the date as YYYY-MM-DD and make sure it is a real date, for example 2024-03-27"}]})
    Job.objects.filter(pk=job.pk).update(created_at=at)
    return 1


def demo_load(*, cases: int = 300, seed: int = 2012) -> dict:
    orgs = organisations_load()
    users = users_load(orgs)
    existing = Case.objects.count()
    made = cases_load(users, count=cases, seed=seed) if existing == 0 else 0
    repeats = repeat_referrals_load(users, count=max(1, cases // 60), seed=seed) if existing == 0 and made else 0
    from palermo.children.demo import children_demo_load
    from palermo.support.demo import support_demo_load

    children = children_demo_load(users, seed=seed)
    permit_applications = permits_load(users, seed=seed)
    support = support_demo_load(users, seed=seed)
    releases = private_releases_load(users)
    from palermo.casework.demo import casework_demo_load
    from palermo.letters.demo import letters_demo_load

    allocations = casework_demo_load(users, seed=seed)
    letters = letters_demo_load(users)
    from palermo.intelligence.demo import intelligence_demo_load

    intelligence = intelligence_demo_load(users, seed=seed)
    from palermo.justice.demo import justice_demo_load

    prosecutions = justice_demo_load(users, seed=seed)
    from palermo.operations.demo import operations_demo_load

    operations = operations_demo_load(users, seed=seed)
    jobs = jobs_load(users)
    from palermo.drafts.demo import drafts_demo_load

    drafts = drafts_demo_load(users)
    return {"jobs": jobs, "referral_drafts": drafts, "intelligence_reports": intelligence, "prosecutions": prosecutions, "operations": operations, "organisations": len(orgs), "users": [u for u, *_ in USERS], "cases_created": made + repeats,
            "cases_existing": existing, "repeat_referrals": repeats, "children": children,
            "permit_applications": permit_applications, "support": support, "private_releases": releases,
            "allocations": allocations, "letters": letters}
