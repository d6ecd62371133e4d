"""Who a ladder step calls: the organisation's own roles, its landlords, its regulator."""

from __future__ import annotations

from hazwatch.core.choices import Choice


class EscalationTarget(Choice):
    DUTY_OFFICER = "duty_officer"
    SAFETY_MANAGER = "safety_manager"
    PRINCIPAL = "principal"
    LANDLORD = "landlord"
    REGULATOR = "regulator"
