"""Audit event types and the append function every action and audited read calls."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum, unique
from typing import Any

from sqlalchemy.orm import Session

from manara.audit import chain
from manara.audit.models import AuditEvent
from manara.context import current_request_id
from manara.identity import Actor

SECRET_MARKERS = ("password", "secret", "token", "api_key", "digest", "totp")


@unique
class AuditAction(StrEnum):
    """Every audited action, named ``<domain>.<verb>``."""

    MEMBER_CREATED = "member.created"
    MEMBER_UPDATED = "member.updated"
    AGENCY_CREATED = "agency.created"
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    API_KEY_CREATED = "api_key.created"
    API_KEY_REVOKED = "api_key.revoked"
    ENTITY_UPSERTED = "entity.upserted"
    ENTITY_DELETED = "entity.deleted"
    ENTITY_VIEWED = "entity.viewed"
    ENTITY_SEARCHED = "entity.searched"
    ENTITY_IMPORTED = "entity.imported"
    ENTITY_EXPORTED = "entity.exported"
    ENTITY_REVALIDATED = "entity.revalidated"
    ENTITY_EXPIRED = "entity.expired"
    NOTICE_CREATED = "notice.created"
    NOTICE_UPDATED = "notice.updated"
    NOTICE_SUBMITTED = "notice.submitted"
    NOTICE_APPROVED = "notice.approved"
    NOTICE_REFUSED = "notice.refused"
    NOTICE_CLEARED = "notice.cleared"
    NOTICE_CANCELLED = "notice.cancelled"
    NOTICE_EXPIRED = "notice.expired"
    NOTICE_REVALIDATED = "notice.revalidated"
    NOTICE_VIEWED = "notice.viewed"
    NOTICE_SEARCHED = "notice.searched"
    SCREENED = "screening.searched"
    SCREENING_BATCH = "screening.batch"
    SCREENING_PURGED = "screening.purged"
    DOCUMENT_CHECKED = "document.checked"
    DOCUMENT_REPORTED = "document.reported"
    DOCUMENT_WITHDRAWN = "document.withdrawn"
    HIT_RAISED = "hit.raised"
    HIT_VIEWED = "hit.viewed"
    HIT_ACKNOWLEDGED = "hit.acknowledged"
    HIT_JUDGED = "hit.judged"
    BIOMETRIC_ENROLLED = "biometric.enrolled"
    BIOMETRIC_DELETED = "biometric.deleted"
    BIOMETRIC_SEARCHED = "biometric.searched"
    BIOMETRIC_VERIFIED = "biometric.verified"
    BIOMETRIC_TEMPLATE_VIEWED = "biometric.template_viewed"
    LINK_SUGGESTED = "analysis.link_suggested"
    LINK_JUDGED = "analysis.link_judged"
    ANALYSIS_VIEWED = "analysis.viewed"
    ANALYSIS_EXPORTED = "analysis.exported"
    XREF_RUN = "analysis.xref_run"
    XREF_REQUESTED = "analysis.xref_requested"
    AUDIT_VIEWED = "audit.viewed"
    AUTH_FAILED = "auth.failed"
    AUTH_SIGNED_IN = "auth.signed_in"
    AUTH_SIGN_IN_FAILED = "auth.sign_in_failed"
    AUTH_LOCKED = "auth.locked"
    AUTH_SIGNED_OUT = "auth.signed_out"
    AUTH_SESSION_OPENED = "auth.session_opened"
    AUTH_SESSION_REVOKED = "auth.session_revoked"
    AUTH_THROTTLED = "auth.throttled"
    AUTH_OIDC_FAILED = "auth.oidc_failed"
    SECRETS_REENCRYPTED = "secrets.reencrypted"
    USER_PASSWORD_SET = "user.password_set"  # noqa: S105 - an audit action name, not a password
    USER_PREFERENCES_SET = "user.preferences_set"
    CASE_OPENED = "case.opened"
    CASE_VIEWED = "case.viewed"
    CASE_LISTED = "case.listed"
    CASE_INVITED = "case.invited"
    CASE_ACCEPTED = "case.accepted"
    CASE_LINKED = "case.linked"
    CASE_CLOSED = "case.closed"
    CASE_MESSAGE_POSTED = "case.message_posted"
    CASE_ATTACHMENT_ADDED = "case.attachment_added"
    CASE_ATTACHMENT_DOWNLOADED = "case.attachment_downloaded"
    CASE_TASK_ASSIGNED = "case.task_assigned"
    CASE_TASK_UPDATED = "case.task_updated"
    HANDOVER_WRITTEN = "handover.written"
    HANDOVER_VIEWED = "handover.viewed"
    HANDOVER_ACKNOWLEDGED = "handover.acknowledged"
    SEARCHED = "search.searched"
    HIT_ESCALATED = "hit.escalated"
    NOTICE_ESCALATED = "notice.escalated"
    QUEUE_ACKNOWLEDGED = "queue.acknowledged"
    USER_TOTP_STARTED = "user.totp_started"
    USER_TOTP_ENABLED = "user.totp_enabled"
    USER_TOTP_RESET = "user.totp_reset"
    CASE_ESCALATED = "case.escalated"
    DRONE_RECEIVER_REGISTERED = "drone.receiver_registered"
    DRONE_RECEIVER_UPDATED = "drone.receiver_updated"
    DRONE_MESSAGES_INGESTED = "drone.messages_ingested"
    DRONE_MESSAGES_PURGED = "drone.messages_purged"
    DRONE_GEOFENCE_CREATED = "drone.geofence_created"
    DRONE_GEOFENCE_UPDATED = "drone.geofence_updated"
    DRONE_GEOFENCES_IMPORTED = "drone.geofences_imported"
    DRONE_INCIDENT_OPENED = "drone.incident_opened"
    DRONE_INCIDENT_SHARED = "drone.incident_shared"
    DRONE_INCIDENT_CLOSED = "drone.incident_closed"
    DRONE_INCIDENT_LINKED = "drone.incident_linked"
    DRONE_EVIDENCE_ADDED = "drone.evidence_added"
    DRONE_EVIDENCE_EXPORTED = "drone.evidence_exported"
    DRONE_INCIDENT_VIEWED = "drone.incident_viewed"
    DRONE_TRACK_VIEWED = "drone.track_viewed"
    DRONE_TRACKS_LISTED = "drone.tracks_listed"
    DRONE_INCIDENTS_LISTED = "drone.incidents_listed"
    DRONE_MATCHES_VIEWED = "drone.matches_viewed"
    CRYPTO_IMPORTED = "crypto.imported"
    CRYPTO_TAGS_IMPORTED = "crypto.tags_imported"
    CRYPTO_TAGGED = "crypto.tagged"
    CRYPTO_TAG_DELETED = "crypto.tag_deleted"
    CRYPTO_WALLET_ADDED = "crypto.wallet_added"
    CRYPTO_WALLET_DELETED = "crypto.wallet_deleted"
    CRYPTO_INVESTIGATION_OPENED = "crypto.investigation_opened"
    CRYPTO_INVESTIGATION_UPDATED = "crypto.investigation_updated"
    CRYPTO_SCREENED = "crypto.screened"
    CRYPTO_VIEWED = "crypto.viewed"
    CYBER_INDICATOR_ADDED = "cyber.indicator_added"
    CYBER_INDICATOR_REVOKED = "cyber.indicator_revoked"
    CYBER_LINKED = "cyber.linked"
    CYBER_IMPORTED = "cyber.imported"
    CYBER_EXPORTED = "cyber.exported"
    CYBER_VIEWED = "cyber.viewed"
    CYBER_KEV_IMPORTED = "cyber.kev_imported"
    CYBER_KEV_CITED = "cyber.kev_cited"
    CYBER_FEED_SAVED = "cyber.feed_saved"
    CYBER_TAXII_PULLED = "cyber.taxii_pulled"
    TRAINING_COURSE_CREATED = "training.course_created"
    TRAINING_SESSION_CREATED = "training.session_created"
    TRAINING_APPLIED = "training.applied"
    TRAINING_APPROVED = "training.approved"
    TRAINING_REJECTED = "training.rejected"
    TRAINING_CANCELLED = "training.cancelled"
    TRAINING_PROMOTED = "training.promoted"
    TRAINING_RESULT_RECORDED = "training.result_recorded"
    TRAINING_ASSESSMENT_TAKEN = "training.assessment_taken"
    TRAINING_CERTIFICATE_ISSUED = "training.certificate_issued"
    TRAINING_CERTIFICATE_REVOKED = "training.certificate_revoked"
    TRAINING_CERTIFICATE_VIEWED = "training.certificate_viewed"
    TRAINING_ENROLMENTS_VIEWED = "training.enrolments_viewed"
    TRAINING_EXPIRY_NOTIFIED = "training.expiry_notified"
    TRAINING_KEY_CREATED = "training.key_created"
    MEDIA_BANK_CREATED = "media.bank_created"
    MEDIA_BANK_UPDATED = "media.bank_updated"
    MEDIA_HASHES_ADDED = "media.hashes_added"
    MEDIA_HASH_DISABLED = "media.hash_disabled"
    MEDIA_HASH_ENABLED = "media.hash_enabled"
    MEDIA_BANK_EXPORTED = "media.bank_exported"
    MEDIA_MATCHED = "media.matched"
    MEDIA_MATCH_FEEDBACK = "media.match_feedback"
    MEDIA_MATCHES_VIEWED = "media.matches_viewed"
    ASSESSMENT_CREATED = "assessment.created"
    ASSESSMENT_UPDATED = "assessment.updated"
    ASSESSMENT_COMPUTED = "assessment.computed"
    ASSESSMENT_SUBMITTED = "assessment.submitted"
    ASSESSMENT_REVIEWED = "assessment.reviewed"
    ASSESSMENT_PUBLISHED = "assessment.published"
    ASSESSMENT_SUPERSEDED = "assessment.superseded"
    ASSESSMENT_VIEWED = "assessment.viewed"
    ASSESSMENT_LISTED = "assessment.listed"
    ASSESSMENT_RENDER_REQUESTED = "assessment.render_requested"
    ASSESSMENT_RENDERED = "assessment.rendered"
    ASSESSMENT_DOWNLOADED = "assessment.downloaded"
    CRIME_AREAS_CLASSIFIED = "crime.classified"
    WEBHOOK_SUBSCRIBED = "webhook.subscribed"
    WEBHOOK_UPDATED = "webhook.updated"
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated"  # noqa: S105 - an audit action name, not a secret
    WEBHOOK_DELETED = "webhook.deleted"
    WEBHOOK_REPLAYED = "webhook.replayed"
    PURSUIT_OPENED = "pursuit.opened"
    PURSUIT_STEPPED = "pursuit.stepped"
    PURSUIT_SIGHTING_ADDED = "pursuit.sighting_added"
    PURSUIT_DOCUMENT_ADDED = "pursuit.document_added"
    PURSUIT_DOCUMENT_DOWNLOADED = "pursuit.document_downloaded"
    PURSUIT_VIEWED = "pursuit.viewed"
    PURSUIT_LISTED = "pursuit.listed"
    PURSUIT_ESCALATED = "pursuit.escalated"
    TREATY_REGISTERED = "treaty.registered"
    OPERATION_CREATED = "operation.created"
    OPERATION_UPDATED = "operation.updated"
    OPERATION_TARGETS_ADDED = "operation.targets_added"
    OPERATION_TARGET_UPDATED = "operation.target_updated"
    OPERATION_VIEWED = "operation.viewed"
    APPEAL_PUBLISHED = "appeal.published"
    APPEAL_WITHDRAWN = "appeal.withdrawn"
    APPEAL_TIP_RECEIVED = "appeal.tip_received"
    APPEAL_TIPS_VIEWED = "appeal.tips_viewed"
    APPEAL_TIPS_PURGED = "appeal.tips_purged"
    APPEAL_TIP_ESCALATED = "appeal.tip_escalated"
    OPS_BACKUP_MADE = "ops.backup_made"
    OPS_RESTORED = "ops.restored"


def cleanse(data: Any) -> Any:
    """Drop values under keys that look like secrets, recursively."""
    if isinstance(data, dict):
        return {
            k: ("[redacted]" if any(m in str(k).lower() for m in SECRET_MARKERS) else cleanse(v))
            for k, v in data.items()
        }
    if isinstance(data, list | tuple):
        return [cleanse(v) for v in data]
    return data


def record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    *,
    target_type: str | None = None,
    target_ids: Iterable[str] = (),
    query: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit event to the chain in the caller's transaction (numbered and hashed as it is written;
    in a group-commit batch, when the batch is written)."""
    event = AuditEvent(
        request_id=current_request_id(),
        user_id=actor.user_id,
        username=actor.username,
        country=actor.country,
        role=str(actor.role),
        purpose=actor.purpose,
        action=str(action),
        target_type=target_type,
        target_ids=[str(t) for t in target_ids],
        query=cleanse(query) if query is not None else None,
        extra=cleanse(extra) if extra is not None else None,
        credential=actor.credential,
    )
    chain.append(session, event)
    return event


def do_log_audit_read(session: Session, actor: Actor, query: dict[str, Any]) -> None:
    """Audit a search of the audit log itself (its filters)."""
    record(session, actor, AuditAction.AUDIT_VIEWED, target_type="audit", query=query)
