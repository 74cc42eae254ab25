"""Import every model so ``Base.metadata`` is complete (migrations, tests)."""

from manara.analysis.models import SuggestedLink, XrefState
from manara.audit.models import AuditEvent, AuditHead
from manara.biometric.models import BiometricTemplate, BiometricVerification
from manara.case.models import Case, CaseAttachment, CaseEvent, CaseMember, CaseMessage, CaseTask, HandoverNote
from manara.crypto.models import (
    CryptoAddress,
    CryptoInput,
    CryptoInvestigation,
    CryptoLink,
    CryptoOutput,
    CryptoTag,
    CryptoTx,
    CryptoWallet,
)
from manara.db.base import Base
from manara.document.models import DocumentReport
from manara.drone.models import (
    DroneCustody,
    DroneEvidence,
    DroneIdentifier,
    DroneIncident,
    DroneIncidentShare,
    DroneMessage,
    DroneReceiver,
    DroneTrack,
    DroneTrackPoint,
    Geofence,
)
from manara.entity.models import Entity, EntityShare
from manara.hit.models import Hit
from manara.idempotency import IdempotencyRecord
from manara.live.models import QueueAcknowledgement, QueueEscalation
from manara.media.models import HashBank, MediaHash, MediaMatch
from manara.member.models import Agency, ApiKey, Member, User
from manara.notice.models import Notice, NoticeReview, NoticeShare
from manara.outbox.models import OutboxEvent
from manara.screening.models import ScreeningJob
from manara.search.models import SearchDoc, SearchTerm

__all__ = [
    "Agency",
    "ApiKey",
    "AuditEvent",
    "AuditHead",
    "Base",
    "BiometricTemplate",
    "BiometricVerification",
    "DocumentReport",
    "DroneCustody",
    "DroneEvidence",
    "DroneIdentifier",
    "DroneIncident",
    "DroneIncidentShare",
    "DroneMessage",
    "DroneReceiver",
    "DroneTrack",
    "DroneTrackPoint",
    "Geofence",
    "Entity",
    "EntityShare",
    "Hit",
    "IdempotencyRecord",
    "Member",
    "Notice",
    "NoticeReview",
    "NoticeShare",
    "OutboxEvent",
    "ScreeningJob",
    "SuggestedLink",
    "User",
    "XrefState",
    "QueueAcknowledgement",
    "QueueEscalation",
    "Case",
    "CaseAttachment",
    "CaseEvent",
    "CaseMember",
    "CaseMessage",
    "CaseTask",
    "HandoverNote",
    "SearchDoc",
    "SearchTerm",
    "CryptoAddress",
    "CryptoInput",
    "CryptoInvestigation",
    "CryptoLink",
    "CryptoOutput",
    "CryptoTag",
    "CryptoTx",
    "CryptoWallet",
    "HashBank",
    "MediaHash",
    "MediaMatch",
]
