"""Uploads to a case's thread, read before any write. The thread's writes (messages, attachments, tasks, the
desk handover) are actions (``case/actions.py``)."""

from __future__ import annotations

from manara.errors import PayloadTooLarge
from manara.settings import get_settings


def read_upload(stream: object, limit: int | None = None) -> bytes:
    """Read an uploaded file into memory, refusing it past the configured size."""
    limit = limit or get_settings().case_attachment_max_bytes
    data: bytes = stream.read(limit + 1)  # type: ignore[attr-defined]
    if len(data) > limit:
        raise PayloadTooLarge(f"attachment larger than {limit} bytes", limit=limit)
    return data
