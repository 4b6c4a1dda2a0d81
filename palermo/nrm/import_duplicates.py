"""Duplicates within one referrals file, found with a few bytes of memory a row.

Two kinds of duplicate are refused (with ``--skip-invalid``, the first is written and the
later ones rejected):

* **the same row**: every value the same once surrounding spaces are trimmed — a row pasted
  twice, or two exports joined with an overlap;
* **the same referral**: the same referring organisation, the same date received, and the same
  person — the same name (in any order, case or accents: "Ilsabet Marrowgate" and
  "MARROWGATE Ilsabet" are one name, as the blind index sees them) *and* the same date of
  birth. A row without a date of birth or a name is not compared: a name alone is not enough
  to say two people are one (two people of the same common name can be found on the same day
  at the same place). The same person referred on *different* dates is not a duplicate:
  people are referred again, and the repeat-referral statistics count it;
* **the same earlier-system reference**: two rows from the same referring organisation with the
  same ``external_reference`` (compared without regard to case), which must be unique for it.

Each row contributes a keyed 64-bit digest per kind (the key is random per import and never
stored, so digests say nothing about the content) and its row number: 12 bytes a row, in 256
buckets. After the last row each bucket in turn is checked with a small dictionary. A digest
collision between two different rows is possible in principle (about 1 in 10^12 for a
million-row file) and would show as a duplicate the person can see is not one.
"""

from __future__ import annotations

import hashlib
import heapq
import os
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from palermo.core.crypto import normalise_for_index
from palermo.nrm.schemas import ReferralIn

SAME_ROW, SAME_REFERRAL, SAME_EXTERNAL_REFERENCE = 0, 1, 2
_BUCKETS = 256


@dataclass(frozen=True)
class Duplicate:
    row: int
    first: int  # the earlier row it repeats
    kind: int

    @property
    def message(self) -> str:
        if self.kind == SAME_ROW:
            return f"This row is the same as row {self.first}: remove one of them"
        if self.kind == SAME_EXTERNAL_REFERENCE:
            return (f"This row has the same earlier system's reference as row {self.first}, from the same organisation: "
                    "each reference can be used once. Correct one of them")
        return (f"This row refers the same person as row {self.first} (same name and date of birth), from the same "
                "organisation on the same date: remove one of them, or correct the name, date of birth or date received")


class DuplicateFinder:
    """Collect rows with :meth:`add`, then :meth:`duplicates` in row order."""

    def __init__(self):
        self._key = os.urandom(32)
        self._digests = [array("Q") for _ in range(_BUCKETS)]
        self._rows = [array("L") for _ in range(_BUCKETS)]
        self._found: list[tuple[array, array, array]] | None = None

    def _add(self, row: int, kind: int, text: str) -> None:
        d = int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), key=self._key, digest_size=8).digest())
        d = (d & ~3) | kind  # the lowest two bits say which kind, so two kinds never meet
        b = (d >> 2) % _BUCKETS
        self._digests[b].append(d)
        self._rows[b].append(row)

    def add_values(self, row: int, values: list[str]) -> None:
        """A row of any file, for the same-row check only."""
        self._add(row, SAME_ROW, "\x1f".join(v.strip() for v in values))

    def add(self, row: int, values: list[str], data: ReferralIn, *, org: str) -> None:
        """A valid row: its values, and the referral they make (for the same-referral key)."""
        self.add_values(row, values)
        if data.external_reference:
            self._add(row, SAME_EXTERNAL_REFERENCE,
                      "\x1f".join([org or data.first_responder_org, data.external_reference.upper()]))
        p = data.person
        if p is not None and p.date_of_birth and (p.given_name.strip() or p.family_name.strip()):
            name = " ".join(sorted(normalise_for_index(f"{p.given_name} {p.family_name}").split()))
            self._add(row, SAME_REFERRAL, "\x1f".join(
                [org or data.first_responder_org, data.received_on.isoformat(), name, p.date_of_birth.isoformat()]))

    def _find(self) -> list[tuple[array, array, array]]:
        if self._found is None:
            self._found = []
            for b in range(_BUCKETS):
                rows, firsts, kinds = array("L"), array("L"), array("B")
                seen: dict[int, int] = {}
                for d, r in zip(self._digests[b], self._rows[b], strict=True):
                    first = seen.setdefault(d, r)
                    if first != r:
                        rows.append(r)
                        firsts.append(first)
                        kinds.append(d & 3)
                self._digests[b], self._rows[b] = array("Q"), array("L")  # done with: let them go
                self._found.append((rows, firsts, kinds))
        return self._found

    def duplicates(self) -> Iterator[Duplicate]:
        """Every duplicate row once, in row order (a row that is both kinds is reported as the
        same row). Call after the last :meth:`add`; may be called again."""
        streams = [zip(rows, kinds, firsts, strict=True) for rows, firsts, kinds in self._find()]
        last = None
        for row, kind, first in heapq.merge(*streams):
            if row != last:
                last = row
                yield Duplicate(row=row, first=first, kind=kind)
