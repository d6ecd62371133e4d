"""A tank's status in words, the same in the console and the CLI: the level with what it
means in volume and mass (or plainly that it is not known), the draw the detector expects
against the contracted one, how far the leak detector has come towards its threshold, and
the rooms a leak would reach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from hazwatch.core.i18n import translate
from hazwatch.monitoring.tanks.schemas import TankStatusOut


@dataclass(frozen=True)
class TankText:
    title: str
    level: str
    draw: str
    #: What the leak detector does, in plain words (the tuning's figures are ``detector``).
    plain: str
    detector: str
    leak: str
    #: Level good and no leak alarm: the only state shown as fine (unknown is not).
    fine: bool


def describe(status: TankStatusOut, lang: str, timezone: str) -> TankText:
    detector = status.detector
    separator = translate("access.list_separator", lang)
    rooms = separator.join(room.name for room in status.rooms_fed)
    rooms = rooms or translate("tanks.text.no_rooms", lang)
    if status.level_mm is None or status.fill_fraction is None:
        quality = translate(f"choice.Quality.{status.level_quality}", lang)
        level = translate("tanks.text.level_unknown", lang, quality=quality)
    else:
        level = translate(
            "tanks.text.level",
            lang,
            level=f"{status.level_mm:.0f}",
            volume=f"{status.volume_m3:.2f}",
            mass=f"{status.mass_kg:.0f}",
            fill=f"{status.fill_fraction * 100:.0f}",
            at=_local(status.level_at, timezone),
        )
    expected = detector.expected_draw_mm_h
    draw = translate(
        "tanks.text.draw",
        lang,
        expected="—" if expected is None else f"{expected:.2f}",
        contracted=f"{status.contracted_draw_mm_h:.2f}",
        kg_per_mm=f"{status.kg_per_mm:.2f}",
    )
    cusum = translate(
        "tanks.text.detector",
        lang,
        cusum="—" if detector.cusum_mm is None else f"{detector.cusum_mm:.1f}",
        threshold=f"{detector.threshold_mm:.1f}",
        allowance=f"{detector.allowance_mm:.2f}",
        budget=f"{detector.false_alarms_per_year:g}",
        noise=f"{detector.noise_mm:g}",
    )
    if detector.plain_rate_mm_h is None:
        plain = translate("tanks.text.plain_none", lang)
    else:
        plain = translate(
            "tanks.text.plain",
            lang,
            rate=detector.plain_rate_mm_h,
            minutes=detector.plain_after_min,
            leak_minutes=detector.leak_2_7_after_min or "—",
        )
    share = cusum_share(status)
    if share is not None:
        plain += translate("tanks.text.plain_now", lang, percent=f"{share * 100:.0f}")
    if detector.leak_alarm_active:
        leak = translate(
            "tanks.text.leak_alarm", lang, at=_local(detector.alarmed_at, timezone), rooms=rooms
        )
    else:
        leak = translate("tanks.text.no_leak", lang, rooms=rooms)
    return TankText(
        title=translate(
            "tanks.text.title",
            lang,
            name=status.name,
            fluid=status.fluid,
            capacity=f"{status.capacity_m3:g}",
        ),
        level=level,
        draw=draw,
        plain=plain,
        detector=cusum,
        leak=leak,
        fine=status.level_quality == "good" and not detector.leak_alarm_active,
    )


def cusum_share(status: TankStatusOut) -> float | None:
    """How far the detector's sum is towards its threshold (0–1), for a gauge."""
    detector = status.detector
    if detector.cusum_mm is None or detector.threshold_mm <= 0:
        return None
    return min(1.0, max(0.0, detector.cusum_mm / detector.threshold_mm))


def _local(moment: datetime | None, timezone: str) -> str:
    return "—" if moment is None else moment.astimezone(ZoneInfo(timezone)).strftime("%m-%d %H:%M")
