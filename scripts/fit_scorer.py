"""Fit the logistic weights of the person scorer on the development split of the names data set.

    PYTHONPATH=src nice -n 19 .venv/bin/python scripts/fit_scorer.py [--data ../shared/data/names]
        [--sizes 0.125,0.25,0.5,1] [--l2 1.0] [--cache /tmp/fit-pairs.jsonl]

Reads ``gallery.tsv`` and ``queries_dev.tsv`` (never any other split). For each gallery size (a share of
the development gallery: every gold record, plus other records drawn at random with a fixed seed, so
that the share of queries that should alert stays the same and only the number of strangers grows) it
indexes the drawn records in a ``Matcher`` and screens every query with
``Matcher.search``, exactly as screening does: the candidates come from the index and each carries the
features ``scorer.extract`` computed with that gallery's weights and size. Every candidate is a training
pair, labelled 1 if it is the query's gold record. The weights are fitted by Newton's method (IRLS) on
the logistic loss with a small L2 penalty (not on the bias), 2-fold cross-validated by query: the
printed figures for each fold come from weights fitted on the other fold's queries. Finally the weights
are fitted on all queries and printed in the form of ``scorer.COEFFICIENTS``.

Features absent from the development data (gender, documents, swapped day/month) and ``log_gallery``
(whose weight follows from the prior odds of a record, -1) keep the weights set by hand in
``scorer.HAND_SET`` and enter the fit as a fixed offset.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import numpy as np

from manara.matching import Matcher, PersonRecord
from manara.matching.scorer import BIAS, COEFFICIENTS, DEFAULT_THRESHOLD, HAND_SET, probability

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from _shared import shared_path  # noqa: E402 - ../shared found as the benchmarks find it
from names import iso_dates  # noqa: E402 - the benchmark's date reading, so the fit sees what it measures

DATA = shared_path("data", "names", env="MANARA_NAMES_DATA")  # ../shared/data/names from the repository root
# The features the fit weighs (scorer.FITTED must carry exactly these).
FEATURES = [
    "name",
    "name_squared",
    "name_cover_min",
    "name_rare_near",
    "name_x_rare_near",
    "name_loose",
    "name_unmatched_query",
    "name_unmatched_record",
    "dob_exact",
    "dob_partial",
    "dob_near",
    "dob_mismatch",
    "nationality_match",
    "nationality_mismatch",
]
SEED = 17
# Gallery size, query id, whether the query's gold record is in the gallery, label, features.
Pair = tuple[int, str, bool, int, dict[str, float]]


def say(text: str = "", stream: TextIO = sys.stdout) -> None:
    """Print a line of the report (progress goes to stderr)."""
    stream.write(text + "\n")
    stream.flush()


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Read a tab-separated file with a header line (no quoting, as the harness reads it)."""
    csv.field_size_limit(10**8)
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def record(row: dict[str, str], key: str) -> PersonRecord:
    """The engine's record of a data set row, as benchmarks/names.py builds it."""
    nats = tuple(n.strip() for n in (row.get("nationality") or "").split(";") if n.strip())
    return PersonRecord(
        id=row[key], names=(row["name"],), birth_dates=iso_dates(row.get("dob", "")), nationalities=nats
    )


def extract_pairs(data: Path, shares: list[float]) -> Iterator[Pair]:
    """Screen every development query against random draws of the gallery; yield every candidate."""
    gallery = [record(r, "gallery_id") for r in read_tsv(data / "gallery.tsv")]
    queries = read_tsv(data / "queries_dev.tsv")
    golds = {q["gold"] for q in queries if q["gold"]}
    kept = [p for p in gallery if p.id in golds]
    others = [p for p in gallery if p.id not in golds]
    for share in shares:
        # Every gold record stays, so every positive query stays positive: the share of queries that
        # should alert does not move with the size, only the number of strangers to agree by chance.
        rng = random.Random(SEED + round(share * 1000))  # noqa: S311 - reproducible subsample
        count = max(0, round(len(gallery) * share) - len(kept))
        drawn = gallery if share >= 1 else kept + rng.sample(others, min(count, len(others)))
        matcher = Matcher()
        for person in drawn:
            matcher.add(person)
        size = len(matcher)
        say(f"gallery {size:,} records indexed", sys.stderr)
        for q in queries:
            gold = q["gold"] if q["gold"] in matcher else ""  # all of them, unless a record was a duplicate
            for result in matcher.search(record(q, "query_id"), limit=matcher.candidates):
                yield size, q["query_id"], bool(gold), int(result.id == gold), result.features


