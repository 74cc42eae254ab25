"""Face benchmark on LFW View 1 (pairsDevTest): verification accuracy, TAR at FAR, speed.

Usage: .venv/bin/python benchmarks/biometrics.py [LFW_DIR] — skips with a message when the data is absent.
Then the fingerprint section (benchmarks/fingerprints.py, FVC2000); ``--fingerprints [FVC_DIR]`` runs only it.
Accuracy uses the engine's fixed 1:1 threshold (similarity 0.5 = dlib distance 0.6), not one tuned on
the test pairs. TAR at FAR uses the 500 genuine pairs and every pair of templates of different people
among the test images as impostors (enough to resolve FAR 0.1%).
"""

from __future__ import annotations

import sys
import time
from multiprocessing import get_context
from pathlib import Path

import fingerprints  # benchmarks/fingerprints.py, beside this file
import numpy as np

from manara.biometric.engines import Modality, default_engine
from manara.biometric.imaging import ImageRejected

LFW = Path(__file__).resolve().parents[2] / "shared" / "data" / "faces" / "lfw"


def pairs(root: Path) -> list[tuple[str, str, bool]]:
    """Read pairsDevTest.txt into (image a, image b, same person)."""
    out = []
    for line in (root / "pairsDevTest.txt").read_text().splitlines()[1:]:
        f = line.split()
        a, b = ((f[0], int(f[1])), (f[0], int(f[2]))) if len(f) == 3 else ((f[0], int(f[1])), (f[2], int(f[3])))
        out.append((str(root / "images" / a[0] / f"{a[0]}_{a[1]:04d}.jpg"),
                    str(root / "images" / b[0] / f"{b[0]}_{b[1]:04d}.jpg"), len(f) == 3))  # fmt: skip
    return out


def extract(path: str) -> tuple[str, np.ndarray | None]:
    """Return the template of one image, or None."""
    try:
        return path, default_engine(Modality.FACE).extract(Path(path).read_bytes()).vector
    except ImageRejected:
        return path, None


def tar_at(genuine: np.ndarray, impostor: np.ndarray, far: float) -> float:
    """Return the genuine accept rate at the threshold that accepts ``far`` of impostors."""
    threshold = np.quantile(impostor, 1 - far)
    return float((genuine > threshold).mean())


def main() -> None:
    if "--fingerprints" in sys.argv:
        rest = [a for a in sys.argv[1:] if a != "--fingerprints"]
        fingerprints.main(Path(rest[0]) if rest else None)
        return
    face()
    fingerprints.main(None)


def face() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else LFW
    if not (root / "pairsDevTest.txt").exists():
        print(f"skipped: LFW View 1 not found at {root}")
        return
    test = pairs(root)
    paths = sorted({p for a, b, _ in test for p in (a, b)})
    start = time.perf_counter()
    with get_context("spawn").Pool(2) as pool:
        templates = dict(pool.imap_unordered(extract, paths, chunksize=8))
    elapsed = time.perf_counter() - start
    failed = [p for p, v in templates.items() if v is None]
    engine = default_engine(Modality.FACE)
    # A pair with no template counts as wrong (a rejection), never silently dropped.
    scores = [(engine.compare(templates[a], templates[b]) if templates[a] is not None and templates[b] is not None
               else None, same) for a, b, same in test]  # fmt: skip
    correct = sum(1 for s, same in scores if s is not None and (s >= 0.5) == same)
    genuine = np.array([s for s, same in scores if same and s is not None])
    ok = [p for p in paths if templates[p] is not None]
    vecs = np.stack([templates[p] for p in ok]).astype(np.float32)
    people = np.array([Path(p).parent.name for p in ok])
    d2 = ((vecs[:, None, :] - vecs[None, :, :]) ** 2).sum(-1)
    iu = np.triu_indices(len(ok), 1)
    impostor = np.maximum(0.0, 1 - np.sqrt(d2[iu][people[iu[0]] != people[iu[1]]]) / 1.2)
    probe_times = []
    import faiss

    gallery = faiss.IndexFlatL2(vecs.shape[1])
    gallery.add(vecs)
    for path in paths[:50]:
        t0 = time.perf_counter()
        vector = engine.extract(Path(path).read_bytes()).vector
        gallery.search(vector.reshape(1, -1), 20)
        probe_times.append(time.perf_counter() - t0)
    print(f"LFW View 1 pairsDevTest: {len(test)} pairs, {len(paths)} images, {len(failed)} without a template")
    print(f"accuracy at similarity 0.5: {correct / len(test):.2%} (floor 98.5%)")
    print(f"TAR at FAR 1%: {tar_at(genuine, impostor, 0.01):.2%}; at FAR 0.1%: {tar_at(genuine, impostor, 0.001):.2%}"
          f" ({len(impostor)} impostor pairs)")
    print(f"enrolment (2 processes): {len(paths) / elapsed:.1f} images/s")
    print(f"probe pipeline (decode, detect, embed, search {len(ok)}): median {np.median(probe_times) * 1000:.0f} ms,"
          f" max {max(probe_times) * 1000:.0f} ms per image")
    for n in (1_000, 1_000_000):
        from manara.biometric.service import candidate_threshold

        t = candidate_threshold(n)
        print(f"gallery {n}: threshold {t:.3f}, FAR {(impostor >= t).mean():.2e}, TAR {(genuine >= t).mean():.2%}")


if __name__ == "__main__":
    main()
