from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "palermo.linkage"
    label = "linkage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        post_save.connect(_referral_saved, sender="nrm.Referral", dispatch_uid="palermo.linkage.score_on_referral")


def _referral_saved(sender, instance, created, raw=False, **kwargs):
    """A new referral with a person: once the referral's transaction commits, score the person
    against everyone already known (``PALERMO_LINK_ON_REFERRAL``, default on). The scoring runs
    after the commit so a failure can never undo the referral."""
    from django.conf import settings
    from django.db import transaction

    if not created or raw or instance.person_id is None or not getattr(settings, "PALERMO_LINK_ON_REFERRAL", True):
        return
    from palermo.linkage.services import score_after_referral

    person_id, actor_id = instance.person_id, instance.officer_id
    transaction.on_commit(lambda: score_after_referral(person_id=person_id, actor_id=actor_id))
