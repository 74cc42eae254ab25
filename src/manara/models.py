"""Import every model so ``Base.metadata`` is complete (migrations, tests)."""

from manara.analysis.models import SuggestedLink, XrefState
from manara.assessment.models import Assessment, AssessmentIndicator, AssessmentRender
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
from manara.cyber.models import CyberIndicator, CyberLink, KevCitation, KevEntry, TaxiiFeed, TaxiiStatus
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
from manara.idempotency import IdempotencyRecord, IdempotentResponse
from manara.live.models import QueueAcknowledgement, QueueEscalation
from manara.media.models import HashBank, MediaHash, MediaMatch
from manara.member.models import Agency, ApiKey, ConsoleSession, Member, SignInThrottle, User
from manara.notice.models import Notice, NoticeReview, NoticeShare
from manara.outbox.models import OutboxEvent
from manara.pursuit.models import (
    Operation,
    OperationMember,
    OperationTarget,
    PublicAppeal,
    PublicTip,
    PublicTipAttachment,
    Pursuit,
    PursuitDocument,
    PursuitMember,
    PursuitStep,
    Sighting,
    Treaty,
)
from manara.screening.models import ScreeningJob
from manara.search.models import SearchDoc, SearchTerm
from manara.webhook.models import WebhookCursor, WebhookDelivery, WebhookSubscription

__all__ = [
    "Assessment",
    "AssessmentIndicator",
    "AssessmentRender",
    "Agency",
    "ApiKey",
    "AuditEvent",
    "AuditHead",
    "Base",
    "BiometricTemplate",
    "BiometricVerification",
    "ConsoleSession",
    "CyberIndicator",
    "CyberLink",
    "KevCitation",
    "KevEntry",
    "TaxiiFeed",
    "TaxiiStatus",
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
    "IdempotentResponse",
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
    "SignInThrottle",
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
    "Operation",
    "OperationMember",
    "OperationTarget",
    "PublicAppeal",
    "PublicTip",
    "PublicTipAttachment",
    "Pursuit",
    "PursuitDocument",
    "PursuitMember",
    "PursuitStep",
    "Sighting",
    "Treaty",
    "WebhookCursor",
    "WebhookDelivery",
    "WebhookSubscription",
]
