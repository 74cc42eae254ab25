"""``manara media``: hash a file or a folder of seized media and match it offline against the hash banks."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from multiprocessing import get_context
from pathlib import Path
from typing import Annotated, Any

import typer

from manara.cli.common import console, handle_errors, session_scope, user_actor
from manara.errors import ManaraError
from manara.media import actions, service
from manara.media.hashing import (
    MAX_IMAGE_BYTES,
    MAX_VIDEO_BYTES,
    Frame,
    hash_image,
    hash_video,
    looks_like_image,
    vpdq_signal,
)
from manara.media.index import MediaIndex
from manara.media.models import SignalType

media = typer.Typer(help="Media hash-sharing: hash seized media and match it against the banks.", no_args_is_help=True)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff"})
VIDEO_SUFFIXES = frozenset(
    {".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".3gp", ".mpg", ".mpeg", ".wmv", ".flv", ".ts"}
)


def media_files(root: Path) -> Iterator[Path]:
    """Every image and video under ``root`` (recursively, symlinks not followed), in a stable order."""
    if root.is_file():
        yield root
        return
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES and not path.is_symlink():
                yield path


def hash_file(path: str) -> dict[str, Any]:
    """Hash one file (in a worker process): a JSON-able record of its hashes, or the reason it failed.
    The file is only read, never copied."""
    try:
        size = os.path.getsize(path)
        if size > MAX_VIDEO_BYTES:
            return {"path": path, "error": "too_large"}
        with open(path, "rb") as handle:
            data = handle.read()
        if looks_like_image(data):
            image = hash_image(data, variants=True, max_bytes=MAX_IMAGE_BYTES)
            return {"path": path, "kind": "image", "quality": image.quality, "pdq": image.variants,
                    "md5": image.md5, "sha256": image.sha256}  # fmt: skip
        video = hash_video(data)
        return {"path": path, "kind": "video", "quality": max(f.quality for f in video.frames),
                "frames": [asdict(f) for f in video.frames], "md5": video.md5, "sha256": video.sha256}  # fmt: skip
    except ManaraError as exc:
        return {"path": path, "error": ",".join(exc.data.get("reasons", [])) or exc.message}
    except OSError as exc:
        return {"path": path, "error": f"unreadable: {exc.strerror}"}


def probe_of(record: dict[str, Any]) -> service.Probe:
    """Rebuild a probe from a hashed-file record."""
    if record["kind"] == "image":
        return service.Probe("image", SignalType.PDQ, record["quality"], dict(record["pdq"]), [],
                             record["md5"], record["sha256"])  # fmt: skip
    frames = [Frame(**f) for f in record["frames"]]
    return service.Probe("video", SignalType.VPDQ, record["quality"], {}, frames, record["md5"], record["sha256"])


def hash_all(paths: list[str], workers: int, state: Path | None) -> Iterator[dict[str, Any]]:
    """Hash files on ``workers`` processes with progress; each record is appended to ``state`` as it is done."""
    out = state.open("a", encoding="utf-8") if state else None
    try:
        with ProcessPoolExecutor(max(1, workers), mp_context=get_context("spawn")) as pool:
            for done, record in enumerate(pool.map(hash_file, paths, chunksize=8), start=1):
                if out is not None:
                    out.write(json.dumps(record) + "\n")
                    out.flush()
                if done % 100 == 0 or done == len(paths):
                    console.print(f"hashed {done}/{len(paths)}")
                yield record
    finally:
        if out is not None:
            out.close()


@media.command("hash")
def hash_command(
    path: Annotated[Path, typer.Argument(help="A file or a folder (recursively)", exists=True)],
    workers: Annotated[int, typer.Option(help="Worker processes")] = 2,
) -> None:
    """Print the hashes of images and videos as TSV: path, kind, signal_type, signal, quality, md5, sha256."""
    paths = [str(p) for p in media_files(path)]
    for record in hash_all(paths, workers, None):
        if "error" in record:
            console.print(f"{record['path']}: {record['error']}")
            continue
        if record["kind"] == "image":
            kind, signal = "pdq", record["pdq"]["original"]
        else:
            kind, signal = "vpdq", vpdq_signal([Frame(**f) for f in record["frames"]])
        row = (record["path"], record["kind"], kind, signal, str(record["quality"]), record["md5"], record["sha256"])
        sys.stdout.write("\t".join(row) + "\n")


@media.command("scan")
@handle_errors
def scan(
    folder: Annotated[Path, typer.Argument(help="Folder of seized media (read only, never copied)", exists=True)],
    as_user: Annotated[str, typer.Option("--as", help="Username the matches are made and reported as")],
    output: Annotated[Path, typer.Option(help="Report TSV of matches")] = Path("media-matches.tsv"),
    state: Annotated[Path | None, typer.Option(help="Resume file (default: <output>.state.jsonl)")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 2,
    report: Annotated[bool, typer.Option(help="Report matches to the banks' owners (as the API does)")] = True,
    context: Annotated[str, typer.Option(help="Your reference (case number), sent with the reports")] = "",
) -> None:
    """Hash every image and video under FOLDER (both cores, resumable) and match them against every bank the
    user may match; writes one TSV line per match and, by default, reports the matches to the owners."""
    state_path = state or output.with_name(output.name + ".state.jsonl")
    done: dict[str, dict[str, Any]] = {}
    if state_path.exists():
        for line in state_path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a line cut short by an interruption: hashed again
            done[record["path"]] = record
    paths = [str(p) for p in media_files(folder)]
    todo = [p for p in paths if p not in done]
    console.print(f"{len(paths)} media files, {len(paths) - len(todo)} already hashed")
    records = [done[p] for p in paths if p in done] + list(hash_all(todo, workers, state_path))
    failed = [r for r in records if "error" in r]
    for r in failed:
        console.print(f"{r['path']}: {r['error']}")
    matched = 0
    with session_scope() as session, output.open("w", encoding="utf-8") as out:
        actor = user_actor(session, as_user, purpose="media scan")
        index = MediaIndex()
        index.ensure(session)
        out.write("path\tkind\tbank\towner\tlabels\tsignal_type\tdistance\tvariant\n")
        for record in records:
            if "error" in record:
                continue
            probe = probe_of(record)
            found = service.find_matches(session, actor, index, probe)
            if report and found:
                actions.do_record_matches(session, actor, probe, found, context)
            for f in found:
                labels = " ".join(sorted(set(f.bank.labels) | set(f.hash.labels)))
                row = (record["path"], record["kind"], f.bank.name, f.bank.owner_country, labels,
                       f.hash.signal_type, str(f.distance), f.variant)  # fmt: skip
                out.write("\t".join(row) + "\n")
            matched += bool(found)
    console.print(f"{len(records) - len(failed)} hashed, {len(failed)} refused, {matched} matched -> {output}")
