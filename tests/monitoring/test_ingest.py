"""Payload decoding: every malformed input has a reason."""

from __future__ import annotations

import json
import math

import pytest

from hazwatch.monitoring.ingest import PayloadError, decode


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{not json", "malformed_json"),
        (b"[1, 2]", "wrong_type"),
        (b'{"readings": "many"}', "wrong_type"),
        (b'{"readings": [' + b"{}," * 1000 + b"{}]}", "batch_too_large"),
    ],
)
def test_unusable_payloads(payload: bytes, reason: str) -> None:
    with pytest.raises(PayloadError) as caught:
        decode(payload, max_batch=1000)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("reading", "reason"),
    [
        (b'{"point": "P", "ts": 1, "value": NaN, "unit": "%vol"}', "not_finite"),
        (b'{"point": "P", "ts": 1, "value": Infinity, "unit": "%vol"}', "not_finite"),
        (b'{"point": "P", "ts": 1, "value": "19.4", "unit": "%vol"}', "wrong_type"),
        (b'{"point": "P", "ts": 1, "value": true, "unit": "%vol"}', "wrong_type"),
        (b'{"point": "P", "ts": "yesterday", "value": 1, "unit": "%vol"}', "bad_timestamp"),
        (
            b'{"point": "P", "ts": "2025-02-07T04:30:00", "value": 1, "unit": "%vol"}',
            "bad_timestamp",
        ),
        (b'{"ts": 1, "value": 1, "unit": "%vol"}', "missing_point"),
        (b'{"point": "P", "ts": 1, "value": 1}', "missing_unit"),
    ],
)
def test_rejected_readings(reading: bytes, reason: str) -> None:
    decoded = decode(reading, max_batch=1000)
    assert decoded.readings == []
    assert [r.reason for r in decoded.rejections] == [reason]


def test_fault_status_without_value_is_a_reading_of_unknown_value() -> None:
    decoded = decode(
        b'{"point": "P", "ts": 1700000000000, "status": "E07", "unit": "%vol"}', max_batch=1000
    )
    assert decoded.readings[0].value is None and decoded.readings[0].fault == "E07"


@pytest.mark.parametrize(
    "payload",
    [
        b'{"readings": [{"point": "P", "ts": 1700000000000, "value": 20.9, "unit": "%vol"},'
        b' {"point": "Q", "ts": "2025-02-07T04:30:00+08:00", "value": 19, "unit": "%vol",'
        b' "seq": 18446744073709551615, "status": "ok"}]}',
        b'{"point": "P", "ts": 1, "value": 100000000000000000000, "unit": "%vol"}',
        b'{"point": "P", "ts": 100000000000000000000000, "value": 1, "unit": "%vol"}',
        b'{"point": "P", "ts": 1, "value": 1, "unit": "%vol", "seq": 100000000000000000000}',
        b'{"point": "P", "ts": 1, "value": 1, "unit": "%vol", "seq": -9223372036854775809}',
        b'{"point": "P", "ts": 1, "value": NaN, "unit": "%vol"}',
        b'{"point": "P\\ud800", "ts": 1, "value": 1, "unit": "%vol"}',
        b'{"point": "P", "point": 7, "ts": 1, "value": 1, "unit": "%vol"}',
        b'{"readings": 100000000000000000000}',
        b"[1, 2]",
    ],
)
def test_the_fast_parse_decides_as_the_standard_library(payload: bytes) -> None:
    """Readings and reasons are those of a payload parsed by the standard library (the
    decoder's reference), whichever parser got there first."""

    def outcome(given: bytes | dict[str, object]) -> object:
        try:
            return decode(given, max_batch=10)
        except PayloadError as exc:
            return exc.reason

    reference = json.loads(payload, parse_constant=lambda _c: math.nan)
    expected = outcome(reference) if isinstance(reference, dict) else "wrong_type"
    assert outcome(payload) == expected
