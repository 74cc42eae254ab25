"""Pydantic shapes of the entity API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from manara.visibility import Visibility, shares_for_viewer


class Distribution(BaseModel):
    """Who may see a record and until when it stays valid without review."""

    model_config = ConfigDict(extra="forbid")

    visibility: Visibility = Field(Visibility.OWNER, description="owner, countries or all")
    shared_with: list[str] = Field(default_factory=list, max_length=300, description="ISO codes for `countries`")
    review_date: date | None = Field(None, description="Date the owner must re-validate the record by")


class EntityIn(Distribution):
    """An FtM entity submitted by a member, with its distribution."""

    id: str = Field(..., max_length=200, description="FtM entity id, unique per owner")
    schema_: str = Field(..., alias="schema", max_length=40, description="FtM schema name, e.g. Person")
    properties: dict[str, Any] = Field(default_factory=dict, description="FtM properties (lists of strings)")


class EntityOut(BaseModel):
    """An entity as a reader sees it."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: str
    entity_id: str
    schema_: str = Field(alias="schema")
    caption: str
    properties: dict[str, Any]
    owner_country: str
    visibility: str
    shared_with: list[str]
    review_date: date
    status: str
    crime_areas: list[str] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime

    @field_serializer("shared_with")
    def _recipients_hidden(self, value: list[str]) -> list[str]:
        """Recipients do not learn each other: the whole list only for the owner."""
        return shares_for_viewer(self.owner_country, value)


class ImportReport(BaseModel):
    """Outcome of an FtM JSON-lines import."""

    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = Field(default_factory=list)
    errors_truncated: bool = False
