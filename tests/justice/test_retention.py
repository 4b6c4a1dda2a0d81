"""The written lawful reason for a victim on a prosecution describes the victim: retention erases
it with the victim's identity; the coded reason, the organisation and the prosecution stay."""

import pytest

from palermo.justice.models import ProsecutionVictim
from palermo.justice.schemas import ProsecutionVictimIn
from palermo.justice.services import prosecution_victim_record
from palermo.retention import services
from tests.retention.helpers import marked_person, withdrawn_case
from tests.retention.test_apply import _closed_long_ago

from .helpers import Justice


@pytest.mark.django_db
def test_retention_erases_the_written_reason_for_a_victim_on_a_prosecution():
    j = Justice()
    case = withdrawn_case(j.w, "Oldjustice", withdrawn_on=_closed_long_ago(), person=marked_person("Oldjustice"))
    p = j.prosecute()
    prosecution_victim_record(actor=j.met, prosecution_id=p.pk, data=ProsecutionVictimIn(
        pseudonym=case.referral.person.pseudonym, lawful_reason="prosecution", reason_text="Oldjustice complainant"))
    services.retention_apply(actor=None)
    link = ProsecutionVictim.objects.get()
    assert (link.reason_text, link.lawful_reason, link.prosecution_id) == ("", "prosecution", p.pk)
