"""The unified search index: which version of each record is indexed, and its any-script term keys.

``search_term`` holds, for every indexed record, the fine forms (``f:``) and phonetic skeleton keys (``k:``)
of its words as the matching engine analyses names, so Arabic, Latin and Cyrillic spellings meet on equal
keys. Visibility is never stored here: a search joins the candidates back to their source table through the
domain's visibility filter. The ``updated_at`` indexes let the index catch up with recent writes cheaply.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from manara.case.models import Case
from manara.db.base import Base
from manara.entity.models import Entity
from manara.notice.models import Notice

TERM_MAX = 120


class SearchDoc(Base):
    """A record of one kind (notice, entity, case, message) and the version whose terms are indexed."""

    __tablename__ = "search_doc"
    __table_args__ = (Index("ix_search_doc_version", "kind", "version"),)

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[datetime]


class SearchTerm(Base):
    """One term of one record: ``f:<fine form>`` or ``k:<skeleton key>``."""

    __tablename__ = "search_term"
    __table_args__ = (Index("ix_search_term_record", "kind", "record_id"),)

    term: Mapped[str] = mapped_column(String(TERM_MAX), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)


# Catching up reads the records changed since the last indexed version: an index on each source's clock.
Index("ix_entity_updated_at", Entity.updated_at)
Index("ix_notice_updated_at", Notice.updated_at)
Index("ix_case_file_updated_at", Case.updated_at)
