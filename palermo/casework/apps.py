from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "palermo.casework"
    label = "casework"
    verbose_name = "Casework: search, allocation and caseloads"
