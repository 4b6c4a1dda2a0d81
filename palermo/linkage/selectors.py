"""Every read of possible matches and person clusters.

A **cluster** is a connected component of confirmed links (union-find); a person with no
confirmed link is a cluster of one. Nothing is merged in the database, so a wrong link is
undone by unlinking it and the clusters follow.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from palermo.core.audit import audit_record
from palermo.core.exceptions import NotAllowed, NotFound
from palermo.linkage.clustering import odds_shares
from palermo.linkage.models import CONFIRMED, PENDING, LinkCandidate
from palermo.linkage.rules import may_see_identity_of


class UnionFind:
    def __init__(self):
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            if ry < rx:
                rx, ry = ry, rx
            self.parent[ry] = rx  # the smallest id is the root

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for x in list(self.parent):
            out[self.find(x)].append(x)
        return sorted((sorted(g) for g in out.values()), key=lambda g: g[0])


def components(edges: Iterable[tuple[int, int]], nodes: Iterable[int] = ()) -> list[list[int]]:
    """Connected components of ``edges`` (plus ``nodes`` alone), each sorted, smallest first."""
    uf = UnionFind()
    for n in nodes:
        uf.find(n)
    for a, b in edges:
        uf.union(a, b)
    return uf.groups()


def _pk(person) -> int:
    return person if isinstance(person, int) else person.pk


def person_cluster(*, person) -> list[int]:
    """Ids of the people linked to ``person`` by confirmed links (itself included), sorted."""
    start = _pk(person)
    seen, frontier = {start}, [start]
    while frontier:
        links = LinkCandidate.objects.filter(
            Q(person_a_id__in=frontier) | Q(person_b_id__in=frontier), status=CONFIRMED
        ).values_list("person_a_id", "person_b_id")
        frontier = []
        for a, b in links:
            for x in (a, b):
                if x not in seen:
                    seen.add(x)
                    frontier.append(x)
    return sorted(seen)


def clusters_all(*, include_single: bool = False) -> list[list[int]]:
    """Every cluster of confirmed links (only those of two or more people unless asked)."""
    edges = LinkCandidate.objects.filter(status=CONFIRMED).values_list("person_a_id", "person_b_id")
    if include_single:
        from palermo.linkage.incremental import known_people_queryset

        return components(edges, known_people_queryset().values_list("pk", flat=True))
    return components(edges)


def cluster_of_map() -> dict[int, int]:
    """{person id: cluster id (smallest id of the cluster)} for people with a confirmed link."""
    return {pk: group[0] for group in clusters_all() for pk in group}


def link_candidate_get_for_user(*, user, candidate_id: int, purpose: str = "decide") -> LinkCandidate:
    """One candidate, or NotFound / NotAllowed (the refusal is audited)."""
    cand = LinkCandidate.objects.select_related("person_a", "person_b").filter(pk=candidate_id).first()
    if cand is None:
        raise NotFound(f"There is no possible match {candidate_id}")
    perm = "linkage.view_candidate" if purpose == "view" else "linkage.decide_candidate"
    if not user.has_perm(perm, cand):
        audit_record(actor=user, action="link.view_refused", obj=cand)
        raise NotAllowed("You can see a possible match only if you can see the identity on a case of both people")
    return cand


def link_candidates_for_case(*, user, case, statuses: Iterable[str] | None = None) -> list[LinkCandidate]:
    """The possible matches of the case's person that ``user`` may see (identity access to a case
    of both people), highest probability first. Reading them is audited."""
    person_id = case.referral.person_id
    if person_id is None:
        return []
    if not user.has_perm("people.view_identity", case):
        audit_record(actor=user, action="link.view_refused", obj=case)
        raise NotAllowed("You can see possible matches only on a case where you can see the person's identity")
    qs = LinkCandidate.objects.filter(Q(person_a_id=person_id) | Q(person_b_id=person_id)).select_related(
        "person_a", "person_b", "decided_by"
    )
    if statuses is not None:
        qs = qs.filter(status__in=list(statuses))
    allowed: dict[int, bool] = {person_id: True}
    out = []
    for cand in qs.order_by("-match_probability", "id"):
        other = cand.other(person_id)
        if other not in allowed:
            allowed[other] = may_see_identity_of(user, other)
        if allowed[other]:
            out.append(cand)
    audit_record(
        actor=user, action="link.candidates_view", obj=case,
        detail={"person": person_id, "candidates": [c.pk for c in out], "people_shown": sorted({c.other(person_id) for c in out})},
    )  # fmt: skip
    return out


def pending_count_for_case(*, user, case, status: str = PENDING) -> int:
    """How many possible matches in ``status`` the user could see on this case (no identities
    read, so not audited)."""
    person_id = case.referral.person_id
    if person_id is None or not user.has_perm("people.view_identity", case):
        return 0
    others = [
        c.other(person_id)
        for c in LinkCandidate.objects.filter(Q(person_a_id=person_id) | Q(person_b_id=person_id), status=status)
    ]
    return sum(1 for o in others if may_see_identity_of(user, o))


def cluster_for_user(*, user, person) -> list[dict]:
    """The members of ``person``'s cluster that ``user`` may see a case of: pseudonym and case
    references only. NotAllowed when the user may see no case of ``person`` itself (the refusal
    is audited as ``link.view_refused``)."""
    from palermo.nrm.models import Case

    def visible_cases(pk: int) -> list[Case]:
        return [c for c in Case.objects.filter(referral__person_id=pk).select_related("referral")
                if user.has_perm("nrm.view_case", c)]

    if not visible_cases(_pk(person)):
        audit_record(actor=user, action="link.view_refused", object_type="people.person", object_id=_pk(person),
                     detail={"purpose": "cluster"})
        raise NotAllowed("This person is outside your scope")
    from palermo.people.models import Person

    members = []
    pseudonyms = dict(Person.objects.filter(pk__in=person_cluster(person=person)).values_list("pk", "pseudonym"))
    for pk in sorted(pseudonyms):
        cases = visible_cases(pk)
        if cases:
            members.append({"pseudonym": pseudonyms[pk],
                            "cases": [{"case_id": c.pk, "reference": c.referral.reference,
                                       "received_on": c.referral.received_on} for c in cases]})
    audit_record(actor=user, action="link.cluster_view", object_type="people.person", object_id=_pk(person),
                 detail={"members_shown": len(members)})
    return members


def cluster_page_for_user(*, user, pseudonym: str) -> dict:
    """What the person-cluster page shows: the members of the cluster of the person ``pseudonym``
    that ``user`` may see a case of, and the confirmed links between them.

    Visibility and the ``link.cluster_view`` audit event are :func:`cluster_for_user`'s (the
    API's), so page and API leave the same trail. The hidden members are not shown or counted,
    and neither is a link with one of them at either end (two shown members may be joined only
    through a hidden one). A member's name and date of birth are read only where the user has
    ``people.view_identity`` on one of their cases, through ``identity_for_user`` (audited as
    ``person.view``, as on the case page). Of each link: who confirmed it, when and the reason
    code, never the free-text reason. NotFound for an unknown pseudonym, NotAllowed as
    :func:`cluster_for_user`.
    """
    from django.utils import timezone

    from palermo.nrm.models import Case
    from palermo.nrm.selectors import identity_for_user
    from palermo.people.models import Person

    person = Person.objects.filter(pseudonym=pseudonym).first()
    if person is None:
        raise NotFound(f"There is no person {pseudonym}")
    members = cluster_for_user(user=user, person=person)
    ids = dict(Person.objects.filter(pseudonym__in=[m["pseudonym"] for m in members]).values_list("pseudonym", "pk"))
    cases = Case.objects.select_related("referral", "referral__person").in_bulk(
        [c["case_id"] for m in members for c in m["cases"]])
    out = []
    for m in members:
        member_cases = sorted((cases[c["case_id"]] for c in m["cases"]), key=lambda c: (c.referral.received_on, c.pk))
        shown = next((c for c in member_cases if user.has_perm("people.view_identity", c)), None)
        out.append({
            "pseudonym": m["pseudonym"],
            "is_start": m["pseudonym"] == person.pseudonym,
            "identity": identity_for_user(user=user, case=shown, purpose="cluster") if shown else None,
            "cases": [{"id": c.pk, "reference": c.referral.reference, "received_on": c.referral.received_on}
                      for c in member_cases],
        })  # fmt: skip
    pseudonym_of = {pk: p for p, pk in ids.items()}
    links = (LinkCandidate.objects.filter(status=CONFIRMED, person_a_id__in=list(pseudonym_of),
                                          person_b_id__in=list(pseudonym_of))
             .select_related("decided_by").order_by("decided_at", "pk"))  # fmt: skip
    return {
        "pseudonym": person.pseudonym,
        "members": out,
        "links": [{
            "id": cand.pk,
            "people": (pseudonym_of[cand.person_a_id], pseudonym_of[cand.person_b_id]),
            "decided_by": (cand.decided_by.get_full_name() or cand.decided_by.username) if cand.decided_by_id else "",
            "decided_on": timezone.localdate(cand.decided_at) if cand.decided_at else None,
            "reason": cand.get_reason_code_display() if cand.reason_code else "",
        } for cand in links],
    }  # fmt: skip


# --- repeat referrals ----------------------------------------------------------------------

DAY_BUCKETS = ((0, 30), (31, 90), (91, 180), (181, 365), (366, 730), (731, None))


def _bucket(days: int) -> str:
    for lo, hi in DAY_BUCKETS:
        if hi is None and days >= lo:
            return f"{lo}+"
        if hi is not None and lo <= days <= hi:
            return f"{lo}-{hi}"
    return "negative"


def repeat_referral_stats() -> dict:
    """Aggregates only (no ids, no names): people referred more than once, days between
    consecutive referrals, and how often an earlier case had a positive reasonable or conclusive
    grounds decision (in effect) before the later referral — a re-trafficking indicator.

    A "person" is a cluster of confirmed links: the same Person row with several NRM referrals,
    or several Person rows linked by confirmed links.
    """
    from palermo.nrm.models import Case, Decision

    cases = list(
        Case.objects.filter(referral__person__isnull=False)
        .values_list("pk", "referral__person_id", "referral__received_on")
        .order_by("referral__received_on", "pk")
    )
    cluster_of = cluster_of_map()
    by_group: dict[int, list[tuple]] = defaultdict(list)
    for case_id, person_id, received in cases:
        by_group[cluster_of.get(person_id, person_id)].append((case_id, person_id, received))
    positives: dict[int, list] = defaultdict(list)
    for case_id, decided_on in Decision.objects.filter(
        outcome="positive", state="effective", kind__in=["reasonable_grounds", "conclusive_grounds"]
    ).values_list("case_id", "decided_on"):
        positives[case_id].append(decided_on)

    repeat_groups = [g for g in by_group.values() if len(g) > 1]
    same_record = sum(1 for g in repeat_groups if len({p for _, p, _ in g}) == 1)
    gaps: list[int] = []
    later_after_positive = 0
    people_after_positive = 0
    for group in repeat_groups:
        flagged = False
        for i in range(1, len(group)):
            gaps.append((group[i][2] - group[i - 1][2]).days)
            received = group[i][2]
            if any(d < received for case_id, _, _ in group[:i] for d in positives.get(case_id, [])):
                later_after_positive += 1
                flagged = True
        people_after_positive += flagged
    dist = {_bucket(lo): 0 for lo, _ in DAY_BUCKETS}
    for g in gaps:
        dist[_bucket(g)] = dist.get(_bucket(g), 0) + 1
    return {
        "people": len(by_group),
        "referrals": len(cases),
        "people_referred_more_than_once": len(repeat_groups),
        "of_which_same_person_record": same_record,
        "of_which_by_confirmed_link": len(repeat_groups) - same_record,
        "repeat_referrals": sum(len(g) - 1 for g in repeat_groups),
        "days_between_referrals": {
            "count": len(gaps),
            "median": statistics.median(gaps) if gaps else None,
            "min": min(gaps) if gaps else None,
            "max": max(gaps) if gaps else None,
            "distribution": dist,
        },
        "later_referrals_after_positive_decision": later_after_positive,
        "people_referred_again_after_positive_decision": people_after_positive,
    }


def pending_match_shares(candidates: Iterable[LinkCandidate]) -> dict[int, float]:
    """For the pending matches of one person (those the user may see), how likely each is
    among them rather than another of them or someone seen nowhere else
    (:func:`palermo.linkage.clustering.odds_shares`). A share under 0.5 means another match is
    about as likely: the page warns, the API returns it as ``likelihood_among_pending``."""
    return odds_shares({c.pk: c.match_probability for c in candidates if c.status == PENDING})


def others_as_likely(shares: dict[int, float]) -> dict[int, int]:
    """For each pending match (by id) whose share is under 0.5, how many other pending matches
    there are: the number the page's warning gives. A single match is never flagged."""
    if len(shares) < 2:
        return {}
    return {pk: len(shares) - 1 for pk, share in shares.items() if share < 0.5}
