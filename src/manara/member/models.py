"""Member countries, agencies, users and API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from manara.db.base import Base, TimestampMixin, new_id


class Member(TimestampMixin, Base):
    """A member country of the network, identified by its ISO 3166-1 alpha-2 code."""

    __tablename__ = "member"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Agency(TimestampMixin, Base):
    """A national bureau or agency of a member country."""

    __tablename__ = "agency"
    __table_args__ = (UniqueConstraint("country", "name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    country: Mapped[str] = mapped_column(ForeignKey("member.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), default="national_bureau")


class User(TimestampMixin, Base):
    """A person who uses Manara on behalf of a member country, in one role."""

    __tablename__ = "user_account"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(ForeignKey("member.code"), index=True)
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agency.id"), nullable=True)
    role: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Console sign-in: an argon2 hash (None: no password, console closed to this user), lockout counters.
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(nullable=True)
    # Optional second factor (TOTP): the Fernet-encrypted secret, when it was confirmed (None: pending
    # or absent), and the last time step accepted (a code is never accepted twice).
    totp_secret: Mapped[str | None] = mapped_column(String(500), nullable=True)
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Console display: "auto" (follow the system), "light", "dark" or "contrast" (high contrast).
    theme: Mapped[str] = mapped_column(String(16), default="auto", server_default="auto")
    # Who set the current password when it was not the user (an administrator's reset): every event of a
    # console session opened with it records them (audit `credential.set_by`) until the user changes it.
    password_set_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class ApiKey(TimestampMixin, Base):
    """An API key: only a SHA-256 digest of the secret is stored; the secret is shown once."""

    __tablename__ = "api_key"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    scopes: Mapped[list[str]] = mapped_column()
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Who minted the key (user id, or the CLI operator); every event done through a key minted by someone
    # other than its user records them (audit `credential.set_by`).
    minted_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class ConsoleSession(Base):
    """A console session, held on the server: the cookie carries only its signed secret token.

    Only a SHA-256 digest of the token is stored (a database reader cannot sign in with it). Signing out,
    a password change, a role change or disabling the user revokes it; every request checks it.
    """

    __tablename__ = "console_session"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)  # the audited reference
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), index=True)
    credential: Mapped[str] = mapped_column(String(16), default="password")  # "password" or "oidc"
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    user_agent_hash: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")  # shown on "your sessions"


class SignInThrottle(Base):
    """Failed sign-ins of one (address, account) pair: each failure past the free ones doubles the wait.

    Keyed by a digest of both, so that an attacker from one address slows only their own attempts: the
    account's owner, from another address, signs in as usual (no hard lock anyone can trigger).
    """

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(nullable=True)
    updated_at: Mapped[datetime]
