"""Cleaning of person records before they are compared.

The same person reaches the NRM through several agencies, each writing the name, date of
birth and nationality its own way. Comparison only works on values that were made comparable
first, so this module turns one raw record into the columns the linkage model compares:

* names: Unicode NFKC, diacritics folded (``Nguyễn`` → ``nguyen``, ``Đặng`` → ``dang``),
  punctuation dropped, lower case, then known transliteration variants mapped to one
  canonical spelling (``chang`` → ``zhang``, ``mohamed`` → ``muhammad``) token by token;
* a phonetic key per name (Soundex of each token), so ``Ngyuen`` and ``Nguyen`` block together;
* ``name_key``: the sorted name tokens, identical whatever order given and family name were
  written in (Chinese and Vietnamese names are often recorded family name first);
* date of birth: ``YYYY-MM-DD`` only; 1 January is treated as a *placeholder* (the year
  is all that is known: age-assessed people are often recorded as born on 1 January), so it
  is kept as a year and never counted as an exact date match;
* nationality: a country name, demonym, ISO alpha-2 or alpha-3 code, mapped to ISO 3166-1
  alpha-3 with ``pycountry``;
* gender: ``M``, ``F`` or ``X``; anything else is missing.

Every function here is pure and cached on the raw string, since names and nationalities repeat
a great deal: a million records have a few thousand distinct names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import jellyfish
import pycountry
from unidecode import unidecode

#: Spelling variants mapped to one canonical spelling, per token. Chinese Wade-Giles and
#: Cantonese romanisations to pinyin, Arabic and Tigrinya names to one common form. This list
#: is deliberately short and explainable; anything it misses is left to the fuzzy comparisons.
TRANSLITERATION_VARIANTS: dict[str, str] = {
    # Chinese (Wade-Giles, Cantonese, older romanisations) → pinyin
    "chang": "zhang",
    "cheung": "zhang",
    "hsu": "xu",
    "hsui": "xu",
    "chou": "zhou",
    "chow": "zhou",
    "chao": "zhao",
    "chiu": "zhao",
    "chan": "chen",
    "chin": "chen",
    "wong": "wang",
    "lee": "li",
    "lei": "li",
    "lau": "liu",
    "hwang": "huang",
    "yeung": "yang",
    "ng": "wu",
    "woo": "wu",
    "ho": "he",
    "chiang": "jiang",
    "tsai": "cai",
    "choi": "cai",
    "kuo": "guo",
    "kwok": "guo",
    "lam": "lin",
    "tsang": "zeng",
    "tseng": "zeng",
    "hsieh": "xie",
    "tse": "xie",
    "sung": "song",
    "suen": "sun",
    "tang": "tang",
    "teng": "deng",
    "jen": "ren",
    "yam": "ren",
    "hsiao": "xiao",
    "siu": "xiao",
    "feng": "feng",
    "fung": "feng",
    "kao": "gao",
    "ko": "gao",
    "tsui": "cui",
    "yip": "ye",
    "yeh": "ye",
    "chung": "zhong",
    "chu": "zhu",
    "lo": "luo",
    "law": "luo",
    "wei": "wei",
    "ming": "ming",
    "hsin": "xin",
    "chun": "jun",
    "chien": "jian",
    "kang": "kang",
    "chiao": "qiao",
    "chi": "qi",
    # Vietnamese spellings seen in UK records besides the diacritic-free form
    "nguyn": "nguyen",
    "nguen": "nguyen",
    "huynh": "huynh",
    "hoang": "hoang",
    "phung": "phung",
    # Arabic names (Sudanese, Eritrean, Egyptian, Iraqi referrals)
    "mohammed": "muhammad",
    "mohamed": "muhammad",
    "mohammad": "muhammad",
    "mohamad": "muhammad",
    "muhammed": "muhammad",
    "mohamud": "muhammad",
    "mahamed": "muhammad",
    "ahmed": "ahmad",
    "ahmet": "ahmad",
    "hussein": "husayn",
    "hussain": "husayn",
    "husain": "husayn",
    "hassan": "hasan",
    "hasan": "hasan",
    "osman": "uthman",
    "othman": "uthman",
    "usman": "uthman",
    "omar": "umar",
    "omer": "umar",
    "yousef": "yusuf",
    "youssef": "yusuf",
    "yusef": "yusuf",
    "yousif": "yusuf",
    "ibrahim": "ibrahim",
    "ebrahim": "ibrahim",
    "abdel": "abdul",
    "abdal": "abdul",
    "abdalla": "abdullah",
    "abdallah": "abdullah",
    "abdulla": "abdullah",
    "suleiman": "sulayman",
    "sulaiman": "sulayman",
    "soliman": "sulayman",
    "khaled": "khalid",
    "fatima": "fatimah",
    "fatma": "fatimah",
    "aisha": "aishah",
    "aysha": "aishah",
    "ayesha": "aishah",
    "mariam": "maryam",
    "miriam": "maryam",
    "adam": "adam",
    "adem": "adam",
    # Tigrinya / Amharic (Eritrean, Ethiopian)
    "yohannes": "yohanes",
    "johannes": "yohanes",
    "yohanis": "yohanes",
    "tesfay": "tesfaye",
    "tesfai": "tesfaye",
    "ghebre": "gebre",
    "gebrai": "gebre",
    "gebremariam": "gebremaryam",
    "ghebremariam": "gebremaryam",
    "tekle": "tekle",
    "tecle": "tekle",
    "berhane": "berhane",
    "birhane": "berhane",
    "brhane": "berhane",
    "haile": "haile",
    "hailay": "haile",
    "mehari": "mehari",
    "mihari": "mehari",
    "tsegay": "tsegaye",
    "tsegai": "tsegaye",
    "kidane": "kidane",
    "kidan": "kidane",
    "habte": "habte",
    "habtom": "habtom",
    "semere": "semere",
    "semre": "semere",
    "kibrom": "kibrom",
    "kbrom": "kibrom",
    "helen": "helen",
    "hellen": "helen",
    "selam": "selam",
    "salam": "selam",
    # Albanian / Slavic / Romanian spellings
    "gjergji": "gjergj",
    "xhon": "gjon",
    "ioan": "ion",
    "mihail": "mihai",
    "mikhail": "mihai",
    "aleksander": "aleksandr",
    "alexandru": "aleksandr",
    "alexander": "aleksandr",
    "aleksandar": "aleksandr",
    "piotr": "piotr",
    "peter": "piotr",
    "katarzyna": "katarzyna",
    "catherine": "katarzyna",
}

_NON_LETTERS = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Return ``text`` NFKC-normalised, diacritics folded to ASCII, lower case, letters only.

    Hyphens and apostrophes become spaces (``Abdel-Rahman`` → ``abdel rahman``) so that the
    parts compare as tokens. Folding is idempotent: ``fold(fold(x)) == fold(x)``.
    """
    text = unicodedata.normalize("NFKC", text or "")
    # unidecode transliterates every script (Vietnamese diacritics, Cyrillic, Arabic, Ge'ez)
    text = unidecode(text).lower().replace("-", " ").replace("'", "")
    text = _NON_LETTERS.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=200_000)
