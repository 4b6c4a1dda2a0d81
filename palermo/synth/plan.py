"""The plan of a synthetic caseload: every case's facts as NumPy columns, drawn at once.

``plan_make(profile, n, seed)`` decides, for ``n`` cases, the date received, nation, gender,
age group, nationality, exploitation type, immigration enforcement, the status the case has
reached on the profile's ``as_of`` day and the dates of each step, the true person behind each
record (a share of referrals are of someone referred before) and the random draws that decide
each record's recording errors. It writes nothing; ``palermo.synth.bulk`` writes it in batches.

* Marginals are allocated exactly (largest remainder on the profile's counts scaled to ``n``),
  then shuffled, so a share is always within one case of the profile's.
* Deadlines and routing come from the services' own functions (``nrm.deadlines``,
  ``nrm.routing``), called once per distinct input (a few thousand dates, not a million cases).
* Decision delays are working days of the referral's nation (``core.calendar``'s holidays, as
  NumPy business-day calendars); a step that must have happened by ``as_of`` is moved earlier
  into the time left, and a conclusive grounds decision is never before the earliest date the
  recovery period allows.
* Everything comes from ``seed``: the same ``(profile, n, seed)`` gives the same plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from palermo.law.parameters import parameter_at
from palermo.nrm import deadlines, routing
from palermo.synth.namepools import OTHER, pool
from palermo.synth.profile import AGE_GROUPS, GENDERS, NATIONS, OUTCOME_PATHS, Profile

OUTCOMES = tuple(OUTCOME_PATHS)
EXPLOITATION = ("sexual", "labour", "domestic_servitude", "criminal", "organ_harvesting", "unknown")
ERROR_COLUMNS = 10  # uniform draws per record that decide its recording errors
DAY = np.timedelta64(1, "D")


def quota(counts: dict[str, float], n: int, rng: np.random.Generator, labels: tuple[str, ...]) -> np.ndarray:
    """``n`` labels (as indices into ``labels``) in exactly the proportions of ``counts``
    (largest remainder: each within one of its share of ``n``), in random order."""
    total = float(sum(counts.values()))
    keys = [k for k in counts if counts[k] > 0]
    exact = np.array([counts[k] / total * n for k in keys])
    whole = np.floor(exact).astype(np.int64)
    short = n - int(whole.sum())
    if short:
        order = np.argsort(-(exact - whole), kind="stable")
        whole[order[:short]] += 1
    out = np.repeat(np.array([labels.index(k) for k in keys], dtype=np.int16), whole)
    rng.shuffle(out)
    return out


@dataclass
class Plan:
    profile: Profile
    n: int
    seed: int
    received: np.ndarray
    nation: np.ndarray
    gender: np.ndarray
    age_group: np.ndarray
    nationality: np.ndarray  # indices into ``nationalities``
    nationalities: tuple[str, ...]
    exploitation: np.ndarray
    immigration_enforcement: np.ndarray
    outcome: np.ndarray
    true_person: np.ndarray
    sex: np.ndarray  # 0 female, 1 male: which given-name list
    given_idx: np.ndarray
    family_idx: np.ndarray
    dob: np.ndarray
    rg_on: np.ndarray
    rg_review_on: np.ndarray
    cg_on: np.ndarray
    cg_review_on: np.ndarray
    withdrawn_on: np.ndarray
    errors_u: np.ndarray
    pick_u: np.ndarray
    memo: dict = field(default_factory=dict)


def _lognormal_days(rng, size, spec) -> np.ndarray:
    return np.maximum(0, np.rint(spec["median"] * np.exp(spec["sigma"] * rng.standard_normal(size)))).astype(np.int64)


def _busdaycal(nation: str, years: range) -> np.busdaycalendar:
    import holidays

    from palermo.core.calendar import NATIONS as SUBDIVS

    days = sorted(holidays.UK(subdiv=SUBDIVS[nation], years=years))
    return np.busdaycalendar(weekmask="1111100", holidays=np.array(days, dtype="datetime64[D]"))


def _working_day_offset(start: np.ndarray, wd: np.ndarray, nation: np.ndarray, years: range) -> np.ndarray:
    out = np.empty_like(start)
    for k, name in enumerate(NATIONS):
        sel = nation == k
        if sel.any():
            out[sel] = np.busday_offset(start[sel], wd[sel], roll="forward", busdaycal=_busdaycal(name, years))
    return out


def _fit(date: np.ndarray, lo: np.ndarray, hi: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``date``, or where it falls after ``hi`` a uniform day in ``[lo, hi]``."""
    with np.errstate(invalid="ignore"):  # NaT rows (steps a case never reached) stay NaT
        span = (hi - lo) // DAY
    late = date > hi
    return np.where(late, lo + np.floor(u * (span + 1)).astype(np.int64) * DAY, date)


