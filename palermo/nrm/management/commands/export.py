"""palermo export cases|permits --as USERNAME [--output FILE] — that user's scope, as CSV.

``cases``: the NRM cases the user may see (``--status`` filters). ``permits``: the residence
permit applications, decisions and permits the user may see (``palermo.permits.export``). Both
pseudonymous, formula-safe and audited."""

import getpass
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from palermo.core.audit import audit_record
from palermo.nrm.audit_detail import case_filters_for_audit
from palermo.nrm.export import cases_to_csv
from palermo.nrm.selectors import CaseFilters, case_list_for_user


class Command(BaseCommand):
    help = "Export the cases (or residence permits) a user may see to CSV (pseudonymous: no names). Audited."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["cases", "permits"])
        parser.add_argument("--as", dest="username", required=True)
        parser.add_argument("--output", type=Path)
        parser.add_argument("--status")

    def handle(self, *args, what, username, output, status, **opts):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}")
        if what == "permits":
            body, n = self._permits(user, status)
        else:
            filters = CaseFilters(status=status)
            body, n = cases_to_csv(case_list_for_user(user=user, filters=filters))
            audit_record(actor=user, action="case.export", object_type="nrm.case",
                         detail={"format": "csv", "rows": n, "via": "command", "operator": getpass.getuser(),
                                 **case_filters_for_audit(filters)})
        if output:
            output.write_text(body, encoding="utf-8")
            self.stderr.write(f"Exported {n} {'permit applications' if what == 'permits' else 'cases'} to {output}")
        else:
            sys.stdout.write(body)

    def _permits(self, user, status):
        from palermo.permits.export import permits_to_csv
        from palermo.permits.selectors import permit_applications_for_export

        if status:
            raise CommandError("--status filters cases only")
        body, n = permits_to_csv(permit_applications_for_export(user=user), user=user)
        audit_record(actor=user, action="permit.export", object_type="permits.permitapplication",
                     detail={"format": "csv", "rows": n, "via": "command", "operator": getpass.getuser()})
        return body, n
