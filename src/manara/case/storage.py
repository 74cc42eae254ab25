"""Where case attachments are kept: a small storage interface, local files by default; type and name checks."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from manara.errors import UnsupportedMedia, ValidationFailed
from manara.storage import BlobStore, LocalBlobStore
from manara.text import sanitize

_UNSAFE_NAME = re.compile(r"[^\w.\- ()\[\]+]+")
MAX_FILENAME = 120
OOXML = "application/vnd.openxmlformats-officedocument"
# extension -> content type; the bytes must agree with it (see ``sniff``)
ALLOWED: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "txt": "text/plain",
    "csv": "text/csv",
    "json": "application/json",
    "docx": f"{OOXML}.wordprocessingml.document",
    "xlsx": f"{OOXML}.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
}
MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
}
TEXTUAL = ("txt", "csv", "json")


def safe_filename(name: str) -> str:
    """Return a display-safe file name: no path, no controls or bidi tricks, bounded; refuse an empty one."""
    base = sanitize(unicodedata.normalize("NFKC", name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_NAME.sub("_", base).strip(" ._")
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem or ext.lower() not in ALLOWED:
        allowed = ", ".join(sorted(ALLOWED))
        raise UnsupportedMedia(f"file type not accepted (allowed: {allowed})", filename=base[:MAX_FILENAME])
    return f"{stem[: MAX_FILENAME - len(ext) - 1]}.{ext.lower()}"


def sniff(filename: str, data: bytes) -> str:
    """Return the content type of ``data`` if its bytes agree with the file's extension; else refuse it."""
    ext = filename.rsplit(".", 1)[-1].lower()
    if not data:
        raise ValidationFailed("empty file", [{"field": "file", "message": "the file is empty"}])
    if ext in TEXTUAL:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UnsupportedMedia("text files must be UTF-8", filename=filename) from None
        if "\x00" in text:
            raise UnsupportedMedia("text file contains NUL bytes", filename=filename)
    elif not data.startswith(MAGIC[ext]):
        raise UnsupportedMedia(f"the file's content is not {ext.upper()}", filename=filename)
    return ALLOWED[ext]


# The biometric store is a generic keyed file store (0600 files, ids as keys, atomic writes): reuse it.
AttachmentStore = BlobStore


def attachment_store(data_dir: Path) -> AttachmentStore:
    """Return the configured store of case attachments (local files under ``data_dir/cases``)."""
    return LocalBlobStore(data_dir / "cases")
