"""Pydantic shapes of the assessment API: scope, analyst parts (judgements, grading, recommendations), outputs."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from manara.crime import CrimeArea
from manara.schemas_common import CountryCode, Line, Text
from manara.tlp import Tlp

LANGUAGES = ("en", "fr", "ar", "es")
Language = Literal["en", "fr", "ar", "es"]


class Probability(StrEnum):
    """The UK Professional Head of Intelligence Assessment (PHIA) probability yardstick, least to most likely."""

    REMOTE_CHANCE = "remote_chance"
    HIGHLY_UNLIKELY = "highly_unlikely"
    UNLIKELY = "unlikely"
    REALISTIC_POSSIBILITY = "realistic_possibility"
    LIKELY = "likely"
    HIGHLY_LIKELY = "highly_likely"
    ALMOST_CERTAIN = "almost_certain"


class Confidence(StrEnum):
    """The analyst's confidence in a judgement (sources, corroboration, gaps)."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


# Admiralty (NATO) 6×6: source reliability A–F, information credibility 1–6. The 4×4 (EU/Europol handling
# codes): source A–D (X for unknown in the 6×6 sense is F here), information 1–4.
GRADING: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "6x6": (("A", "B", "C", "D", "E", "F"), ("1", "2", "3", "4", "5", "6")),
    "4x4": (("A", "B", "C", "D"), ("1", "2", "3", "4")),
}

REGIONS: dict[str, tuple[str, ...]] = {
    "north_africa": ("DZ", "EG", "LY", "MA", "MR", "SD", "TN"),
    "middle_east": ("AE", "BH", "IQ", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY", "YE"),
    "sahel": ("BF", "ML", "MR", "NE", "TD"),
    "west_africa": ("BJ", "CI", "GH", "GM", "GN", "LR", "NG", "SL", "SN", "TG"),
    "southern_europe": ("ES", "FR", "GR", "IT", "MT", "PT"),
    "western_europe": ("BE", "DE", "FR", "GB", "IE", "LU", "NL"),
}
RegionCode = Literal["north_africa", "middle_east", "sahel", "west_africa", "southern_europe", "western_europe"]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain visible characters")
    return value


Title = Annotated[Line, Field(min_length=1, max_length=300), AfterValidator(_not_blank)]
Statement = Annotated[Text, Field(min_length=1, max_length=4000), AfterValidator(_not_blank)]


class Judgement(BaseModel):
    """A key judgement: a statement, a probability word from the yardstick and a confidence level."""

    model_config = ConfigDict(extra="forbid")

    text: Statement
    probability: Probability
    confidence: Confidence
    crime_area: CrimeArea | None = None


class SourceGrade(BaseModel):
    """A source and the information it gave, graded in the 6×6 (Admiralty) or 4×4 system."""

    model_config = ConfigDict(extra="forbid")

    source: Annotated[Line, Field(min_length=1, max_length=300), AfterValidator(_not_blank)]
    system: Literal["6x6", "4x4"] = "6x6"
    reliability: Annotated[str, Field(min_length=1, max_length=1)]
    credibility: Annotated[str, Field(min_length=1, max_length=1)]
    note: Annotated[Line, Field(max_length=500)] = ""

    @model_validator(mode="after")
    def _grade_in_system(self) -> SourceGrade:
        sources, infos = GRADING[self.system]
        if self.reliability not in sources:
            raise ValueError(f"reliability must be one of {', '.join(sources)} in the {self.system} system")
        if self.credibility not in infos:
            raise ValueError(f"credibility must be one of {', '.join(infos)} in the {self.system} system")
        return self


Recommendation = Annotated[Text, Field(min_length=1, max_length=2000), AfterValidator(_not_blank)]


class _Scope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    regions: list[RegionCode] = Field(default_factory=list, max_length=10)
    countries: list[CountryCode] = Field(default_factory=list, max_length=100)
    crime_areas: list[CrimeArea] = Field(default_factory=list, max_length=16)


class AssessmentIn(_Scope):
    """A new draft: title, language, scope (regions or countries, crime areas, period), marking, dissemination."""

    title: Title
    language: Language = "en"
    tlp: Tlp = Tlp.AMBER
    period_start: date
    period_end: date
    dissemination: list[CountryCode] = Field(default_factory=list, max_length=100)
    summary: Text = ""

    @model_validator(mode="after")
    def _period(self) -> AssessmentIn:
        if self.period_end <= self.period_start:
            raise ValueError("period_end must be after period_start")
        if (self.period_end - self.period_start).days > 3 * 366:
            raise ValueError("the period may not exceed three years")
        return self


class AssessmentPatch(BaseModel):
    """Changes to a draft; absent fields stay as they are (a changed scope needs a new computation)."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    language: Language | None = None
    tlp: Tlp | None = None
    regions: list[RegionCode] | None = Field(None, max_length=10)
    countries: list[CountryCode] | None = Field(None, max_length=100)
    crime_areas: list[CrimeArea] | None = Field(None, max_length=16)
    period_start: date | None = None
    period_end: date | None = None
    dissemination: list[CountryCode] | None = Field(None, max_length=100)
    summary: Text | None = None
    judgements: list[Judgement] | None = Field(None, max_length=50)
    sources: list[SourceGrade] | None = Field(None, max_length=100)
    recommendations: list[Recommendation] | None = Field(None, max_length=50)


class SubmitIn(BaseModel):
    """Send a draft to a peer member for review."""

    model_config = ConfigDict(extra="forbid")

    reviewer_country: CountryCode


class ReviewIn(BaseModel):
    """A peer reviewer's decision: approve for publication, or send back with a note."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "changes_requested"]
    note: Text = ""


class IndicatorOut(BaseModel):
    """One computed figure and how it was computed."""

    model_config = ConfigDict(from_attributes=True)

    seq: int
    section: str
    query: str
    params: dict[str, Any]
    value: float
    previous: float | None


class AssessmentSummaryOut(BaseModel):
    """An assessment in a list."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    language: str
    tlp: str
    status: str
    owner_country: str
    period_start: date
    period_end: date
    published_at: datetime | None
    updated_at: datetime


class AssessmentOut(AssessmentSummaryOut):
    """An assessment with its scope, analyst parts, indicator rows and review state."""

    regions: list[str]
    countries: list[str]
    crime_areas: list[str]
    dissemination: list[str]
    summary: str
    judgements: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    recommendations: list[str]
    hidden: dict[str, Any]
    computed_at: datetime | None
    reviewer_country: str | None
    review_decision: str | None
    review_note: str
    reviewed_at: datetime | None
    snapshot_sha256: str | None
    supersedes_id: str | None
    superseded_at: datetime | None
    schedule: str | None
    created_at: datetime
    indicators: list[IndicatorOut]


class RenderOut(BaseModel):
    """A PDF rendering job and its result."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    assessment_id: str
    status: str
    snapshot_sha256: str | None
    sha256: str | None
    size: int | None
    pages: int | None
    pdf_variant: str | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None


class CrimeAreaOut(BaseModel):
    """A crime area of the taxonomy."""

    value: str
    label: str


class ClassifyIn(BaseModel):
    """Offence or charge texts to classify."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[Text, Field(min_length=1)]


class ClassifyOut(BaseModel):
    """Crime areas recognised in a text."""

    crime_areas: list[str]
