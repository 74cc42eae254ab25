"""Pydantic shapes of the case API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from manara.analysis.schemas import EntityRef
from manara.case.models import Priority, TaskStatus
from manara.crime import CrimeArea
from manara.schemas_common import CountryCode, Line, Text
from manara.tlp import Tlp

Ids = list[Line]


def _not_blank(value: str) -> str:
    if not value:
        raise ValueError("must contain visible characters")  # e.g. only zero-width or bidi controls were sent
    return value


Title = Annotated[Line, Field(min_length=1, max_length=300), AfterValidator(_not_blank)]
Body = Annotated[Text, Field(min_length=1), AfterValidator(_not_blank)]


class CaseIn(BaseModel):
    """A new case: what it is about, its handling marking and priority, whom to invite, what it concerns."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    summary: Text = ""
    tlp: Tlp = Tlp.AMBER
    priority: Priority = Priority.NORMAL
    invite: list[CountryCode] = Field(default_factory=list, max_length=50)
    entity_ids: Ids = Field(default_factory=list, max_length=50)
    notice_ids: Ids = Field(default_factory=list, max_length=50)
    crime_areas: list[CrimeArea] = Field(default_factory=list, max_length=16)


class CaseFromLinkIn(BaseModel):
    """A case opened from a suggested link: the link's other side is invited without being named."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    summary: Text = ""
    tlp: Tlp = Tlp.AMBER
    priority: Priority = Priority.NORMAL


class InviteIn(BaseModel):
    """Member countries to invite."""

    model_config = ConfigDict(extra="forbid")

    countries: list[CountryCode] = Field(..., min_length=1, max_length=50)


class LinkRecordsIn(BaseModel):
    """Entities and notices (that you may see) to attach to a case."""

    model_config = ConfigDict(extra="forbid")

    entity_ids: Ids = Field(default_factory=list, max_length=50)
    notice_ids: Ids = Field(default_factory=list, max_length=50)


class MessageIn(BaseModel):
    """A message in the case thread, optionally answering another."""

    model_config = ConfigDict(extra="forbid")

    body: Body
    parent_id: Line | None = None


class TaskIn(BaseModel):
    """A task: assigned to a member country of the case, or to one of its users; optional due date."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Text = ""
    assignee_country: CountryCode | None = None
    assignee_user_id: Line | None = None
    due_at: AwareDatetime | None = None


class TaskUpdateIn(BaseModel):
    """A task's new status (and optionally a new due date)."""

    model_config = ConfigDict(extra="forbid")

    status: TaskStatus
    due_at: AwareDatetime | None = None


class HandoverIn(BaseModel):
    """A shift handover note for the next shift of your desk."""

    model_config = ConfigDict(extra="forbid")

    open_items: Body
    watch: Text = ""
    case_ids: Ids = Field(default_factory=list, max_length=100)


class MemberOut(BaseModel):
    """A member of a case as the viewer sees it (``country`` is null for a sealed invitee not yet accepted)."""

    country: str | None
    role: str
    sealed: bool
    invited_at: datetime
    due_at: datetime | None
    responded_at: datetime | None


class NoticeRef(BaseModel):
    """A notice attached to a case."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    reference: str
    type: str
    title: str
    owner_country: str


class LinkRef(BaseModel):
    """The suggested link a case was opened from; its content only for those who may see both sides."""

    id: str
    visible: bool
    status: str | None = None
    score: float | None = None
    own_entity: EntityRef | None = Field(None, description="the viewer's own entity in the link")


class CaseSummaryOut(BaseModel):
    """A case in a list."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    tlp: str
    priority: str
    status: str
    owner_country: str
    crime_areas: list[str] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime


class CaseOut(CaseSummaryOut):
    """A case with what the viewer may see of its members and records."""

    summary: str
    closed_at: datetime | None
    members: list[MemberOut]
    entities: list[EntityRef]
    notices: list[NoticeRef]
    link: LinkRef | None


class AttachmentOut(BaseModel):
    """An attached file's metadata (download it from its URL)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    message_id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    country: str
    created_at: datetime


class MessageOut(BaseModel):
    """A message of the thread."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    parent_id: str | None
    country: str
    username: str
    body: str
    created_at: datetime
    attachments: list[AttachmentOut]


class TaskOut(BaseModel):
    """A task of a case."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    case_id: str
    title: str
    description: str
    assignee_country: str
    assignee_user_id: str | None
    due_at: datetime | None
    status: str
    created_country: str
    created_at: datetime
    updated_at: datetime


class TimelineEventOut(BaseModel):
    """One event of a case's timeline, oldest first."""

    seq: int
    kind: str
    at: datetime
    country: str | None
    username: str | None
    data: dict[str, Any]


class HandoverOut(BaseModel):
    """A handover note of your desk."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    country: str
    author_name: str
    open_items: str
    watch: str
    case_ids: list[str]
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_name: str | None


class AwaitingOut(BaseModel):
    """A case awaiting an invited member's first response, with its deadline (``country`` None when sealed)."""

    case_id: str
    title: str
    priority: str
    tlp: str
    owner_country: str
    country: str | None
    invited_at: datetime
    due_at: datetime
    overdue: bool
