"""Pydantic shapes of the training API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from manara.identity import Role
from manara.schemas_common import Line, Text
from manara.training.models import CRIME_AREAS, LANGUAGES, LEVELS

Language = Literal["en", "fr", "ar", "es"]
Code = Field(..., min_length=2, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class Question(BaseModel):
    """A multiple-choice question: ``answer`` is the index of the right option."""

    model_config = ConfigDict(extra="forbid")

    text: Line = Field(..., min_length=1)
    options: list[Line] = Field(..., min_length=2, max_length=8)
    answer: int = Field(..., ge=0)

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> Question:
        if self.answer >= len(self.options):
            raise ValueError("answer must be the index of one of the options")
        return self


class Module(BaseModel):
    """An e-learning module and its short assessment."""

    model_config = ConfigDict(extra="forbid")

    title: Line = Field(..., min_length=1)
    questions: list[Question] = Field(..., min_length=1, max_length=50)


def _four_languages(value: dict[str, str], *, required: bool) -> dict[str, str]:
    unknown = set(value) - set(LANGUAGES)
    if unknown:
        raise ValueError(f"unknown language(s): {', '.join(sorted(unknown))}; expected en, fr, ar, es")
    if required and any(not value.get(lang, "").strip() for lang in LANGUAGES):
        raise ValueError("give the text in the four languages: en, fr, ar, es")
    return value


class CourseIn(BaseModel):
    """A course of your country's catalogue, titled and described in the four languages."""

    model_config = ConfigDict(extra="forbid")

    code: str = Code
    title: dict[str, Line]
    description: dict[str, Text] = Field(default_factory=dict)
    crime_areas: list[Literal[CRIME_AREAS]] = Field(..., min_length=1, max_length=len(CRIME_AREAS))  # type: ignore[valid-type]
    level: Literal[LEVELS] = "basic"  # type: ignore[valid-type]
    hours: int = Field(..., ge=1, le=2000)
    prerequisites: list[str] = Field(default_factory=list, max_length=20)
    validity_months: int = Field(24, ge=1, le=240)
    qualifies_roles: list[Role] = Field(default_factory=list, max_length=len(Role))
    elearning: bool = False
    modules: list[Module] = Field(default_factory=list, max_length=30)
    pass_mark: int = Field(70, ge=1, le=100)

    @field_validator("code")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @field_validator("title")
    @classmethod
    def _titles(cls, value: dict[str, str]) -> dict[str, str]:
        return _four_languages(value, required=True)

    @field_validator("description")
    @classmethod
    def _descriptions(cls, value: dict[str, str]) -> dict[str, str]:
        return _four_languages(value, required=False)

    @field_validator("prerequisites")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        for code in value:
            if not code or len(code) > 40 or not code.replace("-", "").replace(".", "").replace("_", "").isalnum():
                raise ValueError("prerequisites are course codes")
        return sorted({c.upper() for c in value})

    @model_validator(mode="after")
    def _elearning_has_modules(self) -> CourseIn:
        if self.elearning and not self.modules:
            raise ValueError("an e-learning course needs at least one module with its assessment")
        return self


class CourseOut(BaseModel):
    """A course of the catalogue (the assessment's answers are not shown)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    owner_country: str
    code: str
    title: dict[str, str]
    description: dict[str, str]
    crime_areas: list[str]
    level: str
    hours: int
    prerequisites: list[str]
    validity_months: int
    qualifies_roles: list[str]
    elearning: bool
    pass_mark: int
    questions: int = 0
    active: bool


class SessionIn(BaseModel):
    """A dated session of one of your country's courses."""

    model_config = ConfigDict(extra="forbid")

    starts_on: date
    ends_on: date
    place: Line = ""
    online: bool = False
    seats: int = Field(..., ge=1, le=10_000)
    trainers: list[Line] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _dates(self) -> SessionIn:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        if not self.online and not self.place.strip():
            raise ValueError("give a place, or mark the session online")
        return self


class SessionOut(BaseModel):
    """A session with its seat count."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    course_id: str
    owner_country: str
    starts_on: date
    ends_on: date
    place: str
    online: bool
    seats: int
    trainers: list[str]
    status: str
    enrolled: int = 0
    waitlisted: int = 0


class EnrolmentIn(BaseModel):
    """Apply to a session of a course (or to an e-learning course: no session)."""

    model_config = ConfigDict(extra="forbid")

    course_id: str = Field(..., max_length=36)
    session_id: str | None = Field(None, max_length=36)
    language: Language = "en"
    note: Line = ""


class ResultIn(BaseModel):
    """Attendance and result of an enrolled officer, recorded by the course's owner."""

    model_config = ConfigDict(extra="forbid")

    attended: bool
    score: int | None = Field(None, ge=0, le=100)
    passed: bool


class AnswersIn(BaseModel):
    """Answers to an e-learning assessment: one option index per question, module by module, in order."""

    model_config = ConfigDict(extra="forbid")

    answers: list[list[int]] = Field(..., max_length=30)


class ReasonIn(BaseModel):
    """Why a certificate is revoked or an application refused."""

    model_config = ConfigDict(extra="forbid")

    reason: Line = Field(..., min_length=1)


class EnrolmentOut(BaseModel):
    """An enrolment with its place on the waiting list."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    course_id: str
    session_id: str | None
    user_id: str
    holder_name: str
    country: str
    language: str
    status: str
    attended: bool | None
    score: int | None
    attempts: int
    approved_at: datetime | None
    completed_at: datetime | None
    waitlist_position: int | None = None
    certificate_id: str | None = None


class CertificateOut(BaseModel):
    """A certificate and its signed credential."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    course_id: str
    course_code: str
    user_id: str
    holder_country: str
    issuer_country: str
    language: str
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revocation_reason: str
    credential: dict[str, Any]


class VerificationOut(BaseModel):
    """What verifying a credential found."""

    status: Literal["valid", "revoked", "expired", "tampered", "not_yet_valid", "unknown_issuer"]
    reason: str = ""
    certificate_id: str | None = None
    issuer: str | None = None
    checked_at: datetime


class RequirementOut(BaseModel):
    """A course a permission of your role requires, and whether you hold a valid certificate of it."""

    permission: str
    course_code: str
    held: bool
    expires_at: datetime | None = None
