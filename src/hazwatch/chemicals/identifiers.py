"""CAS registry numbers and UN numbers: form and check digit (pure)."""

from __future__ import annotations

import re

_CAS = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
_UN = re.compile(r"^(?:UN\s?)?(\d{4})$", re.IGNORECASE)


def cas_check_digit(digits: str) -> int:
    """CAS check digit: the other digits, weighted 1, 2, 3… from the right, summed mod 10."""
    return sum(i * int(d) for i, d in enumerate(reversed(digits), start=1)) % 10


def valid_cas(cas: str) -> bool:
    """``7664-41-7`` is ammonia's: (7·1 + 4·2 + 1·3 + 4·4 + 6·5 + 6·6 + 7·7) mod 10 = 7."""
    match = _CAS.match(cas.strip())
    if match is None:
        return False
    head, middle, check = match.groups()
    return cas_check_digit(head + middle) == int(check)


def normalise_un(value: str) -> str | None:
    """``UN1005``, ``un 1005`` or ``1005`` → ``1005``; None when it is no UN number."""
    match = _UN.match(value.strip())
    return match.group(1) if match else None
