"""Remove kept original images when their subject entity is deleted (templates go by FK cascade).

Without this, deleting a person would drop its templates in the database but leave the photographs
on disk. Keys are collected before the entity's row is deleted and files removed only after commit,
so a rolled-back deletion keeps them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Mapper, Session

from manara.biometric.models import BiometricTemplate
from manara.biometric.storage import image_store
from manara.entity.models import Entity
from manara.settings import get_settings

PENDING = "biometric_purge"


@event.listens_for(Entity, "before_delete")
def _collect(mapper: Mapper[Any], connection: Any, target: Entity) -> None:
    stmt = select(BiometricTemplate.original_key).where(
        BiometricTemplate.subject_pk == target.id, BiometricTemplate.original_key.is_not(None)
    )
    keys = [k for k in connection.execute(stmt).scalars() if k]
    session = Session.object_session(target)
    if keys and session is not None:
        session.info.setdefault(PENDING, []).extend(keys)


@event.listens_for(Session, "after_commit")
def _purge(session: Session) -> None:
    keys: list[str] = session.info.pop(PENDING, [])
    if keys:
        store = image_store(get_settings().data_dir)
        for key in keys:
            store.delete(key)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)
