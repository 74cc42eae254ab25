"""Offset pagination shared by every list endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and the total number of visible results."""

    items: list[T]
    total: int
    page: int
    page_size: int


def paginate(session: Session, stmt: Select[Any], *, page: int, page_size: int) -> Page[Any]:
    """Run ``stmt`` for one page; the total counts only rows the statement's filters allow."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(session.scalars(stmt.limit(page_size).offset((page - 1) * page_size)))
    return Page(items=items, total=total, page=page, page_size=page_size)


class PageOut(BaseModel, Generic[T]):
    """A page of results as returned by every list endpoint."""

    items: list[T]
    total: int
    page: int
    page_size: int
