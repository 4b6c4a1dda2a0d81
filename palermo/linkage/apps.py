from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "palermo.linkage"
    label = "linkage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        post_save.connect(_referral_saved, sender="nrm.Referral", dispatch_uid="palermo.linkage.score_on_referral")


def _referral_saved(sender, instance, created, raw=False, **kwargs):
    """A new referral with a person: score the person against everyone already known
    (``PALERMO_LINK_ON_REFERRAL``, default on) as a background job of the referring officer's
    (``palermo.jobs``), no longer inside the request. The job is recorded in the referral's
    transaction and its task queued once that commits, so a failure can never undo the referral."""
    from django.conf import settings

    if not created or raw or instance.person_id is None or not getattr(settings, "PALERMO_LINK_ON_REFERRAL", True):
        return
    from palermo.jobs.services import job_start

    job_start(actor=instance.officer, kind="link_score", system=True, total=1,
              params={"person_id": instance.person_id, "referral_id": instance.pk})
