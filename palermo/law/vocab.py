"""The closed vocabularies the offence engine speaks: nations, conduct, exploitation, rules.

Each code has a plain-English label so that answers read well and unknown values can be refused
with the list of what is allowed. The codes are part of the public contract (the facts JSON, the
offence files and prosecutions' charges use them): add codes, never rename or remove one.
"""

from __future__ import annotations

from typing import Literal, get_args

Nation = Literal["england_wales", "scotland", "northern_ireland"]
Jurisdiction = Literal["england_wales", "scotland", "northern_ireland", "outside_uk"]

# The original conduct codes (issue 4), then those the 2015 Acts need (recruit, transport...).
Conduct = Literal[
    "arrange_arrival",
    "arrange_travel_within",
    "arrange_departure",
    "hold_in_servitude",
    "require_forced_labour",
    "pay_for_sex",
    "recruit",
    "transport_or_transfer",
    "harbour_or_receive",
    "exchange_or_transfer_control",
    "commit_offence_intending_trafficking",
]
Exploitation = Literal["sexual", "labour", "organ_removal", "benefit_fraud", "servitude", "none"]
Nationality = Literal["british", "foreign"]
CountryOfMovement = Literal["uk", "other"]

TerritorialRule = Literal[
    "done_in_nation",
    "british_national_abroad",
    "uk_company_abroad",
    "arrival_from_anywhere",
    "anyone_anywhere_uk_movement",
    "uk_national_any_country",
    "habitual_resident_any_country",
    "part_in_nation_any_country",
    "uk_movement_from_anywhere",
]
ConditionId = Literal["victim_previously_trafficked_into_uk", "third_party_exploitative_conduct_for_gain"]

NATIONS: tuple[str, ...] = get_args(Nation)
JURISDICTIONS: tuple[str, ...] = get_args(Jurisdiction)
CONDUCTS: tuple[str, ...] = get_args(Conduct)
EXPLOITATIONS: tuple[str, ...] = get_args(Exploitation)
TERRITORIAL_RULES: tuple[str, ...] = get_args(TerritorialRule)
CONDITIONS: tuple[str, ...] = get_args(ConditionId)

# Conduct that moves a person: the "country of arrival, entry, travel or departure" matters.
MOVEMENT_CONDUCT = frozenset(
    {
        "arrange_arrival",
        "arrange_travel_within",
        "arrange_departure",
        "recruit",
        "transport_or_transfer",
        "harbour_or_receive",
        "exchange_or_transfer_control",
    }
)

NATION_LABELS = {
    "england_wales": "England and Wales",
    "scotland": "Scotland",
    "northern_ireland": "Northern Ireland",
    "outside_uk": "outside the UK",
}
CONDUCT_LABELS = {
    "arrange_arrival": "arranging or facilitating arrival in (or entry into) the country",
    "arrange_travel_within": "arranging or facilitating travel within the country",
    "arrange_departure": "arranging or facilitating departure from the country",
    "hold_in_servitude": "holding a person in slavery or servitude",
    "require_forced_labour": "requiring a person to perform forced or compulsory labour",
    "pay_for_sex": "paying or promising payment for sexual services",
    "recruit": "recruiting a person",
    "transport_or_transfer": "transporting or transferring a person",
    "harbour_or_receive": "harbouring or receiving a person",
    "exchange_or_transfer_control": "exchanging or transferring control over a person",
    "commit_offence_intending_trafficking": "committing an offence intending to commit a human trafficking offence",
}
EXPLOITATION_LABELS = {
    "sexual": "sexual exploitation (including prostitution)",
    "labour": "forced labour or other labour exploitation",
    "organ_removal": "removal of organs",
    "benefit_fraud": "securing services or benefits by force, threats or deception",
    "servitude": "slavery or servitude",
    "none": "no exploitation",
}
RULE_LABELS = {
    "done_in_nation": "anything done in the nation, by anyone, about movement to, within or from the UK",
    "british_national_abroad": "anything done outside the UK by a British national",
    "uk_company_abroad": "anything done outside the UK by a body incorporated in the UK",
    "arrival_from_anywhere": "facilitating arrival in or entry into the UK, from anywhere and by anyone",
    "anyone_anywhere_uk_movement": "anything done in or outside the UK, by anyone, about movement to, within or from the UK",
    "uk_national_any_country": "a UK national or UK company, wherever they act and whichever country the movement concerns",
    "habitual_resident_any_country": "a person habitually resident in the nation, wherever they act and whichever country",
    "part_in_nation_any_country": "anyone, where any part of the conduct takes place in the nation, whichever country",
    "uk_movement_from_anywhere": "anyone, anywhere, where the UK is the country of arrival, entry, travel or departure",
}
CONDITION_LABELS = {
    "victim_previously_trafficked_into_uk": "the person moved within the UK had previously been trafficked into the UK "
    "(the arranger believing an arrival offence may have been committed)",
    "third_party_exploitative_conduct_for_gain": "a third person used exploitative conduct likely to induce the sexual "
    "services, for gain for someone other than the payer or the person paid for",
}

# Grounds on which permission to stay may be given to a victim of trafficking
# (support.residence_permit_eligibility lists which grounds the rules of each date recognise).
PermitGround = Literal["cooperation_with_investigation", "personal_circumstances", "recovery_from_harm",
                       "seeking_compensation"]
PERMIT_GROUNDS: tuple[str, ...] = get_args(PermitGround)
PERMIT_GROUND_LABELS = {
    "cooperation_with_investigation": "cooperating with the authorities in a criminal investigation or proceedings",
    "personal_circumstances": "the person's own circumstances make their stay necessary",
    "recovery_from_harm": "recovering from physical or psychological harm caused by the exploitation",
    "seeking_compensation": "seeking compensation for the exploitation",
}
