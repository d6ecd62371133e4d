"""Payload decoding: every malformed input has a reason."""

from __future__ import annotations

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
