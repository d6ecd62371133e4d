"""Enumerations of the risk register (labels in ``locale/*/risks.po``)."""

from __future__ import annotations

from hazwatch.core.choices import Choice


class ObjectKind(Choice):
    EQUIPMENT = "equipment"
    FACILITY = "facility"
    PLACE = "place"
    OPERATION = "operation"


class ControlKind(Choice):
    """The five kinds of control measure (工程技术、管理、培训教育、个体防护、应急处置)."""

    ENGINEERING = "engineering"
    MANAGEMENT = "management"
    TRAINING = "training"
    PPE = "ppe"
    EMERGENCY = "emergency"
