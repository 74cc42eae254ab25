"""Index snapshots are loaded only when they can be trusted: sealed by this deployment, intact, not writable
by everyone.

A screening or biometric snapshot is parsed by native code (faiss, numpy) and decides what a search can
find, so a file slipped into its folder must never be loaded. ``seal`` (called by the indexes' ``save``)
writes ``manifest.json``: the SHA-256 of every file of the snapshot and an HMAC-SHA256 over that list
under a key derived from the server secret (``manara.keyring``; a rotated-out secret still verifies
while it is in ``MANARA_PREVIOUS_SECRET_KEYS``). ``verify`` (called before anything is read) refuses — with
the reason, which the loader logs before rebuilding from the database — a folder or file writable by
every user, a missing or forged manifest, a file added, removed or changed since the seal.
"""

from __future__ import annotations

import hashlib
import hmac
import stat
from pathlib import Path

import orjson

from manara.keyring import derive, server_secrets

MANIFEST = "manifest.json"
PURPOSE = "manara.snapshot"


class UntrustedSnapshot(ValueError):
    """The snapshot folder may not be loaded; the message says why."""


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name != MANIFEST and not p.name.endswith(".tmp"))


def _mac(secret: str, files: dict[str, str]) -> str:
    return hmac.new(derive(secret, PURPOSE), orjson.dumps(files, option=orjson.OPT_SORT_KEYS), "sha256").hexdigest()


def seal(folder: Path) -> None:
    """Write the manifest of a snapshot just saved in ``folder`` (digests of its files, keyed MAC)."""
    files = {p.name: _digest(p) for p in _files(folder)}
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_bytes(orjson.dumps({"files": files, "mac": _mac(server_secrets()[0], files)}))
    tmp.replace(folder / MANIFEST)


def _world_writable(path: Path) -> bool:
    return bool(path.stat().st_mode & stat.S_IWOTH) and not (path.is_dir() and path.stat().st_mode & stat.S_ISVTX)


def verify(folder: Path) -> None:
    """Raise ``UntrustedSnapshot`` unless ``folder`` holds a sealed, intact snapshot no other user can write."""
    if _world_writable(folder):
        raise UntrustedSnapshot(f"{folder} is writable by every user")
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise UntrustedSnapshot(f"{folder} has no {MANIFEST} (not written by this deployment)")
    try:
        data = orjson.loads(manifest.read_bytes())
        files, mac = dict(data["files"]), str(data["mac"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as bad:
        raise UntrustedSnapshot(f"{manifest} is malformed") from bad
    if not any(hmac.compare_digest(_mac(secret, files), mac) for secret in server_secrets()):
        raise UntrustedSnapshot(f"{manifest} is not sealed with this deployment's secret")
    present = _files(folder)
    if sorted(files) != [p.name for p in present]:
        raise UntrustedSnapshot(f"{folder} has files added or removed since it was sealed")
    for path in present:
        if _world_writable(path):
            raise UntrustedSnapshot(f"{path} is writable by every user")
        if not hmac.compare_digest(_digest(path), files[path.name]):
            raise UntrustedSnapshot(f"{path} changed since the snapshot was sealed")
