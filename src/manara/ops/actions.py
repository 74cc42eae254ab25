"""The writes of operating a deployment: audit events of backups and restores."""

from __future__ import annotations

from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.identity import Actor


def do_record_backup(session: Session, actor: Actor, dest: str, database: str) -> None:
    """Audit a backup (written before the copy is made, so the backup holds its own event)."""
    record(
        session, actor, AuditAction.OPS_BACKUP_MADE, target_type="backup", extra={"dest": dest, "database": database}
    )


def do_record_restore(session: Session, actor: Actor, source: str, created_at: str, events: int) -> None:
    """Audit a verified restore in the restored database (the first event after the restored chain)."""
    record(
        session,
        actor,
        AuditAction.OPS_RESTORED,
        target_type="backup",
        extra={"source": source, "created_at": created_at, "events": events},
    )