def canonical_name(text: str) -> str:
    """Return the folded name with each token mapped to its canonical transliteration.

    ``canonical_name("Chang") == canonical_name("Zhang") == "zhang"``. Idempotent, since every
    canonical spelling maps to itself.
    """
    return " ".join(TRANSLITERATION_VARIANTS.get(tok, tok) for tok in fold(text).split())


@lru_cache(maxsize=200_000)
def phonetic_key(text: str) -> str:
    """Return the Soundex code of each token of a canonical name, space separated.

    Soundex keeps the first letter and the consonant classes, so one-letter typos and vowel
    changes (``Ngyuen``, ``Nguyan``) usually keep the key; it is used for blocking and as a
    comparison level, never as the only evidence.
    """
    return " ".join(jellyfish.soundex(tok) for tok in text.split())


def name_key(*, given: str, family: str) -> str:
    """Return the sorted canonical name tokens: the same key whichever order the parts came in."""
    return " ".join(sorted((canonical_name(given) + " " + canonical_name(family)).split()))


@dataclass(frozen=True)
class ParsedDate:
    """A date of birth as the model sees it.

    ``placeholder`` is true for 1 January, which records an age estimate rather than a
    birthday; then only ``year`` is evidence, and ``iso`` is kept for display.
    """

    iso: str
    year: int
    month: int
    day: int
    placeholder: bool


class BadDate(ValueError):
    """A date of birth that is not ``YYYY-MM-DD`` or not a real calendar date."""


def parse_dob(text: str | None) -> ParsedDate | None:
    """Parse a ``YYYY-MM-DD`` date of birth; empty means unknown (``None``).

    Raises :class:`BadDate` for any other format or an impossible date (``2001-02-30``),
    because silently dropping a date would hide a data-entry problem from the caseworker.
    """
    text = (text or "").strip()
    if not text:
        return None
    match = _DATE.match(text)
    if not match:
        raise BadDate(f"{text!r} is not a date in the form YYYY-MM-DD")
    year, month, day = (int(g) for g in match.groups())
    try:
        date(year, month, day)
    except ValueError as exc:
        raise BadDate(f"{text!r} is not a real date ({exc})") from None
    return ParsedDate(iso=text, year=year, month=month, day=day, placeholder=(month, day) == (1, 1))


