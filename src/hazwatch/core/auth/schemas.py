"""Request and response bodies for login, tokens and users."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id
from hazwatch.core.auth.roles import Role


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=80, pattern=NO_NUL)
    password: str = Field(min_length=1, max_length=200, pattern=NO_NUL)


class TokenOut(BaseModel):
    token: str
    token_id: int
    expires_at: datetime


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=120, pattern=NO_NUL)
    days: float = Field(default=365, gt=0, le=3650)


class TokenInfo(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    name: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=2, max_length=80, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=8, max_length=200, pattern=NO_NUL)
    role: Role
    organisation_id: Id | None = None
    jurisdiction_id: Id | None = None
    display_name: str = Field(default="", max_length=120, pattern=NO_NUL)
    language: str = Field(default="zh_CN", pattern=r"^(zh_CN|en)$")
    email: str | None = Field(default=None, max_length=200, pattern=NO_NUL)
    phone: str | None = Field(default=None, max_length=40, pattern=NO_NUL)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    display_name: str
    role: Role
    organisation_id: int | None
    jurisdiction_id: int | None
    language: str
    email: str | None
    phone: str | None
    active: bool
