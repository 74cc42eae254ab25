"""Fingerprint benchmark on FVC2000 DB1_B and DB2_B: EER, FMR100, enrolment and 1:N matching speed.

Usage: .venv/bin/python benchmarks/fingerprints.py [FVC2000_DIR] — skips with a message when the data is
absent (also run by ``benchmarks/biometrics.py``; ``benchmarks/biometrics.py --fingerprints`` runs only this).
FVC2000_DIR defaults to ../shared/data/fingerprints/fvc2000 relative to the repository root (MANARA_SHARED_DIR
moves ../shared).

FVC protocol (as the data README describes it): genuine = every pair of the 8 impressions of a finger
(10 · 8·7/2 = 280 per database); impostor = the first impression of each finger against the first of
every other finger (45 per database). 45 impostor scores cannot resolve FMR below 2.2%, so FMR100 and the
rates at the engine's decision threshold are also given over every impression against the first
impressions of the other fingers (720 per database). A template that cannot be made scores 0 (a
rejection counts as a failure, never dropped). Templates are made with exactly the API's default engine.
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from _shared import shared_path

from manara.biometric.engines import Modality, default_engine, pairwise_engine
from manara.errors import ImageRejected

FVC = shared_path("data", "fingerprints", "fvc2000")
DATABASES = ("DB1_B", "DB2_B")


def extract(path: str) -> tuple[str, np.ndarray | None, float]:
    """Return (path, template vector or None, seconds) for one image (in a worker process)."""
    start = time.perf_counter()
    try:
        vector = default_engine(Modality.FINGER).extract(Path(path).read_bytes()).vector
    except ImageRejected as exc:
        print(f"{path}: {','.join(exc.reasons)}", file=sys.stderr)
        vector = None
    return path, vector, time.perf_counter() - start


def rates(genuine: np.ndarray, impostor: np.ndarray) -> tuple[float, float]:
    """Return (EER, FMR100): the equal error rate, and the lowest FNMR with FMR ≤ 1%."""
    thresholds = np.unique(np.concatenate([genuine, impostor, [np.inf]]))
    fmr = np.array([(impostor >= t).mean() for t in thresholds])
    fnmr = np.array([(genuine < t).mean() for t in thresholds])
    k = int(np.argmin(np.abs(fmr - fnmr)))
    return float((fmr[k] + fnmr[k]) / 2), float(fnmr[fmr <= 0.01].min())


def finger_of(path: str) -> tuple[int, int]:
    """Return (finger, impression) from an FVC file name ``<finger>_<impression>.tif``."""
    finger, impression = Path(path).stem.split("_")
    return int(finger), int(impression)


def main(root: Path | None = None) -> None:
    root = root or FVC
    if not all((root / db).is_dir() for db in DATABASES):
        print(f"skipped: FVC2000 DB1_B/DB2_B not found at {root}")
        return
    paths = sorted(str(p) for db in DATABASES for p in (root / db).glob("*.tif"))
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    start = time.perf_counter()
    with get_context("spawn").Pool(2) as pool:
        done = pool.map(extract, paths, chunksize=4)
    elapsed = time.perf_counter() - start
    templates = {p: v for p, v, _ in done}
    engine = pairwise_engine(Modality.FINGER)
    print(
        f"enrolment (2 processes): {len(paths) / elapsed:.2f} images/s; mean {np.mean([t for *_, t in done]):.2f} s "
        f"per image per process; {sum(v is None for v in templates.values())} without a template"
    )

    def score(a: str, b: str) -> float:
        va, vb = templates[a], templates[b]
        return 0.0 if va is None or vb is None else engine.compare(va, vb)

    threshold = engine.decision_threshold
    for db in DATABASES:
        fingers: dict[int, list[str]] = {}
        for path in sorted((p for p in paths if Path(p).parent.name == db), key=finger_of):
            fingers.setdefault(finger_of(path)[0], []).append(path)
        firsts = [impressions[0] for impressions in fingers.values()]
        genuine = np.array([score(a, b) for imps in fingers.values() for a, b in itertools.combinations(imps, 2)])
        impostor = np.array([score(a, b) for a, b in itertools.combinations(firsts, 2)])
        wide = np.array(
            [
                score(p, first)
                for f, imps in fingers.items()
                for p in imps
                for first in firsts
                if finger_of(first)[0] != f
            ]
        )
        eer, fmr100 = rates(genuine, impostor)
        eer_wide, fmr100_wide = rates(genuine, wide)
        print(
            f"{db}: EER {eer:.2%} (floor 5%), FMR100 {fmr100:.2%} — FVC protocol, {len(genuine)} genuine, "
            f"{len(impostor)} impostor; with {len(wide)} impostor pairs: EER {eer_wide:.2%}, "
            f"FMR100 {fmr100_wide:.2%}; at similarity {threshold}: FNMR {(genuine < threshold).mean():.2%}, "
            f"FMR {(wide >= threshold).mean():.2%}"
        )
    gallery = [v for v in templates.values() if v is not None]
    probes = gallery[:: max(1, len(gallery) // 10)][:10]
    start = time.perf_counter()
    for probe in probes:
        engine.compare_many(probe, gallery)
    elapsed = time.perf_counter() - start
    print(
        f"1:N matching: {len(probes) * len(gallery) / elapsed:.0f} gallery comparisons/s "
        f"({len(probes)} probes × {len(gallery)} templates, mean {np.mean([len(g) // 5 for g in gallery]):.0f} "
        f"minutiae); load average after: {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
