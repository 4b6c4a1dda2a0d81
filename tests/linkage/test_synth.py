"""The synthetic people generator is seeded, labelled and contains the errors linkage must handle."""

from collections import Counter

from palermo.synth.people import INPUT_COLUMNS, TRUTH_COLUMN, generate_people


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
    from palermo.linkage.cleaning import fold

    narrow = generate_people(n_records=20000, seed=3)
    wide = generate_people(n_records=20000, seed=3, wide_names=True)

    def shared(records):
        first = {}
        for r in records:
            first.setdefault(r[TRUTH_COLUMN], fold(f"{r['given_name']} {r['family_name']}"))
        names = Counter(first.values())
        return sum(names[n] > 1 for n in first.values()) / len(first)

    assert shared(wide) < shared(narrow) / 2
    # same error model: the share of records without a full date of birth is about the same
    def undated(records):
        return sum(r["date_of_birth"] == "" or r["date_of_birth"].endswith("-01-01") for r in records) / len(records)

    assert abs(undated(wide) - undated(narrow)) < 0.02
