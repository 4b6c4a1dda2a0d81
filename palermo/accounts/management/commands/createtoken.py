"""palermo createtoken USERNAME — issue an API token and print it once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from palermo.accounts.models import ApiToken
from palermo.core.audit import audit_record


class Command(BaseCommand):
    help = "Issue an API bearer token for a user and print it (it is not shown again)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **opts):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}")
        if not user.is_active:
            raise CommandError(f"User {username!r} is not active")
        token, raw = ApiToken.issue(user)
        audit_record(actor=None, action="api_token.issue", obj=token, detail={"user_id": user.pk})
        self.stdout.write(raw)