#: Demonyms and common informal names that pycountry does not know, upper-cased.
_NATIONALITY_ALIASES: dict[str, str] = {
    "UK": "GBR",
    "BRITISH": "GBR",
    "BRITAIN": "GBR",
    "GREAT BRITAIN": "GBR",
    "ENGLAND": "GBR",
    "ENGLISH": "GBR",
    "SCOTLAND": "GBR",
    "SCOTTISH": "GBR",
    "WALES": "GBR",
    "WELSH": "GBR",
    "NORTHERN IRELAND": "GBR",
    "VIETNAMESE": "VNM",
    "CHINESE": "CHN",
    "ALBANIAN": "ALB",
    "ROMANIAN": "ROU",
    "NIGERIAN": "NGA",
    "ERITREAN": "ERI",
    "SUDANESE": "SDN",
    "POLISH": "POL",
    "INDIAN": "IND",
    "PAKISTANI": "PAK",
    "AFGHAN": "AFG",
    "IRANIAN": "IRN",
    "IRAQI": "IRQ",
    "EGYPTIAN": "EGY",
    "ETHIOPIAN": "ETH",
    "SOMALI": "SOM",
    "SYRIAN": "SYR",
    "KURDISH": "IRQ",
    "LITHUANIAN": "LTU",
    "SLOVAK": "SVK",
    "CZECH": "CZE",
    "BULGARIAN": "BGR",
    "HUNGARIAN": "HUN",
    "UKRAINIAN": "UKR",
    "BANGLADESHI": "BGD",
    "FILIPINO": "PHL",
    "THAI": "THA",
    "GHANAIAN": "GHA",
    "KOSOVAN": "XKX",
    "KOSOVO": "XKX",
    "TURKEY": "TUR",
    "TURKISH": "TUR",
    "RUSSIA": "RUS",
    "RUSSIAN": "RUS",
    "IRAN": "IRN",
    "SYRIA": "SYR",
    "VIETNAM": "VNM",
    "CHINA": "CHN",
}


@lru_cache(maxsize=10_000)
def nationality_iso3(text: str | None) -> str | None:
    """Return the ISO 3166-1 alpha-3 code for a nationality given as a name, demonym or code.

    ``"Viet Nam"``, ``"Vietnamese"``, ``"VN"`` and ``"vnm"`` all give ``"VNM"``. Unknown or
    empty values give ``None`` (treated as missing, not as a mismatch). Kosovo, which has no
    ISO code, uses the widely used user-assigned ``XKX``.
    """
    raw = unidecode(unicodedata.normalize("NFKC", text or "")).strip().upper()
    raw = _SPACES.sub(" ", raw.replace(".", ""))
    if not raw:
        return None
    if raw in _NATIONALITY_ALIASES:
        return _NATIONALITY_ALIASES[raw]
    try:
        return pycountry.countries.lookup(raw).alpha_3
    except LookupError:
        return None


_GENDERS = {
    "M": "M",
    "MALE": "M",
    "MAN": "M",
    "BOY": "M",
    "F": "F",
    "FEMALE": "F",
    "WOMAN": "F",
    "GIRL": "F",
    "X": "X",
    "NON-BINARY": "X",
    "NONBINARY": "X",
    "OTHER": "X",
}


def normalise_gender(text: str | None) -> str | None:
    """Return ``M``, ``F`` or ``X``; unknown, empty or unrecognised values give ``None``."""
    return _GENDERS.get((text or "").strip().upper())


#: The columns a cleaned record has, in the order they are loaded into the database.
CLEAN_COLUMNS = (
    "unique_id",
    "given",
    "family",
    "given_ph",
    "family_ph",
    "name_key",
    "dob",
    "dob_year",
    "dob_month",
    "dob_day",
    "dob_placeholder",
    "gender",
    "nationality",
)


def clean_record(
    *,
    record_id: str,
    given_name: str | None,
    family_name: str | None,
    date_of_birth: str | None,
    gender: str | None,
    nationality: str | None,
) -> dict:
    """Return the comparable columns of one record (see :data:`CLEAN_COLUMNS`).

    Raises :class:`BadDate` for a malformed date of birth. Empty names become ``None``.
    """
    given = canonical_name(given_name or "") or None
    family = canonical_name(family_name or "") or None
    dob = parse_dob(date_of_birth)
    return {
        "unique_id": record_id,
        "given": given,
        "family": family,
        "given_ph": phonetic_key(given) if given else None,
        "family_ph": phonetic_key(family) if family else None,
        "name_key": name_key(given=given or "", family=family or "") or None,
        "dob": dob.iso if dob else None,
        "dob_year": dob.year if dob else None,
        "dob_month": dob.month if dob else None,
        "dob_day": dob.day if dob else None,
        "dob_placeholder": dob.placeholder if dob else None,
        "gender": normalise_gender(gender),
        "nationality": nationality_iso3(nationality),
    }
