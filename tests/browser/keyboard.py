"""Keyboard-only helpers: reach each control with Tab, choose with the arrow keys or Space,
type into fields and press Enter on buttons, as someone who cannot use a mouse would."""

from __future__ import annotations


def active_matches(page, selector: str) -> bool:
    return page.evaluate("(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector)


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector``; fail if it is never reached."""
    for _ in range(limit):
        if active_matches(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} could not be reached with the Tab key on {page.url}")


def choose_radio(page, name: str, value: str) -> None:
    """Tab into the radio group, then move with the arrow keys until ``value`` is chosen."""
    tab_to(page, f"input[type=radio][name='{name}']")
    for _ in range(12):
        if page.evaluate("(n) => (document.querySelector(`input[name='${n}']:checked`) || {}).value", name) == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not choose {value} for {name} with the arrow keys")


def tick(page, name: str, value: str) -> None:
    tab_to(page, f"input[type=checkbox][name='{name}'][value='{value}']")
    page.keyboard.press("Space")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def select_option(page, selector: str, value: str) -> None:
    """Focus a select and move through its options with the arrow keys until ``value``."""
    tab_to(page, selector)
    start = page.evaluate("(s) => document.querySelector(s).selectedIndex", selector)
    target = page.evaluate("([s, v]) => [...document.querySelector(s).options].findIndex(o => o.value === v)",
                           [selector, value])
    assert target >= 0, f"{value} is not an option of {selector}"
    key = "ArrowDown" if target >= start else "ArrowUp"
    for _ in range(abs(target - start)):
        page.keyboard.press(key)
    assert page.eval_on_selector(selector, "s => s.value") == value


def continue_(page) -> None:
    """Tab to the form's button and press Enter; wait for the next page."""
    tab_to(page, "main button.govuk-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
