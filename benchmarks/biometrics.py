"""Biometric benchmarks: faces on LFW View 1 (verification, identification, 1:N at a million templates,
speed), then fingerprints on FVC2000.

Usage: .venv/bin/python benchmarks/biometrics.py [LFW_DIR] [--gallery 1000000] [--no-scale]
[--no-fingerprints] [--fingerprints [FVC_DIR]] (each part skips with a message when its data is absent).
LFW_DIR defaults to ../shared/data/faces/lfw relative to the repository root (MANARA_SHARED_DIR moves ../shared).
Templates of the View 1 images are made once with the API's default engine, in two processes, and cached
under ``--cache`` (keyed by the template version).

- Verification (pairsDevTest): the decision threshold is chosen on pairsDevTrain only (the midpoint of
  the similarity interval with the best training accuracy); images without a template count as errors.
  TAR at FAR uses the 500 genuine pairs and every pair of different people among the test images.
- Identification: gallery = the first image of every person with two or more images plus half of the
  people with one image; probes = the other images of enrolled people (mated) and the other half of
  the one-image people (non-mated). Rank-1, FNIR at FPIR 1%, and FPIR/FNIR at the product's
  gallery-size threshold.
- Scale: a gallery of real templates plus synthetic ones drawn from a Gaussian with the mean and
  covariance of the real templates; mates are real (another image of an enrolled person) or planted
  at real genuine-pair offsets. Exact search (flat), IVF and HNSW: p99 of single-probe latency and
  how often the true mate is in the top 10.

Then the fingerprint part (benchmarks/fingerprints.py, FVC2000 DB1_B/DB2_B) runs, unless
``--no-fingerprints`` or ``--scale-only``; ``--fingerprints [FVC_DIR]`` runs only the fingerprint part.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from multiprocessing import get_context
from pathlib import Path

import faiss
import fingerprints  # benchmarks/fingerprints.py, beside this file
import numpy as np
from _shared import shared_path
from numpy.typing import NDArray

from manara.biometric.engines import Modality, default_engine, vector_engine
from manara.biometric.service import candidate_threshold
from manara.errors import ImageRejected
from manara.settings import get_settings

LFW = shared_path("data", "faces", "lfw")
Vec = NDArray[np.float32]


def pairs(root: Path, name: str) -> list[tuple[str, str, bool]]:
    """Read an LFW pairs file into (image a, image b, same person)."""
    out = []
    for line in (root / name).read_text().splitlines()[1:]:
        f = line.split()
        a, b = ((f[0], int(f[1])), (f[0], int(f[2]))) if len(f) == 3 else ((f[0], int(f[1])), (f[2], int(f[3])))
        out.append(
            (
                str(root / "images" / a[0] / f"{a[0]}_{a[1]:04d}.jpg"),
                str(root / "images" / b[0] / f"{b[0]}_{b[1]:04d}.jpg"),
                len(f) == 3,
            )
        )
    return out


def extract(path: str) -> tuple[str, Vec | None, float]:
    """Return the template of one image (or None) and the time it took."""
    start = time.perf_counter()
    try:
        vector: Vec | None = default_engine(Modality.FACE).extract(Path(path).read_bytes()).vector
    except ImageRejected:
        vector = None
    return path, vector, time.perf_counter() - start


def templates(paths: list[str], cache: Path) -> tuple[dict[str, Vec | None], float]:
    """Return every image's template (from the cache when it has them) and the enrolment rate (images/s).

    The cache is rewritten every 250 new templates, so an interrupted run resumes where it stopped.
    """
    engine = default_engine(Modality.FACE)
    stamp = f"{engine.name}|{engine.template_version}"
    done: dict[str, Vec | None] = {}
    rate = float("nan")
    if cache.exists():
        data = np.load(cache, allow_pickle=False)
        if str(data["stamp"]) == stamp:
            done = {p: (v if ok else None) for p, v, ok in zip(data["paths"], data["vectors"], data["ok"], strict=True)}
            rate = float(data["rate"])

    def save() -> None:
        keys = sorted(done)
        vectors = np.stack([done[k] if done[k] is not None else np.zeros(128, np.float32) for k in keys])
        ok = np.array([done[k] is not None for k in keys])
        np.savez(cache, stamp=stamp, paths=np.array(keys), vectors=vectors, ok=ok, rate=rate)

    todo = [p for p in paths if p not in done]
    if todo:
        start = time.perf_counter()
        with get_context("spawn").Pool(2) as pool:
            for i, (path, vector, _) in enumerate(pool.imap(extract, todo, chunksize=4), start=1):
                done[path] = vector
                if i % 250 == 0:
                    rate = i / (time.perf_counter() - start)
                    print(f"  templates {i}/{len(todo)} ({rate:.1f}/s)", file=sys.stderr, flush=True)
                    save()
        rate = len(todo) / (time.perf_counter() - start)
        save()
    return {p: done[p] for p in paths}, rate


def pair_scores(tmpl: dict[str, Vec | None], test: list[tuple[str, str, bool]]) -> list[tuple[float | None, bool]]:
    """Return (similarity or None when a template is missing, same person) per pair."""
    engine = default_engine(Modality.FACE)
    out: list[tuple[float | None, bool]] = []
    for a, b, same in test:
        va, vb = tmpl[a], tmpl[b]
        out.append((engine.compare(va, vb) if va is not None and vb is not None else None, same))
    return out


def accuracy(scores: list[tuple[float | None, bool]], threshold: float) -> float:
    """Share of pairs decided right at ``threshold``; a pair without a template is an error."""
    return sum(1 for s, same in scores if s is not None and (s >= threshold) == same) / len(scores)


def best_threshold(scores: list[tuple[float | None, bool]]) -> float | None:
    """Return the middle of the threshold interval with the best accuracy on these (training) pairs, or None
    when they cannot choose one (no scored pair of the same person and of different people)."""
    kinds = {same for s, same in scores if s is not None}
    if kinds != {True, False}:
        return None
    values = sorted({s for s, _ in scores if s is not None})
    cuts = [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]
    accs = [accuracy(scores, c) for c in cuts]
    best = max(accs)
    winners = [c for c, a in zip(cuts, accs, strict=True) if a == best]
    return (winners[0] + winners[-1]) / 2


def tar_at(genuine: NDArray[np.float64], impostor: NDArray[np.float64], far: float) -> float:
    """Return the genuine accept rate at the threshold that accepts ``far`` of impostors."""
    threshold = np.quantile(impostor, 1 - far)
    return float((genuine > threshold).mean())


def similarities(a: Vec, b: Vec) -> NDArray[np.float64]:
    """Return the engine similarity of every row of ``a`` with every row of ``b``."""
    engine = vector_engine(Modality.FACE)
    d2 = (a**2).sum(1)[:, None] + (b**2).sum(1)[None, :] - 2 * a @ b.T
    return np.vectorize(engine.similarity)(np.maximum(d2, 0.0).astype(np.float64))


def verification(root: Path, tmpl: dict[str, Vec | None], train_pairs: list[tuple[str, str, bool]]) -> None:
    """Accuracy on pairsDevTest at the threshold chosen on pairsDevTrain; TAR at FAR 1% and 0.1%."""
    test_pairs = [t for t in pairs(root, "pairsDevTest.txt") if t[0] in tmpl and t[1] in tmpl]
    train, test = pair_scores(tmpl, train_pairs), pair_scores(tmpl, test_pairs)
    chosen = best_threshold(train)
    if chosen is None:
        print(
            f"pairsDevTrain: {len(train)} pairs with both templates in the cache, not of both kinds: no threshold"
            f" chosen (make the training templates first, without --cached-only)"
        )
    else:
        g = np.array([x for x, same in train if same and x is not None])
        i = np.array([x for x, same in train if not same and x is not None])
        pooled = (g.var() + i.var()) / 2
        print(
            f"pairsDevTrain similarity: genuine {g.mean():.3f} ± {g.std():.3f}, impostor {i.mean():.3f} ±"
            f" {i.std():.3f}; face LLR fit: slope {(g.mean() - i.mean()) / pooled:.1f},"
            f" even at {(g.mean() + i.mean()) / 2:.3f}"
        )
    test_paths = sorted({p for a, b, _ in test_pairs for p in (a, b)})
    ok = [p for p in test_paths if tmpl[p] is not None]
    print(
        f"LFW View 1: train {len(train)} pairs, test {len(test)} pairs over {len(test_paths)} images,"
        f" {len(test_paths) - len(ok)} test images without a template"
    )
    if chosen is not None:
        print(
            f"threshold chosen on pairsDevTrain: similarity {chosen:.4f} (train accuracy {accuracy(train, chosen):.2%})"
        )
        print(f"pairsDevTest accuracy at it: {accuracy(test, chosen):.2%} (floor 98.5%)")
    print(f"pairsDevTest accuracy at the product's 1:1 threshold 0.5: {accuracy(test, 0.5):.2%}")
    vecs = np.stack([tmpl[p] for p in ok]).astype(np.float32)  # type: ignore[misc]
    people = np.array([Path(p).parent.name for p in ok])
    sims = similarities(vecs, vecs)
    iu = np.triu_indices(len(ok), 1)
    impostor = sims[iu][people[iu[0]] != people[iu[1]]]
    genuine = np.array([s for s, same in test if same and s is not None])
    print(
        f"TAR at FAR 1%: {tar_at(genuine, impostor, 0.01):.2%}; at FAR 0.1%: {tar_at(genuine, impostor, 0.001):.2%}"
        f" ({len(genuine)} genuine, {len(impostor)} impostor pairs)"
    )
    for n in (1_000, 1_000_000):
        t = candidate_threshold(n)
        print(
            f"  1:1 rates at the gallery-size threshold of N={n:,} ({t:.3f}): FAR {(impostor >= t).mean():.2e},"
            f" TAR {(genuine >= t).mean():.2%}"
        )


def split(tmpl: dict[str, Vec | None]) -> tuple[list[str], list[str], list[str]]:
    """Return (gallery, mated probes, non-mated probes) among the images that have a template."""
    by_person: dict[str, list[str]] = {}
    for path in sorted(p for p, v in tmpl.items() if v is not None):
        by_person.setdefault(Path(path).parent.name, []).append(path)
    gallery, mated, strangers = [], [], []
    singles = [imgs[0] for imgs in by_person.values() if len(imgs) == 1]
    for imgs in by_person.values():
        if len(imgs) > 1:
            gallery.append(imgs[0])
            mated.extend(imgs[1:])
    gallery.extend(singles[::2])
    strangers.extend(singles[1::2])
    return gallery, mated, strangers


def identification(tmpl: dict[str, Vec | None]) -> None:
    """Open-set identification: rank-1, FNIR at FPIR 1%, FPIR/FNIR at the gallery-size threshold."""
    gallery, mated, strangers = split(tmpl)
    g = np.stack([tmpl[p] for p in gallery]).astype(np.float32)  # type: ignore[misc]
    owner = [Path(p).parent.name for p in gallery]
    mated_sims = similarities(np.stack([tmpl[p] for p in mated]).astype(np.float32), g)  # type: ignore[misc]
    best = mated_sims.argmax(1)
    right = np.array([owner[j] == Path(p).parent.name for p, j in zip(mated, best, strict=True)])
    mate_top = mated_sims.max(1)
    stranger_top = similarities(np.stack([tmpl[p] for p in strangers]).astype(np.float32), g).max(1)  # type: ignore[misc]
    print(
        f"identification: gallery {len(g):,} (one image per person), {len(mated):,} mated and"
        f" {len(strangers):,} non-mated probes"
    )
    print(f"rank-1 identification rate: {right.mean():.2%}")
    for fpir in (0.01, 0.1):
        t = float(np.quantile(stranger_top, 1 - fpir))
        fnir = 1 - float((right & (mate_top > t)).mean())
        print(f"FNIR at FPIR {fpir:.0%}: {fnir:.2%} (threshold {t:.3f})")
    t = candidate_threshold(len(g))
    print(
        f"at the product's gallery-size threshold for N={len(g):,} ({t:.3f}): FPIR {(stranger_top >= t).mean():.2%},"
        f" FNIR {1 - float((right & (mate_top >= t)).mean()):.2%}"
    )


def latency(search: object, probes: Vec, k: int = 10) -> tuple[NDArray[np.int64], str]:
    """Search one probe at a time; return the ids found and a text with the median and p99 latency in ms.

    Besides wall-clock, the CPU time of the searching thread (faiss searches single-threaded here) is
    reported: on a shared machine it shows what a search costs without the time spent waiting for a core.
    """
    found, times, cpu = [], [], []
    for probe in probes:
        start, start_cpu = time.perf_counter(), time.thread_time()
        _, ids = search(probe.reshape(1, -1), k)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
        found.append(ids[0])
    ms, cpu_ms = np.array(times) * 1000, np.array(cpu) * 1000
    text = (
        f"median {np.median(ms):.2f} ms, p99 {np.percentile(ms, 99):.2f} ms (thread CPU: median"
        f" {np.median(cpu_ms):.2f} ms, p99 {np.percentile(cpu_ms, 99):.2f} ms)"
    )
    return np.array(found), text


def rss_mb() -> float:
    """Return this process's resident memory in MB (Linux), to report what an index occupies."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def scale(
    tmpl: dict[str, Vec | None],
    size: int,
    n_probes: int,
    kinds: tuple[str, ...] = ("exact", "ivf"),
    hnsw_size: int = 0,
    pipeline: int = 0,
    nlist: int = 0,
    nprobes: tuple[int, ...] = (64, 128, 256, 512),
    efs: tuple[int, ...] = (64, 128, 256, 512),
    seed: int = 7,
) -> None:
    """1:N search over ``size`` templates: exact, IVF and HNSW; p99 latency and mate in the top 10.

    Each approximate index is also scored against exact search ("of exact's hits": the share of the
    probes whose mate exact search ranks in the top 10 that the index ranks there too), which separates
    what the index loses from what the 128-d model itself cannot tell apart at this gallery size.
    """
    rng = np.random.default_rng(seed)
    gallery, mated, _ = split(tmpl)
    real = np.stack([v for v in tmpl.values() if v is not None]).astype(np.float32)
    by_person = {Path(p).parent.name: i for i, p in enumerate(gallery)}
    real_gallery = np.stack([tmpl[p] for p in gallery]).astype(np.float32)  # type: ignore[misc]
    real_probes = np.stack([tmpl[p] for p in mated]).astype(np.float32)  # type: ignore[misc]
    real_mates = np.array([by_person[Path(p).parent.name] for p in mated])
    offsets = real_probes - real_gallery[real_mates]  # real genuine-pair differences
    synthetic = rng.multivariate_normal(real.mean(0), np.cov(real.T), size=size - len(real_gallery)).astype(np.float32)
    planted_slots = rng.choice(len(synthetic), size=1000, replace=False)
    planted = synthetic[planted_slots] + offsets[rng.integers(0, len(offsets), size=1000)]
    vectors = np.ascontiguousarray(np.concatenate([real_gallery, synthetic]))
    del synthetic
    probes = np.concatenate([real_probes, planted]).astype(np.float32)
    mates = np.concatenate([real_mates, planted_slots + len(real_gallery)])
    order = rng.permutation(len(probes))[:n_probes]
    probes, mates = probes[order], mates[order]
    is_real = order < len(real_probes)
    print(
        f"scale: {len(vectors):,} templates ({len(real_gallery):,} real), {len(probes):,} probes"
        f" ({int(is_real.sum())} real mated, the rest planted at real genuine offsets); {uptime()}"
    )
    exact_hit: NDArray[np.bool_] | None = None

    def report(name: str, search: object, build: str) -> None:
        found, times = latency(search, probes)
        hit = np.array([m in row for m, row in zip(mates, found, strict=True)])
        of_exact = "" if exact_hit is None else f", of exact's hits {hit[exact_hit].mean():.2%}"
        print(
            f"  {name}: {build}{times}, mate in top 10 {hit.mean():.2%}"
            f" (real {hit[is_real].mean():.2%}, planted {hit[~is_real].mean():.2%}){of_exact}",
            flush=True,
        )

    faiss.omp_set_num_threads(1)  # one search per request thread, like the API
    if "exact" in kinds:
        flat = faiss.IndexFlatL2(vectors.shape[1])
        flat.add(vectors)
        exact_hit = np.array([m in row for m, row in zip(mates, flat.search(probes, 10)[1], strict=True)])
        report("exact (flat, 1 thread)", flat.search, "")
        del flat
    from manara.biometric.index import approximate_index, search_params, visibility_selector

    if "ivf" in kinds:
        faiss.omp_set_num_threads(2)
        before, start = rss_mb(), time.perf_counter()
        ivf = (
            approximate_index(vectors.shape[1], len(vectors), "ivf")
            if not nlist
            else faiss.index_factory(vectors.shape[1], f"IVF{nlist},Flat")
        )
        ivf.train(vectors[rng.choice(len(vectors), size=min(len(vectors), 40 * ivf.nlist), replace=False)])
        ivf.add_with_ids(vectors, np.arange(len(vectors), dtype=np.int64))
        built = f"build {time.perf_counter() - start:.0f} s (2 threads), +{rss_mb() - before:.0f} MB; "
        faiss.omp_set_num_threads(1)
        for nprobe in nprobes:
            params = search_params(ivf, None, nprobe=nprobe)
            report(f"IVF{ivf.nlist},Flat nprobe={nprobe}", lambda q, k, p=params: ivf.search(q, k, params=p), built)
        nprobe = get_settings().biometric_ann_nprobe
        half_ids = np.arange(0, len(vectors), 2, dtype=np.int64)
        bitmap = visibility_selector(half_ids)  # the product's selector (bitmap); IDSelectorBatch for comparison
        for label, selector in (("bitmap", bitmap[0]), ("IDSelectorBatch", faiss.IDSelectorBatch(half_ids))):
            params = search_params(ivf, selector, nprobe=nprobe)
            found, times = latency(lambda q, k, p=params: ivf.search(q, k, params=p), probes)
            leaked = int(sum(int((row[row >= 0] % 2).sum()) for row in found))
            print(
                f"  IVF nprobe={nprobe} (the product's) with a visibility selector ({label}) over half the gallery:"
                f" {times}, {leaked} invisible ids returned; {uptime()}",
                flush=True,
            )
        if pipeline:
            images = list(tmpl)[:: max(1, len(tmpl) // pipeline)][:pipeline]
            probe_pipeline(
                images, ivf, search_params(ivf, None, nprobe), f"IVF{ivf.nlist} nprobe {nprobe} over {len(vectors):,}"
            )
        ivf.reset()  # frees its memory before HNSW is built
        del ivf
    if "hnsw" in kinds:
        faiss.omp_set_num_threads(2)
        hnsw_size = min(hnsw_size or len(vectors), len(vectors))
        keep = mates < hnsw_size  # a smaller HNSW gallery keeps the probes whose mate it holds
        before, start = rss_mb(), time.perf_counter()
        hnsw = approximate_index(vectors.shape[1], hnsw_size, "hnsw")
        hnsw.add(vectors[:hnsw_size])
        built = (
            f"build {time.perf_counter() - start:.0f} s (2 threads, efConstruction"
            f" {hnsw.hnsw.efConstruction}), +{rss_mb() - before:.0f} MB; "
        )
        probes, mates, is_real = probes[keep], mates[keep], is_real[keep]
        exact_hit = exact_hit[keep] if exact_hit is not None else None
        print(f"  HNSW over the first {hnsw_size:,} templates, {len(probes)} probes", flush=True)
        faiss.omp_set_num_threads(1)
        for ef in efs:
            params = faiss.SearchParametersHNSW(efSearch=ef)
            report(f"HNSW32,Flat efSearch={ef}", lambda q, k, p=params: hnsw.search(q, k, params=p), built)
    print(f"  ({uptime()})", flush=True)


def uptime() -> str:
    """Return the load averages, to print next to the numbers (the machine is shared)."""
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def probe_pipeline(paths: list[str], gallery: object, params: object, label: str) -> None:
    """Time decode + detect + embed + search of ``gallery`` (a faiss index), one image at a time."""
    engine = default_engine(Modality.FACE)
    engine.extract(Path(paths[0]).read_bytes())  # loads the models: not part of any probe's time
    times, cpu, rejected = [], [], 0
    for path in paths:
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            vector = engine.extract(Path(path).read_bytes()).vector
            gallery.search(vector.reshape(1, -1), 20, params=params)  # type: ignore[attr-defined]
        except ImageRejected:
            rejected += 1
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    ms, cpu_ms = np.array(times) * 1000, np.array(cpu) * 1000
    print(
        f"probe pipeline (decode, detect, embed, search {label}), one process, {len(paths)} LFW images"
        f" ({rejected} rejected): median {np.median(ms):.0f} ms, p99 {np.percentile(ms, 99):.0f} ms,"
        f" max {ms.max():.0f} ms per image (process CPU: median {np.median(cpu_ms):.0f} ms,"
        f" p99 {np.percentile(cpu_ms, 99):.0f} ms); {uptime()}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lfw", nargs="?", type=Path, default=LFW)
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "manara-lfw-faces.npz")
    parser.add_argument("--gallery", type=int, default=1_000_000, help="templates in the scale test")
    parser.add_argument("--no-scale", action="store_true", help="skip the scale test")
    parser.add_argument("--train-pairs", type=int, default=2200, help="pairsDevTrain pairs used (evenly spread)")
    parser.add_argument("--probes", type=int, default=2000, help="probes timed in the scale test")
    parser.add_argument("--scale-only", action="store_true", help="only the scale test, on the cached templates")
    parser.add_argument(
        "--cached-only",
        action="store_true",
        help="make no template: evaluate the pairs and images already in the cache",
    )
    parser.add_argument("--hnsw-gallery", type=int, default=0, help="HNSW gallery size (default: --gallery)")
    parser.add_argument("--indexes", default="exact,ivf", help="scale test: any of exact,ivf,hnsw (comma-separated)")
    parser.add_argument("--pipeline", type=int, default=60, help="images timed through the whole probe pipeline")
    parser.add_argument("--nlist", type=int, default=0, help="IVF cells (default: the product's for the gallery size)")
    parser.add_argument("--nprobes", default="64,128,256,512", help="IVF cells scanned, comma-separated")
    parser.add_argument("--ef", default="64,128,256,512", help="HNSW efSearch values, comma-separated")
    parser.add_argument(
        "--fingerprints",
        nargs="?",
        type=Path,
        const=fingerprints.FVC,
        default=None,
        metavar="FVC_DIR",
        help="run only the fingerprint part (FVC2000), on FVC_DIR if given",
    )
    parser.add_argument("--no-fingerprints", action="store_true", help="skip the fingerprint part")
    args = parser.parse_args()
    if args.fingerprints is not None:
        fingerprints.main(args.fingerprints)
        return
    face(args)
    if not (args.no_fingerprints or args.scale_only):
        fingerprints.main(None)


def face(args: argparse.Namespace) -> None:
    """The face part: verification, identification, probe pipeline and (unless ``--no-scale``) scale."""
    root: Path = args.lfw
    if not (root / "pairsDevTest.txt").exists():
        print(f"skipped: LFW View 1 not found at {root}")
        return
    train = pairs(root, "pairsDevTrain.txt")[:: max(1, len(pairs(root, "pairsDevTrain.txt")) // args.train_pairs)]
    test_paths = sorted({p for a, b, _ in pairs(root, "pairsDevTest.txt") for p in (a, b)})
    paths = test_paths + sorted({p for a, b, _ in train for p in (a, b)} - set(test_paths))
    if args.scale_only:
        data = np.load(args.cache, allow_pickle=False)
        cached = {str(p): v for p, v, ok in zip(data["paths"], data["vectors"], data["ok"], strict=True) if ok}
        print(f"scale test only, on {len(cached):,} cached templates ({data['stamp']})")
        scale(
            cached,
            args.gallery,
            args.probes,
            tuple(args.indexes.split(",")),
            args.hnsw_gallery,  # type: ignore[arg-type]
            args.pipeline,
            args.nlist,
            tuple(int(n) for n in args.nprobes.split(",")),
            tuple(int(n) for n in args.ef.split(",")),
        )
        return
    if args.cached_only:
        data = np.load(args.cache, allow_pickle=False)
        rows = zip(data["paths"], data["vectors"], data["ok"], strict=True)
        tmpl = {str(p): (v if ok else None) for p, v, ok in rows}
        rate = float(data["rate"])
        paths = [p for p in paths if p in tmpl]
        train = [t for t in train if t[0] in tmpl and t[1] in tmpl]
        print(f"cached only: {len(paths):,} images, {len(train)} training pairs")
    else:
        tmpl, rate = templates(paths, args.cache)
    engine = default_engine(Modality.FACE)
    missing = sum(v is None for v in tmpl.values())
    print(
        f"engine {engine.name} {engine.template_version}: {len(paths):,} View 1 images,"
        f" {missing} without a template; enrolment (2 processes) {rate:.1f} images/s"
    )
    print(uptime())
    verification(root, tmpl, train)
    identification(tmpl)
    vecs = np.stack([v for v in tmpl.values() if v is not None]).astype(np.float32)
    flat = faiss.IndexFlatL2(vecs.shape[1])
    flat.add(vecs)
    if args.pipeline:
        probe_pipeline(
            paths[:: max(1, len(paths) // args.pipeline)][: args.pipeline], flat, None, f"exact over {len(vecs):,}"
        )
    if not args.no_scale:
        scale(tmpl, args.gallery, args.probes, tuple(args.indexes.split(",")), args.hnsw_gallery)


if __name__ == "__main__":
    main()
