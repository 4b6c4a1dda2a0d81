"""palermo createtoken USERNAME — issue an API token and print it once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from palermo.accounts.tokens import api_token_issue
from palermo.core.exceptions import NotAllowed


class Command(BaseCommand):
    help = ("Issue an API bearer token for a user and print it (it is not shown again). A user whose role "
            "needs two-factor authentication must have set it up first.")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **opts):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}")
        if not user.is_active:
            raise CommandError(f"User {username!r} is not active")
        try:
            _, raw = api_token_issue(actor=None, user=user)
        except NotAllowed as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(raw)
