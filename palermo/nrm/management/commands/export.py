"""palermo export cases --as USERNAME [--output FILE] — cases in that user's scope, as CSV."""

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
    help = "Export the cases a user may see to CSV (pseudonymous: no names). The export is audited."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["cases"])
        parser.add_argument("--as", dest="username", required=True)
        parser.add_argument("--output", type=Path)
        parser.add_argument("--status")

    def handle(self, *args, what, username, output, status, **opts):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}")
        filters = CaseFilters(status=status)
        body, n = cases_to_csv(case_list_for_user(user=user, filters=filters))
        audit_record(actor=user, action="case.export", object_type="nrm.case",
                     detail={"format": "csv", "rows": n, "via": "command", "operator": getpass.getuser(),
                             **case_filters_for_audit(filters)})
        if output:
            output.write_text(body, encoding="utf-8")
            self.stderr.write(f"Exported {n} cases to {output}")
        else:
            sys.stdout.write(body)
