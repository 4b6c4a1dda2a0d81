"""The demo operation: idempotent, every record valid under the services' rules (charges in force
on their dates per the offence engine; victims referred during the operation by an organisation
taking part), and its report shows the shape of Pentameter 2's results (seed note §7.4)."""

from palermo.demo import cases_load, organisations_load, users_load
from palermo.operations.demo import operations_demo_load
from palermo.operations.models import Charge, Operation, VictimIdentified
from palermo.operations.report import operation_report
from palermo.operations.services import offence_in_force_problem


def test_the_demo_operation_is_idempotent_valid_and_reads_like_pentameter_2(db):
    users = users_load(organisations_load())
    cases_load(users, count=120)
    assert operations_demo_load(users) == 1
    assert operations_demo_load(users) == 0
    op = Operation.objects.get(is_demo=True)
    r = operation_report(op)
    assert r.premises_visited == 82 and r.premises_by_group == {"massage_sauna": 16, "residential": 58, "other": 8}
    assert r.people_arrested == 53 and r.people_charged == 28
    assert r.intelligence_reports_gathered == 64
    assert r.cash_recovered_pence == 50_400_00 and r.assets_restrained_pence == 300_000_00
    assert 10 <= r.victims_identified <= 17 and r.child_victims >= 1 and r.youngest_age is not None
    for c in Charge.objects.filter(arrest__operation=op).select_related("arrest"):
        assert offence_in_force_problem(c.offence_id, c.arrest.nation, c.offence_on) is None
        assert op.starts_on <= c.arrest.arrested_on <= op.ends_on
    taking_part = {op.lead_organisation_id, *op.participating_organisations.values_list("pk", flat=True)}
    for v in VictimIdentified.objects.filter(operation=op).select_related("case__referral"):
        assert v.case.referral.first_responder_org_id in taking_part
        assert op.starts_on <= v.case.referral.received_on <= op.ends_on
