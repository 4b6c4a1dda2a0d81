from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "palermo.letters"
    label = "letters"
    verbose_name = "Decision letters"
