from django.apps import AppConfig


class DraftsConfig(AppConfig):
    name = "palermo.drafts"
    label = "drafts"
    verbose_name = "Referral drafts"
