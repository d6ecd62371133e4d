"""The leak detector's tuning in plain words (issue 13 item 7): the smallest extra draw it
finds within the hour, and how long the 2·7 leak takes, on a noise-free gauge."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hazwatch.monitoring.tanks.service import tuning
from hazwatch.physics.fit import LEVEL_DROP_MM_H
from hazwatch.physics.leak import plain_sensitivity, steady_leak_found_after

FIVE_MINUTES = timedelta(minutes=5)
HOUR = timedelta(hours=1)
#: The 4.99 m³ tank's contracted draw, mm/h (about 4000 kg a month).
USUAL = 3.04


def test_the_plain_rate_is_the_smallest_found_within_the_hour() -> None:
    tuned = tuning(Decimal(3), 300, Decimal(1))  # 3 mm noise, 1 false alarm a tank-year
    found = plain_sensitivity(tuned, FIVE_MINUTES, USUAL, HOUR)
    assert found is not None
    rate, after = found
    assert after <= HOUR
    assert steady_leak_found_after(tuned, FIVE_MINUTES, USUAL, rate - 1, HOUR) is None
    # DOMAIN §5: the 2·7 leak within about an hour with 3 mm noise (sooner without noise)
    the_2_7 = steady_leak_found_after(tuned, FIVE_MINUTES, USUAL, LEVEL_DROP_MM_H, HOUR)
    assert the_2_7 is not None and the_2_7 <= HOUR


def test_a_draw_within_the_usual_tolerance_is_never_a_leak() -> None:
    tuned = tuning(Decimal(3), 300, Decimal(1))
    assert steady_leak_found_after(tuned, FIVE_MINUTES, USUAL, 1.0, timedelta(days=2)) is None


def test_a_noisier_gauge_needs_a_larger_leak() -> None:
    quiet = plain_sensitivity(tuning(Decimal(3), 300, Decimal(1)), FIVE_MINUTES, USUAL, HOUR)
    noisy = plain_sensitivity(tuning(Decimal(10), 300, Decimal(1)), FIVE_MINUTES, USUAL, HOUR)
    assert quiet is not None and noisy is not None
    assert noisy[0] > quiet[0]
