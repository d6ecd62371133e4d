"""Unified social credit code (统一社会信用代码) check, GB 32100-2015.

18 characters from a 31-symbol alphabet (digits and capitals without I, O, S, V, Z); the last
is a check character: C18 = 31 − (Σ Ci·Wi mod 31), Wi = 3^(i−1) mod 31, with 31 written as 0
(GB 32100-2015 §4.4 and Annex B).
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18


def check_character(first17: str) -> str:
    total = sum(
        ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True)
    )
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    if len(code) != LENGTH or any(char not in ALPHABET for char in code):
        return False
    return check_character(code[:17]) == code[17]


def normalise(code: str) -> str:
    return code.strip().upper()
