from __future__ import annotations

import pytest

from hazwatch.registry.credit_code import check_character, is_valid


@pytest.mark.parametrize("code", ["91330206MA7LLBNU5R", "913302067264092432"])
def test_codes_from_the_investigation_report_are_valid(code: str) -> None:
    assert is_valid(code)


@pytest.mark.parametrize(
    "code",
    [
        "91330206MA7LLBNU5X",  # wrong check character
        "91330206MA7LLBNU5",  # too short
        "91330206MA7LLBNU5RR",  # too long
        "91330206MA7LLBNI5R",  # I is not in the alphabet
        "91330206ma7llbnu5r",  # lower case is normalised by the schema, not here
    ],
)
def test_invalid_codes(code: str) -> None:
    assert not is_valid(code)


def test_check_character_of_a_known_code() -> None:
    # Σ digit·3^i mod 31 computed by hand for 91330206MA7LLBNU5 gives 31 − 4 = 27 → 'R'.
    assert check_character("91330206MA7LLBNU5") == "R"
