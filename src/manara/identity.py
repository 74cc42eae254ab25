"""Roles, permissions and the acting identity (``Actor``) every domain function receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """A user's job in the network; decides the permissions they hold."""

    FRONTLINE_OFFICER = "frontline_officer"
    BUREAU_OFFICER = "bureau_officer"
    REVIEWER = "reviewer"
    ANALYST = "analyst"
    DUTY_OFFICER = "duty_officer"
    ADMINISTRATOR = "administrator"


class Perm(StrEnum):
    """A permission; API key scopes are drawn from the same names."""

    NOTICE_READ = "notice:read"
    NOTICE_WRITE = "notice:write"
    NOTICE_REVIEW = "notice:review"
    ENTITY_READ = "entity:read"
    ENTITY_WRITE = "entity:write"
    MEMBER_READ = "member:read"
    MEMBER_ADMIN = "member:admin"
    AUDIT_READ = "audit:read"
    SCREEN = "screen"
    HIT_ANSWER = "hit:answer"
    DOCUMENT_WRITE = "document:write"
    ANALYSIS_JUDGE = "analysis:judge"
    CASE_READ = "case:read"
    CASE_WRITE = "case:write"
    CASE_HANDOVER = "case:handover"
    XREF_RUN = "analysis:xref"
    DRONE_READ = "drone:read"
    DRONE_WRITE = "drone:write"
    DRONE_INGEST = "drone:ingest"
    CRYPTO_READ = "crypto:read"
    CRYPTO_WRITE = "crypto:write"
    TRAINING_READ = "training:read"
    TRAINING_MANAGE = "training:manage"
    MEDIA_READ = "media:read"
    MEDIA_MATCH = "media:match"
    MEDIA_WRITE = "media:write"
    WEBHOOK_ADMIN = "webhook:admin"
    CYBER_READ = "cyber:read"
    CYBER_WRITE = "cyber:write"
    PURSUIT_READ = "pursuit:read"
    PURSUIT_WRITE = "pursuit:write"
    ASSESSMENT_READ = "assessment:read"
    ASSESSMENT_WRITE = "assessment:write"
    ASSESSMENT_REVIEW = "assessment:review"


ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.FRONTLINE_OFFICER: frozenset({Perm.NOTICE_READ, Perm.ENTITY_READ, Perm.MEMBER_READ, Perm.SCREEN}),
    Role.BUREAU_OFFICER: frozenset(
        {
            Perm.NOTICE_READ,
            Perm.NOTICE_WRITE,
            Perm.ENTITY_READ,
            Perm.ENTITY_WRITE,
            Perm.MEMBER_READ,
            Perm.SCREEN,
            Perm.HIT_ANSWER,
            Perm.DOCUMENT_WRITE,
            Perm.ANALYSIS_JUDGE,
        }
    ),
    Role.REVIEWER: frozenset({Perm.NOTICE_READ, Perm.NOTICE_REVIEW, Perm.ENTITY_READ, Perm.MEMBER_READ}),
    Role.ANALYST: frozenset(
        {
            Perm.NOTICE_READ,
            Perm.ENTITY_READ,
            Perm.ENTITY_WRITE,
            Perm.MEMBER_READ,
            Perm.SCREEN,
            Perm.ANALYSIS_JUDGE,
            Perm.XREF_RUN,
        }
    ),
    Role.DUTY_OFFICER: frozenset({Perm.NOTICE_READ, Perm.ENTITY_READ, Perm.MEMBER_READ, Perm.SCREEN, Perm.HIT_ANSWER}),
    Role.ADMINISTRATOR: frozenset({Perm.MEMBER_READ, Perm.MEMBER_ADMIN, Perm.AUDIT_READ, Perm.XREF_RUN}),
}

# Cross-border cases: bureau officers, analysts and duty officers take part in cases; bureau and duty desks
# keep the shift handover. Frontline officers, reviewers and administrators do not read case content.
CASE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.BUREAU_OFFICER: frozenset({Perm.CASE_READ, Perm.CASE_WRITE, Perm.CASE_HANDOVER}),
    Role.ANALYST: frozenset({Perm.CASE_READ, Perm.CASE_WRITE}),
    Role.DUTY_OFFICER: frozenset({Perm.CASE_READ, Perm.CASE_WRITE, Perm.CASE_HANDOVER}),
}
for _role, _perms in CASE_PERMS.items():
    ROLE_PERMS[_role] = ROLE_PERMS[_role] | _perms

# Training: everyone reads the catalogue, applies and takes e-learning; bureau officers and administrators run
# their country's catalogue, approve their officers' applications and issue or revoke certificates.
for _role in Role:
    ROLE_PERMS[_role] = ROLE_PERMS[_role] | {Perm.TRAINING_READ}
for _role in (Role.BUREAU_OFFICER, Role.ADMINISTRATOR):
    ROLE_PERMS[_role] = ROLE_PERMS[_role] | {Perm.TRAINING_MANAGE}

# Media hash-sharing: officers who handle content match files and give feedback; bureau officers and analysts
# keep their country's hash banks. Reviewers and administrators never see bank contents.
MEDIA_PERMS: dict[Role, frozenset[Perm]] = {
    Role.FRONTLINE_OFFICER: frozenset({Perm.MEDIA_READ, Perm.MEDIA_MATCH}),
    Role.BUREAU_OFFICER: frozenset({Perm.MEDIA_READ, Perm.MEDIA_MATCH, Perm.MEDIA_WRITE}),
    Role.ANALYST: frozenset({Perm.MEDIA_READ, Perm.MEDIA_MATCH, Perm.MEDIA_WRITE}),
    Role.DUTY_OFFICER: frozenset({Perm.MEDIA_READ, Perm.MEDIA_MATCH}),
}
for _role, _perms in MEDIA_PERMS.items():
    ROLE_PERMS[_role] = ROLE_PERMS[_role] | _perms