def load_pairs(args: argparse.Namespace) -> list[Pair]:
    """Extract the pairs, or read them from the cache written by an earlier run with the same sizes."""
    cache: Path | None = args.cache
    if cache is not None and cache.exists():
        with cache.open() as f:
            return [(s, q, g, y, x) for s, q, g, y, x in map(json.loads, f)]
    pairs = list(extract_pairs(args.data, [float(s) for s in args.sizes.split(",")]))
    if cache is not None:
        with cache.open("w") as f:
            f.writelines(json.dumps(p) + "\n" for p in pairs)
    return pairs


def design(pairs: list[Pair], names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature matrix (with a leading 1 for the bias), labels and the hand-set weights' fixed offset."""
    x = np.array([[1.0] + [f.get(n, 0.0) for n in names] for *_, f in pairs])
    y = np.array([label for *_, label, _ in pairs], dtype=float)
    offset = np.array([sum(HAND_SET.get(k, 0.0) * v for k, v in f.items()) for *_, f in pairs])
    return x, y, offset


def fit(x: np.ndarray, y: np.ndarray, offset: np.ndarray, l2: float) -> np.ndarray:
    """Logistic regression by Newton's method (IRLS) with an L2 penalty on every weight but the bias."""
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0

    def loss(b: np.ndarray) -> float:
        z = x @ b + offset
        return float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * np.sum(penalty * b * b))

    beta = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ beta + offset, -30, 30)))
        gradient = x.T @ (y - p) - penalty * beta
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        before, scale = loss(beta), 1.0
        while loss(beta + scale * step) > before and scale > 1e-6:  # halve a step that overshoots
            scale /= 2
        beta += scale * step
        if np.max(np.abs(scale * step)) < 1e-7:
            break
    return beta


def fold_of(query_id: str) -> int:
    """The cross-validation fold of a query (stable across runs and gallery sizes)."""
    return zlib.crc32(query_id.encode()) % 2


def metrics(pairs: list[Pair], weights: dict[str, float], bias: float) -> dict[int, str]:
    """Per gallery size: hit rate and false-alert rate at the default threshold, hit rate at FAR <= 1 %."""
    best: dict[tuple[int, str], tuple[float, float, bool]] = {}  # (size, query): best score, gold score, positive
    for size, qid, positive, label, features in pairs:
        value = probability(features, weights, bias)
        top, gold, _ = best.get((size, qid), (0.0, 0.0, positive))
        best[size, qid] = (max(top, value), max(gold, value if label else 0.0), positive)
    out = {}
    for size in sorted({s for s, _ in best}):
        rows = [v for (s, _), v in best.items() if s == size]
        pos = [gold for _, gold, positive in rows if positive]
        neg = sorted((top for top, _, positive in rows if not positive), reverse=True)
        hit = sum(g >= DEFAULT_THRESHOLD for g in pos) / max(1, len(pos))
        far = sum(t >= DEFAULT_THRESHOLD for t in neg) / max(1, len(neg))
        # The lowest threshold that alerts at most 1 % of the negative queries, and the hits above it.
        cut = neg[len(neg) // 100] if neg else 0.0
        hit1 = sum(g > cut for g in pos) / max(1, len(pos))
        out[size] = (
            f"{len(pos):5d} pos / {len(neg):5d} neg: at {DEFAULT_THRESHOLD} hit {hit:.3f} FAR {far:.3f}; "
            f"hit@FAR<=1% {hit1:.3f}"
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--sizes", default="0.125,0.25,0.5,1", help="shares of the development gallery")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--cache", type=Path, help="keep the extracted pairs here and reuse them")
    args = parser.parse_args()
    if not (args.data / "gallery.tsv").exists():
        say(f"no development data in {args.data}", sys.stderr)
        return 1
    pairs = load_pairs(args)
    names = FEATURES
    say(f"{len(pairs):,} candidate pairs, {sum(p[3] for p in pairs):,} gold; features: {', '.join(names)}")
    say("\ncurrent scorer (scorer.py as it stands):")
    for size, line in metrics(pairs, COEFFICIENTS, BIAS).items():
        say(f"  {size:7,d}  {line}")
    for fold in (0, 1):
        train = [p for p in pairs if fold_of(p[1]) != fold]
        test = [p for p in pairs if fold_of(p[1]) == fold]
        beta = fit(*design(train, names), args.l2)
        weights = {**HAND_SET, **dict(zip(names, beta[1:], strict=True))}
        say(f"\nfold {fold}: fitted on {len(train):,} pairs, measured on the other {len(test):,}")
        for size, line in metrics(test, weights, float(beta[0])).items():
            say(f"  {size:7,d}  {line}")
    beta = fit(*design(pairs, names), args.l2)
    say("\n# fitted on all development queries: paste into src/manara/matching/scorer.py")
    say(f"BIAS = {beta[0]:.3f}")
    say("FITTED: dict[str, float] = {")
    for n, b in zip(names, beta[1:], strict=True):
        say(f'    "{n}": {b:.3f},')
    say("}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
