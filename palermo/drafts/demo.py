"""Demo referral drafts: the demo first responder (``responder``) has two referrals saved part-way,
so "Your saved referrals" on their dashboard and the draft pages show something. Idempotent:
nothing is added while they have a draft. Synthetic answers only."""

from __future__ import annotations

from palermo.drafts.models import ReferralDraft
from palermo.drafts.services import referral_draft_save

FIRST_SECTION = {"where": {"nation": "england"}, "under-18": {"under_18": "no"},
                 "age-at-exploitation": {"age_at_exploitation": "adult"}}
UP_TO_CONSENT = {**FIRST_SECTION,
                 "what-happened": {"narrative": "Synthetic: met at a car wash, paid nothing, sleeping on site."},
                 "where-exploited": {"exploitation_location": "uk"}, "uk-area": {"police_force_area": "metropolitan"},
                 "exploitation-types": {"exploitation_types": ["labour"]},
                 "indicators": {"indicators": ["wages_withheld", "poor_living_conditions"]}, "concerns": {"flags": []}}


def drafts_demo_load(users: dict) -> int:
    responder = users["responder"]
    if ReferralDraft.objects.filter(owner=responder).exists():
        return 0
    referral_draft_save(actor=responder, draft_id=None, answers=FIRST_SECTION, step="what-happened", section=2)
    referral_draft_save(actor=responder, draft_id=None, answers=UP_TO_CONSENT, step="consent", section=3)
    return 2
