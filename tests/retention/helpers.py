"""Building closed cases in the past through the real services, for the retention tests.

Names are synthetic markers, unique enough to be found (decrypted) in any table.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from palermo.core import crypto
from palermo.nrm import services
from palermo.nrm.schemas import DecisionIn, ReviewIn, WithdrawIn

ADULT_YEARS = 6  # the shipped rule for adult cases (law/data/policy/retention/nrm_case_adult.yaml)


def marked_person(tag: str, dob: str = "1988-02-11", **extra) -> dict:
    return {"given_name": f"Given{tag}", "family_name": f"Family{tag}", "aliases": [f"Alias{tag}"],
            "date_of_birth": dob, "dob_precision": "exact", "gender": "female", "nationalities": ["ROU", "MDA"],
            "languages": ["ron"], "interpreter_needed": True, "contact_details": f"Contact{tag} Road",
            "claimed_age": 30, **extra}


def markers(tag: str) -> list[str]:
    """Every identifier and free text a case built with ``tag`` holds."""
    return [f"Given{tag}", f"Family{tag}", f"Alias{tag}", f"Contact{tag}", f"Narrative{tag}", f"Reason{tag}",
            f"Review{tag}", f"Withdraw{tag}", f"Link{tag}"]


def referral(world, tag: str, received_on: dt.date, **overrides):
    payload = {"received_on": received_on.isoformat(), "narrative": f"Narrative{tag}: held at a farm",
               "person": marked_person(tag)}
    payload.update(overrides)
    return world.refer(**payload)


def withdrawn_case(world, tag: str, withdrawn_on: dt.date, received_on: dt.date | None = None, **overrides):
    """An adult's case referred, refused at first (returned by the reviewer with a note) and
    withdrawn on ``withdrawn_on``: every free-text field holds a marker."""
    received_on = received_on or withdrawn_on - dt.timedelta(days=30)
    case = referral(world, tag, received_on, **overrides).case
    decision = services.decision_record(actor=world.decider, case=case, data=DecisionIn(
        kind="reasonable_grounds", outcome="negative", decided_on=received_on, reason_codes=["no_means"],
        reason_text=f"Reason{tag} given"))
    services.decision_review(actor=world.reviewer, decision=decision, data=ReviewIn(
        agree=False, reviewed_on=received_on, note=f"Review{tag} note"))
    case.refresh_from_db()
    services.case_withdraw(actor=world.responder, case=case, data=WithdrawIn(
        reason_code="missing", withdrawn_on=withdrawn_on, note=f"Withdraw{tag} note"))
    case.refresh_from_db()
    return case


def identified_case(world, tag: str, received_on: dt.date, **overrides):
    """Positive reasonable grounds on the day received, positive conclusive grounds on the first
    day the recovery period allows. Closed on that day."""
    case = referral(world, tag, received_on, **overrides).case
    world.rg(case, "positive", on=received_on)
    case.refresh_from_db()
    services.decision_record(actor=world.decider, case=case, data=DecisionIn(
        kind="conclusive_grounds", outcome="positive", decided_on=case.cg_earliest,
        reason_codes=["credible_account"], reason_text=f"Reason{tag} for identification"))
    case.refresh_from_db()
    return case


def rg_negative_case(world, tag: str, received_on: dt.date, **overrides):
    """Negative reasonable grounds agreed by a reviewer on the day received: closed the day after
    the reconsideration window."""
    case = referral(world, tag, received_on, **overrides).case
    decision = services.decision_record(actor=world.decider, case=case, data=DecisionIn(
        kind="reasonable_grounds", outcome="negative", decided_on=received_on, reason_codes=["no_means"],
        reason_text=f"Reason{tag} for refusal"))
    services.decision_review(actor=world.reviewer, decision=decision, data=ReviewIn(
        agree=True, reviewed_on=received_on, note=f"Review{tag} agreed"))
    case.refresh_from_db()
    return case


def every_cell() -> list[tuple[str, str, object]]:
    """(table, column, value) for every cell of every table, in a stable order."""
    out = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f'SELECT * FROM "{table}"')  # noqa: S608 — table names from introspection
            cols = [c[0] for c in cur.description]
            for row in cur.fetchall():
                out.extend((table, col, cell) for col, cell in zip(cols, row, strict=True))
    return sorted(out, key=repr)


def decrypted_text() -> list[tuple[str, str, str, bool]]:
    """(table, column, text, was encrypted) of every cell, with every Fernet token decrypted and
    every session decoded (its referral draft decrypted): what someone holding the keys could read."""
    from django.contrib.sessions.backends.db import SessionStore

    out = []
    for table, col, cell in every_cell():
        if isinstance(cell, bytes | memoryview):
            cell = bytes(cell).decode("utf-8", "replace")
        if not isinstance(cell, str):
            continue
        encrypted = False
        if cell.startswith("gAAAA"):
            try:
                cell, encrypted = crypto.decrypt(cell), True
            except crypto.DecryptionError:
                pass
        if table == "django_session" and col == "session_data":
            data = SessionStore().decode(cell)
            draft = data.get("referral")
            cell, encrypted = repr(data) + (crypto.decrypt(draft) if isinstance(draft, str) and draft else ""), True
        out.append((table, col, cell, encrypted))
    return out


def found(tag: str, dob: str | None = None) -> list[tuple[str, str]]:
    """Where any marker of ``tag``, the date of birth ``dob`` (as encrypted text) or a blind index
    of the name or the date of birth can still be read."""
    from palermo.core.crypto import blind_index
    from palermo.people.models import person_full_name_index

    hashes = {blind_index(f"Family{tag}", purpose="family_name"), person_full_name_index(f"Given{tag}", f"Family{tag}")}
    if dob:
        hashes.add(blind_index(dob, purpose="dob"))
    hits = []
    for table, col, text, encrypted in decrypted_text():
        if any(m in text for m in markers(tag)) or text in hashes or (dob and encrypted and dob in text):
            hits.append((table, col))
    return sorted(set(hits))
