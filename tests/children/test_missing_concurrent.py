"""Two people reporting the same child missing at the same moment, and one report sent twice at
the same moment: one episode, and each person is alerted once — in Palermo and by e-mail.

Real threads on real connections: PostgreSQL only (SQLite takes its single write lock at BEGIN
IMMEDIATE, so two writers there can never interleave). ``scripts/with_postgres.sh`` runs them."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection

from palermo.children.models import MissingEpisode
from palermo.children.services import missing_alert_recipients
from palermo.core.exceptions import TransitionRefused
from palermo.notifications.models import Notification, OutgoingEmail
from palermo.nrm.models import Case
from tests.children.helpers import at, child_case, name, report

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are a PostgreSQL matter; SQLite takes its single write lock at BEGIN IMMEDIATE",
    ),
]


def _at_once(*calls) -> list:
    """Run each call in its own thread (its own connection), released together."""
    start = threading.Barrier(len(calls))
    results: list = []

    def run(call):
        try:
            start.wait(timeout=30)
            results.append(call())
        except TransitionRefused:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    return results


def _assert_alerted_once(case, episode) -> None:
    expected = {u.username for u in missing_alert_recipients(case, exclude=episode.reported_by)}
    told = Counter(Notification.objects.filter(object_id=str(episode.pk)).values_list("recipient__username", flat=True))
    assert set(told) == expected and set(told.values()) == {1}
    assert Notification.objects.count() == len(expected)
    mailed = Counter(m.to[0] for m in mail.outbox)
    assert set(mailed) == {f"{u}@palermo.invalid" for u in expected} and set(mailed.values()) == {1}
    assert OutgoingEmail.objects.count() == len(expected)


def test_two_people_reporting_one_child_at_once_record_one_episode_and_one_alert_each(kids):
    case = child_case(kids)
    kids.rg(case)
    name(kids, case, kids.keyworker)
    mail.outbox.clear()
    went = at(hours_ago=2)
    fresh = lambda: Case.objects.get(pk=case.pk)  # noqa: E731 - each thread reads the case itself
    results = _at_once(lambda: report(kids, fresh(), went=went, actor=kids.children, key="person-a"),
                       lambda: report(kids, fresh(), went=went, actor=kids.keyworker, key="person-b"))
    assert sorted(r if r == "refused" else "recorded" for r in results) == ["recorded", "refused"]
    episode = MissingEpisode.objects.get(case=case)
    assert episode.is_open
    _assert_alerted_once(case, episode)


def test_one_report_sent_twice_at_once_is_one_episode_and_one_alert_each(kids):
    case = child_case(kids)
    mail.outbox.clear()
    went = at(hours_ago=1)
    fresh = lambda: Case.objects.get(pk=case.pk)  # noqa: E731
    results = _at_once(lambda: report(kids, fresh(), went=went, key="double-click"),
                       lambda: report(kids, fresh(), went=went, key="double-click"))
    assert "refused" not in results
    assert sorted(created for _, created in results) == [False, True]
    assert len({episode.pk for episode, _ in results}) == 1
    episode = MissingEpisode.objects.get(case=case)
    _assert_alerted_once(case, episode)