def plan_make(profile: Profile, n: int, seed: int) -> Plan:
    ss = np.random.SeedSequence([seed, n])
    rng_q, rng_d, rng_p, rng_e = (np.random.default_rng(s) for s in ss.spawn(4))
    start, end = profile.period
    as_of = np.datetime64(profile.as_of, "D")
    days = (np.datetime64(end, "D") - np.datetime64(start, "D")) // DAY + 1
    received = np.sort(np.datetime64(start, "D") + rng_d.integers(0, days, n) * DAY)

    nation = quota(profile.marginal("nation") or {"england": 1}, n, rng_q, NATIONS)
    gender = quota(profile.marginal("gender") or {"female": 1, "male": 1}, n, rng_q, GENDERS)
    age_group = quota(profile.marginal("age_group") or {"adult": 1}, n, rng_q, AGE_GROUPS)
    nat_counts = profile.marginal("nationality")
    listed = tuple(k for k in nat_counts if k != "other")
    nationalities = listed + tuple(k for k in OTHER if k not in listed)
    nationality = quota({k: v for k, v in nat_counts.items() if k != "other"} | {"__other": nat_counts.get("other", 0)},
                        n, rng_q, (*listed, "__other"))
    is_other = nationality == len(listed)
    nationality[is_other] = len(listed) + rng_q.integers(0, len(nationalities) - len(listed), int(is_other.sum()))
    exploitation = quota(profile.marginal("exploitation_type") or {"unknown": 1}, n, rng_q, EXPLOITATION)

    # Immigration enforcement: exactly the IECA count, among adults who are not British and were
    # referred while the IECA existed (the routing rule then sends them there).
    ie = np.zeros(n, dtype=bool)
    ieca = profile.marginal("competent_authority").get("IECA", 0)
    if ieca:
        k = int(round(ieca / profile.total * n))
        gbr = nationalities.index("GBR") if "GBR" in nationalities else -1
        eligible = np.flatnonzero((age_group == AGE_GROUPS.index("adult")) & (nationality != gbr)
                                  & (received >= np.datetime64("2021-11-01")))
        if len(eligible) < k:
            raise ValueError("too few adults who are not British for the profile's IECA count")
        ie[rng_q.choice(eligible, k, replace=False)] = True

    # Outcome on as_of, by age group; paths with a conclusive grounds decision go to cases
    # received early enough for the recovery period to have ended by as_of.
    cg_min = int(parameter_at("nrm.cg_earliest_days_after_rg", profile.as_of).value)
    early = received <= as_of - (cg_min + 1) * DAY
    outcome = np.zeros(n, dtype=np.int16)
    needs_cg = {OUTCOMES.index(o) for o in ("identified", "not_identified", "cg_review")}
    for g, name in enumerate(AGE_GROUPS):
        members = np.flatnonzero(age_group == g)
        if not len(members):
            continue
        labels = quota(profile.outcomes(name), len(members), rng_q, OUTCOMES)
        cg_labels = labels[np.isin(labels, list(needs_cg))]
        other_labels = labels[~np.isin(labels, list(needs_cg))]
        pool_early = members[early[members]]
        if len(pool_early) < len(cg_labels):
            raise ValueError("the profile's period ends too close to as_of for its conclusive grounds decisions")
        chosen = rng_q.choice(pool_early, len(cg_labels), replace=False)
        outcome[chosen] = cg_labels
        rest = np.setdiff1d(members, chosen)
        outcome[rest] = rng_q.permutation(other_labels)

    # Repeat referrals: a share of cases are a person referred before, in the same nationality,
    # gender and age group (so the marginals stay exact).
    key = nationality.astype(np.int64) * 100 + gender * 10 + age_group
    order = np.lexsort((np.arange(n), key))
    sk = key[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sk)) + 1]
    rank = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    candidates = order[rank > 0]
    n_rep = min(len(candidates), int(round(float(profile.data.get("repeat_referral_rate", 0)) * n)))
    true_person = np.arange(n)
    if n_rep:
        rep_pos = rng_p.choice(np.flatnonzero(rank > 0), n_rep, replace=False)
        group_start = np.repeat(starts, np.diff(np.r_[starts, n]))[rep_pos]
        donor_pos = group_start + np.floor(rng_p.random(n_rep) * rank[rep_pos]).astype(np.int64)
        true_person[order[rep_pos]] = order[donor_pos]
        for _ in range(64):  # follow chains of repeats back to the first referral
            nxt = true_person[true_person]
            if np.array_equal(nxt, true_person):
                break
            true_person = nxt
    del candidates

    # The true person: sex for names, names, date of birth (drawn for first referrals, copied).
    sex = np.where(gender == GENDERS.index("female"), 0,
                   np.where(gender == GENDERS.index("male"), 1, rng_p.integers(0, 2, n))).astype(np.int8)
    given_idx = np.zeros(n, dtype=np.int32)
    family_idx = np.zeros(n, dtype=np.int32)
    for k, iso3 in enumerate(nationalities):
        sel = np.flatnonzero(nationality == k)
        if not len(sel):
            continue
        p = pool(iso3)
        fem, mal = sel[sex[sel] == 0], sel[sex[sel] == 1]
        given_idx[fem] = rng_p.choice(len(p.female), len(fem), p=p.female_p)
        given_idx[mal] = rng_p.choice(len(p.male), len(mal), p=p.male_p)
        family_idx[sel] = rng_p.choice(len(p.family), len(sel), p=p.family_p)
    child = age_group == AGE_GROUPS.index("child")
    child_years = rng_p.choice([9, 11, 12, 13, 14, 15, 16, 17], n, p=[0.02, 0.02, 0.02, 0.04, 0.04, 0.25, 0.30, 0.31])
    adult_years = np.clip(np.rint(18 + rng_p.gamma(2.0, 6.0, n)), 18, 70).astype(np.int64)
    years = np.where(child, child_years, adult_years)
    dob = received - (years * 365 + np.floor(years / 4).astype(np.int64) + rng_p.integers(1, 365, n)) * DAY
    for arr in (sex, given_idx, family_idx, dob):
        arr[:] = arr[true_person]

    # Dates of each step.
    delays = profile.data["delays"]
    yrs = range(start.year, profile.as_of.year + 3)
    steps = [OUTCOME_PATHS[o] for o in OUTCOMES]
    has = lambda action: np.isin(outcome, [i for i, s in enumerate(steps) if action in s])  # noqa: E731
    with_rg = has("rg_positive") | has("rg_negative")
    with_cg = has("cg_positive") | has("cg_negative")
    u = rng_d.random((n, 6))
    rg = _working_day_offset(received, _lognormal_days(rng_d, n, delays["rg_working_days"]), nation, yrs)
    rg_hi = np.where(with_cg, as_of - cg_min * DAY, as_of)
    rg = _fit(rg, received, rg_hi, u[:, 0])
    nat_day = np.datetime64("NaT", "D")
    rg_on = np.where(with_rg, rg, nat_day)
    memo: dict = {}

    def cg_earliest(day: np.datetime64) -> np.datetime64:
        key = ("cg", day)
        if key not in memo:
            memo[key] = np.datetime64(deadlines.cg_earliest(rg_decided_on=day.astype(dt.date)).due, "D")
        return memo[key]

    earliest = np.full(n, nat_day)
    if with_cg.any():
        days_, inverse = np.unique(rg_on[with_cg], return_inverse=True)
        earliest[with_cg] = np.array([cg_earliest(d) for d in days_], dtype="datetime64[D]")[inverse]
    cg = earliest + _lognormal_days(rng_d, n, delays["cg_days_after_earliest"]) * DAY
    cg_on = np.where(with_cg, _fit(cg, earliest, np.full(n, as_of), u[:, 1]), nat_day)
    if (cg_on[with_cg] > as_of).any() or (cg_on[with_cg] < earliest[with_cg]).any():
        raise ValueError("a conclusive grounds decision fell outside the recovery period or after as_of")
    review_wd = _lognormal_days(rng_d, n, delays["review_working_days"])
    rg_reviewed = np.isin(outcome, [OUTCOMES.index("rg_negative")])
    cg_reviewed = np.isin(outcome, [OUTCOMES.index("not_identified")])
    r1 = _fit(_working_day_offset(np.where(rg_reviewed, rg_on, received), review_wd, nation, yrs),
              np.where(rg_reviewed, rg_on, received), np.full(n, as_of), u[:, 2])
    r2 = _fit(_working_day_offset(np.where(cg_reviewed, cg_on, received), review_wd, nation, yrs),
              np.where(cg_reviewed, cg_on, received), np.full(n, as_of), u[:, 3])
    rg_review_on = np.where(rg_reviewed, r1, nat_day)
    cg_review_on = np.where(cg_reviewed, r2, nat_day)
    withdrawn = has("withdraw")
    last = np.where(with_rg, rg_on, received)
    w = last + np.floor(u[:, 4] * (((as_of - last) // DAY) + 1)).astype(np.int64) * DAY
    withdrawn_on = np.where(withdrawn, w, nat_day)

    return Plan(
        profile=profile, n=n, seed=seed, received=received, nation=nation, gender=gender, age_group=age_group,
        nationality=nationality, nationalities=nationalities, exploitation=exploitation,
        immigration_enforcement=ie, outcome=outcome, true_person=true_person, sex=sex, given_idx=given_idx,
        family_idx=family_idx, dob=dob, rg_on=rg_on, rg_review_on=rg_review_on, cg_on=cg_on,
        cg_review_on=cg_review_on, withdrawn_on=withdrawn_on,
        errors_u=rng_e.random((n, ERROR_COLUMNS), dtype=np.float32), pick_u=u[:, 5], memo=memo,
    )


def rg_due_for(plan: Plan, day: str, nation: str) -> deadlines.Deadline:
    key = ("rg_due", day, nation)
    if key not in plan.memo:
        plan.memo[key] = deadlines.rg_due(received_on=dt.date.fromisoformat(day), nation=nation)
    return plan.memo[key]


def route_for(plan: Plan, day: str, nationality: str, ie: bool, child: bool) -> routing.Route:
    """``routing.route`` for this referral. Its answer changes only when the routing rule or
    the list of EEA states does, so it is asked once per (versions in force, nationality,
    immigration enforcement, child) and the versions once per day."""
    epoch = plan.memo.get(("epoch", day))
    if epoch is None:
        on = dt.date.fromisoformat(day)
        epoch = plan.memo[("epoch", day)] = (parameter_at("nrm.routing", on).version,
                                             parameter_at("reference.eea_states", on).version)
    key = ("route", epoch, nationality, ie, child)
    if key not in plan.memo:
        plan.memo[key] = routing.route(on=dt.date.fromisoformat(day), nationalities=[nationality],
                                       immigration_enforcement=ie, child=child)
    return plan.memo[key]


def deadline_for(plan: Plan, fn, day: str) -> deadlines.Deadline:
    key = (fn.__name__, day)
    if key not in plan.memo:
        arg = {"recovery_period_min_end": "rg_decided_on", "cg_earliest": "rg_decided_on",
               "reconsideration_deadline": "effective_on"}[fn.__name__]
        plan.memo[key] = fn(**{arg: dt.date.fromisoformat(day)})
    return plan.memo[key]
