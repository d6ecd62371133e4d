"""Small pieces shared by the pages: colours of the regulators' palette and status badges."""

from __future__ import annotations

from nicegui import ui

#: The choice colours (``Choice.colour``) as screen colours; red/orange/yellow/blue follow the
#: regulators' four warning colours (DOMAIN §4).
HEX = {
    "red": "#d32f2f",
    "orange": "#ef6c00",
    "yellow": "#f9a825",
    "blue": "#1565c0",
    "green": "#2e7d32",
    "grey": "#757575",
}


def hex_of(colour: str) -> str:
    return HEX.get(colour, HEX["grey"])


def badge(text: str, colour: str, testid: str | None = None) -> ui.badge:
    element = ui.badge(text).style(f"background:{hex_of(colour)} !important; color:white")
    if testid:
        element.props(f"data-testid={testid}")
    return element
