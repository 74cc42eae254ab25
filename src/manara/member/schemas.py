"""Pydantic shapes of the member administration API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from manara.identity import Role
from manara.schemas_common import Line


class MemberOut(BaseModel):
    """A member country."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    active: bool


class UserIn(BaseModel):
    """A new user of the administrator's country."""

    model_config = ConfigDict(extra="forbid")

    username: Line = Field(..., min_length=1, max_length=100)
    full_name: Line = ""
    role: Role


class UserPatch(BaseModel):
    """Changes to a user of the administrator's country; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    active: bool | None = None


class UserOut(BaseModel):
    """A user."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    username: str
    full_name: str
    country: str
    role: str
    active: bool


class MeOut(BaseModel):
    """The authenticated actor."""

    user_id: str
    username: str
    country: str
    role: str
    permissions: list[str]


class ApiKeyIn(BaseModel):
    """A new API key request."""

    model_config = ConfigDict(extra="forbid")

    name: Line = ""
    days: int | None = Field(None, ge=1, le=3650, description="Validity; default MANARA_API_KEY_DEFAULT_DAYS")
    scopes: list[str] | None = Field(None, max_length=20)


class ApiKeyOut(BaseModel):
    """An API key's public metadata (never its secret)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    prefix: str
    name: str
    scopes: list[str]
    expires_at: datetime
    revoked_at: datetime | None
    created_at: datetime
    minted_by: str | None = None


class NewApiKeyOut(ApiKeyOut):
    """A new key with its token, shown this once."""

    token: str


class ConsoleSessionOut(BaseModel):
    """A console session of a user (never its token): what an administrator sees before revoking it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    credential: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    user_agent: str


class SessionsRevokedOut(BaseModel):
    """How many console sessions were ended."""

    revoked: int
