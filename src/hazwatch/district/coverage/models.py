"""What the coverage indicators count that the registry does not hold yet: an enterprise's
social safety-service contract, and a department's enforcement officers. Both audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal


class SafetyServiceContract(Base):
    """A contract with a social safety-service provider (安全生产社会化服务: risk assessment,
    hidden-danger checks, training, emergency support), valid from/until."""

    __tablename__ = "safety_service_contract"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    provider: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(300), default="")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)


class EnforcementOfficer(Base):
    """A department's hazardous-chemical enforcement officer (监管执法人员): the degree, whether
    it is safety-related, and years of safety practice."""

    __tablename__ = "enforcement_officer"
    __audited__ = True
    __table_args__ = (CheckConstraint("experience_years >= 0", name="experience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    degree: Mapped[str] = mapped_column(String(120), default="")
    safety_related: Mapped[bool] = mapped_column(default=False)
    experience_years: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    active: Mapped[bool] = mapped_column(default=True)
