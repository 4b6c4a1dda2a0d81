"""Django's admin app with Palermo's site (``admin_site.PalermoAdminSite``) as ``admin.site``:
listed in ``INSTALLED_APPS`` instead of ``django.contrib.admin`` (Django's documented way to
replace the default site)."""

from django.contrib.admin.apps import AdminConfig


class PalermoAdminConfig(AdminConfig):
    default_site = "palermo.accounts.admin_site.PalermoAdminSite"
