"""The national holiday calendar as data, loaded into the demo (and by ``hazwatch calendar
set`` for other years): the State Council General Office's notice on the 2025 holidays
(国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号). Weekday holidays are
non-working; weekend make-up days (调休) are working."""

from __future__ import annotations

from datetime import date, timedelta

SOURCE = "国办发明电〔2024〕12号"


def _span(first: date, last: date, name: str) -> list[tuple[date, bool, str]]:
    return [(first + timedelta(days=n), False, name) for n in range((last - first).days + 1)]


HOLIDAYS_2025: tuple[tuple[date, bool, str], ...] = (
    (date(2025, 1, 1), False, "元旦"),
    *_span(date(2025, 1, 28), date(2025, 2, 4), "春节"),
    (date(2025, 1, 26), True, "春节调休上班"),
    (date(2025, 2, 8), True, "春节调休上班"),
    *_span(date(2025, 4, 4), date(2025, 4, 6), "清明节"),
    *_span(date(2025, 5, 1), date(2025, 5, 5), "劳动节"),
    (date(2025, 4, 27), True, "劳动节调休上班"),
    *_span(date(2025, 5, 31), date(2025, 6, 2), "端午节"),
    *_span(date(2025, 10, 1), date(2025, 10, 8), "国庆节、中秋节"),
    (date(2025, 9, 28), True, "国庆节调休上班"),
    (date(2025, 10, 11), True, "国庆节调休上班"),
)
