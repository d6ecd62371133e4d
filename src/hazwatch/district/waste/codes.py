"""Hazardous-waste codes of the National Hazardous Waste Catalogue (国家危险废物名录,
2021 edition, Art. 5 (3)): "废物代码 … 为8位数字。其中，第1-3位为危险废物产生行业代码
（依据《国民经济行业分类（GB/T 4754-2017）》确定），第4-6位为危险废物顺序代码，第7-8位为危险
废物类别代码", written ``900-041-49``.

The catalogue has 46 categories: HW01–HW40 and HW45–HW50 (HW41–HW44 were merged or
dropped in the 2016 revision and are not used in 2021); a code whose last part is not one
of them is not a catalogue code. A licence names either whole codes or categories
(``HW08``: every code ending in ``-08``).
"""

from __future__ import annotations

import re

from hazwatch.core.errors import InvalidInput

SOURCE = "国家危险废物名录（2021年版）第五条（三）"
CATEGORIES = frozenset([f"{n:02d}" for n in range(1, 41)] + [f"{n:02d}" for n in range(45, 51)])
_CODE = re.compile(r"^(\d{3})-(\d{3})-(\d{2})$")
_CATEGORY = re.compile(r"^HW(\d{2})$")


def check_code(value: str, field: str = "waste_code") -> str:
    """The code, stripped, if it has the catalogue's form and category; else 422 on ``field``."""
    code = value.strip()
    match = _CODE.fullmatch(code)
    if match is None:
        raise InvalidInput("district.waste.bad_code", field=field, value=code[:20])
    if match.group(3) not in CATEGORIES:
        raise InvalidInput("district.waste.bad_category", field=field, value=code)
    return code


def check_licensed_entry(value: str, field: str = "waste_codes") -> str:
    """A licence's entry: a whole code or a category such as ``HW08``."""
    entry = value.strip().upper()
    match = _CATEGORY.fullmatch(entry)
    if match is not None:
        if match.group(1) not in CATEGORIES:
            raise InvalidInput("district.waste.bad_category", field=field, value=entry)
        return entry
    return check_code(entry, field)


def category(code: str) -> str:
    return f"HW{code[-2:]}"


def covers(entries: list[str], code: str) -> bool:
    """Whether a licence listing ``entries`` covers ``code``."""
    return code in entries or category(code) in entries