# Crypto tracing: bureau officers and analysts import ledger slices, tag addresses and report wallets; duty
# officers read clusters and exposure (screening a wallet also needs SCREEN).
CRYPTO_PERMS: dict[Role, frozenset[Perm]] = {
    Role.BUREAU_OFFICER: frozenset({Perm.CRYPTO_READ, Perm.CRYPTO_WRITE}),
    Role.ANALYST: frozenset({Perm.CRYPTO_READ, Perm.CRYPTO_WRITE}),
    Role.DUTY_OFFICER: frozenset({Perm.CRYPTO_READ}),
}
for _role, _perms in CRYPTO_PERMS.items():
    ROLE_PERMS[_role] = ROLE_PERMS[_role] | _perms

# Cyber indicators: bureau officers and analysts keep their country's indicators, import and export STIX/MISP and
# run TAXII pulls; frontline and duty officers read indicators and the KEV feed.
CYBER_PERMS: dict[Role, frozenset[Perm]] = {
    Role.FRONTLINE_OFFICER: frozenset({Perm.CYBER_READ}),
    Role.BUREAU_OFFICER: frozenset({Perm.CYBER_READ, Perm.CYBER_WRITE}),
    Role.ANALYST: frozenset({Perm.CYBER_READ, Perm.CYBER_WRITE}),
    Role.DUTY_OFFICER: frozenset({Perm.CYBER_READ}),
}
for _role, _perms in CYBER_PERMS.items():
    ROLE_PERMS[_role] = ROLE_PERMS[_role] | _perms

# Drones: frontline, bureau, analyst and duty desks see their country's tracks and incidents; bureau, analyst and
# duty officers keep geofences, receivers and incidents; receivers post with keys scoped to drone:ingest.
DRONE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.FRONTLINE_OFFICER: frozenset({Perm.DRONE_READ, Perm.DRONE_INGEST}),
    Role.BUREAU_OFFICER: frozenset({Perm.DRONE_READ, Perm.DRONE_WRITE, Perm.DRONE_INGEST}),
    Role.ANALYST: frozenset({Perm.DRONE_READ, Perm.DRONE_WRITE}),
    Role.DUTY_OFFICER: frozenset({Perm.DRONE_READ, Perm.DRONE_WRITE, Perm.DRONE_INGEST}),
}
for _role, _perms in DRONE_PERMS.items():
    ROLE_PERMS[_role] = ROLE_PERMS[_role] | _perms

# Pursuit of wanted persons: bureau and duty desks run pursuits and operations; analysts read them. Treaties
# are kept by administrators (member:admin).
PURSUIT_PERMS: dict[Role, frozenset[Perm]] = {
    Role.BUREAU_OFFICER: frozenset({Perm.PURSUIT_READ, Perm.PURSUIT_WRITE}),
    Role.DUTY_OFFICER: frozenset({Perm.PURSUIT_READ, Perm.PURSUIT_WRITE}),
    Role.ANALYST: frozenset({Perm.PURSUIT_READ}),
}
for _role, _perms in PURSUIT_PERMS.items():
    ROLE_PERMS[_role] = ROLE_PERMS[_role] | _perms

# Webhooks: a member's administrators subscribe its endpoints to event types and replay dead deliveries.
ROLE_PERMS[Role.ADMINISTRATOR] = ROLE_PERMS[Role.ADMINISTRATOR] | {Perm.WEBHOOK_ADMIN}

# Threat assessments: analysts and bureau officers write their member's assessments and peer-review other
# members'; reviewers review; duty officers read what is disseminated to their member.
ASSESSMENT_PERMS: dict[Role, frozenset[Perm]] = {
    Role.BUREAU_OFFICER: frozenset({Perm.ASSESSMENT_READ, Perm.ASSESSMENT_WRITE, Perm.ASSESSMENT_REVIEW}),
    Role.ANALYST: frozenset({Perm.ASSESSMENT_READ, Perm.ASSESSMENT_WRITE, Perm.ASSESSMENT_REVIEW}),
    Role.REVIEWER: frozenset({Perm.ASSESSMENT_READ, Perm.ASSESSMENT_REVIEW}),
    Role.DUTY_OFFICER: frozenset({Perm.ASSESSMENT_READ}),
}
for _role, _perms in ASSESSMENT_PERMS.items():
    ROLE_PERMS[_role] = ROLE_PERMS[_role] | _perms

ALL_SCOPES: frozenset[str] = frozenset(p.value for p in Perm)


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user of a member country, through an API key or a session."""

    user_id: str
    username: str
    country: str
    role: Role
    scopes: frozenset[str] = field(default=ALL_SCOPES)
    api_key_id: str | None = None
    purpose: str | None = None
    # The credential, beyond the key id: a console session's reference (a digest of its nonce), and who
    # minted the key or set the password when it was not the user (an administrator who could act as them).
    session_ref: str | None = None
    credential_by: str | None = None

    @property
    def credential(self) -> dict[str, str] | None:
        """The credential acted through, as the audit chain records it (None for system actors)."""
        found = {"api_key": self.api_key_id, "session": self.session_ref, "set_by": self.credential_by}
        return {k: v for k, v in found.items() if v is not None} or None

    @property
    def perms(self) -> frozenset[Perm]:
        """Permissions of the role, narrowed by the credential's scopes."""
        return frozenset(p for p in ROLE_PERMS[self.role] if p.value in self.scopes)

    def can(self, perm: Perm) -> bool:
        """Tell whether the actor holds ``perm``."""
        return perm in self.perms


SYSTEM = Actor(user_id="system", username="system", country="ZZ", role=Role.ADMINISTRATOR)
