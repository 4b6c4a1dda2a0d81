"""The synthetic people generator is seeded, labelled and contains the errors linkage must handle."""

from collections import Counter

from palermo.synth.people import INPUT_COLUMNS, TRUTH_COLUMN, generate_people
from tests.linkage.people_measures import share_sharing_a_name, share_undated


def test_same_seed_same_records():
    assert generate_people(n_records=300, seed=4) == generate_people(n_records=300, seed=4)
    assert generate_people(n_records=300, seed=4) != generate_people(n_records=300, seed=5)


def test_records_are_labelled_and_complete():
    records = generate_people(n_records=1000, seed=1)
    assert len(records) == 1000
    assert len({r["record_id"] for r in records}) == 1000
    assert all(set(INPUT_COLUMNS) | {TRUTH_COLUMN} == set(r) for r in records)
    sizes = Counter(r[TRUTH_COLUMN] for r in records)
    assert max(sizes.values()) > 1 and min(sizes.values()) == 1


def test_errors_are_present():
    """Placeholders, missing dates, non-ASCII names and several nationality spellings occur."""
    records = generate_people(n_records=3000, seed=2)
    dobs = [r["date_of_birth"] for r in records]
    assert sum(d.endswith("-01-01") for d in dobs) > 100
    assert sum(d == "" for d in dobs) > 50
    assert any(not r["family_name"].isascii() for r in records)
    assert {"VN", "Vietnamese"} & {r["nationality"] for r in records}
    nationalities = Counter(r["nationality"] for r in records)
    assert len(nationalities) > 30


def test_wide_names_share_fewer_full_names_with_the_same_errors():
    narrow = generate_people(n_records=20000, seed=3)
    wide = generate_people(n_records=20000, seed=3, wide_names=True)

    assert share_sharing_a_name(wide) < share_sharing_a_name(narrow) / 2
    # same error model: the share of records without a full date of birth is about the same
    assert abs(share_undated(wide) - share_undated(narrow)) < 0.02
