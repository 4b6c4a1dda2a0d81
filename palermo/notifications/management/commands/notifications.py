"""palermo notifications send — send the notification e-mails not sent yet (a mail server that was
down, a process that stopped before sending). Each e-mail is claimed before it is sent, so running
this while Palermo serves requests never sends one twice. Run it from cron every few minutes."""

from django.core.management.base import BaseCommand

from palermo.notifications.services import outgoing_email_send


class Command(BaseCommand):
    help = "Send notification e-mails that have not been sent yet (each at most once)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["send"])

    def handle(self, *args, action, **opts):
        counts = outgoing_email_send()
        self.stdout.write(f"E-mails: {counts['sent']} sent, {counts['failed']} failed (will be retried), "
                          f"{counts['skipped']} being sent by another process.")
