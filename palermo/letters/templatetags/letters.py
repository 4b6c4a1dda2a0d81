from django import template

from palermo.letters.services import letters_for_case

register = template.Library()


@register.simple_tag(takes_context=True)
def case_letters(context, case) -> list[dict]:
    return letters_for_case(user=context["request"].user, case=case)
