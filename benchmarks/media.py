"""Media hash-sharing benchmarks: PDQ hashing speed, robustness to transformations, false matches among all
pairs of LFW images, an exact multi-index bank of PDQ hashes (memory, lookups/s, p95, checked against brute
force), and vPDQ video matching.

Usage: .venv/bin/python benchmarks/media.py [LFW_DIR] [--bank 10000000] [--quick]
LFW_DIR defaults to ../shared/data/faces/lfw relative to the repository root (MANARA_SHARED_DIR moves
../shared); without it the images are generated (structured pictures drawn with Pillow). ``--quick``: 400
images and a bank of 1,000,000 hashes.

Anchors measured in the same run: Pillow's decoding of the same files (hashing cannot be faster than
decoding), and faiss's exhaustive binary search (IndexBinaryFlat, C++ with SIMD popcounts) over the same
bank, whose answers the multi-index must equal.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import sys
import time
from fractions import Fraction
from multiprocessing import get_context
from pathlib import Path

import faiss
import numpy as np
from _shared import shared_path
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from manara.media.hashing import (  # noqa: E402
    Frame,
    crop_hashes,
    distances,
    hash_image,
    hash_video,
    packed,
    vpdq_shares,
)
from manara.media.index import MultiIndex  # noqa: E402

RADIUS = 31


def load_images(lfw: Path | None, count: int) -> list[bytes]:
    """JPEG bytes of LFW images (sorted paths), or generated pictures when LFW is absent."""
    if lfw is not None and (lfw / "images").is_dir():
        paths = sorted((lfw / "images").glob("*/*.jpg"))[:count]
        return [p.read_bytes() for p in paths]
    print(f"LFW not found at {lfw}: using generated pictures", file=sys.stderr)
    out = []
    for seed in range(count):
        rng = random.Random(seed)  # noqa: S311
        image = Image.new("RGB", (250, 250), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
        draw = ImageDraw.Draw(image)
        for _ in range(15):
            x, y = rng.randrange(250), rng.randrange(250)
            colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
            draw.ellipse((x, y, x + rng.randrange(20, 120), y + rng.randrange(20, 120)), fill=colour)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        out.append(buffer.getvalue())
    return out


def _hash_one(data: bytes) -> tuple[str, int]:
    hashed = hash_image(data)
    return hashed.pdq, hashed.quality


def _decode_one(data: bytes) -> int:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.size[0]


def speed(images: list[bytes]) -> tuple[list[str], list[int]]:
    """Images hashed per second on one and two processes, beside decoding alone."""
    started = time.perf_counter()
    for data in images:
        _decode_one(data)
    decode = len(images) / (time.perf_counter() - started)
    started, cpu = time.perf_counter(), time.process_time()
    results = [_hash_one(d) for d in images]
    one = len(images) / (time.perf_counter() - started)
    per_cpu = len(images) / (time.process_time() - cpu)
    with get_context("fork").Pool(2) as pool:
        pool.map(_hash_one, images[:50])  # warm the workers
        started = time.perf_counter()
        pool.map(_hash_one, images, chunksize=32)
        two = len(images) / (time.perf_counter() - started)
    print("\n## Hashing (PDQ + MD5 + SHA-256 per image)")
    print(f"anchor: Pillow decode only, 1 process   {decode:8.0f} images/s")
    print(f"hash_image, 1 process                  {one:8.0f} images/s")
    print(f"hash_image, 2 processes                {two:8.0f} images/s   (target >= 400)")
    print(f"hash_image, per CPU-second             {per_cpu:8.0f} images/s   (x2 cores = {2 * per_cpu:.0f}/s unloaded)")
    return [h for h, _ in results], [q for _, q in results]


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _caption(image: Image.Image) -> Image.Image:
    width, height = image.size
    out = Image.new("RGB", (width, int(height * 1.2)), (20, 20, 20))
    out.paste(image, (0, 0))
    ImageDraw.Draw(out).text((10, height + 10), "SHARE THIS VIDEO BEFORE IT IS DELETED", fill=(255, 255, 255))
    return out


def _crop(image: Image.Image, part: int) -> Image.Image:
    w, h = image.size
    return image.crop((w // part, h // part, w - w // part, h - h // part))


TRANSFORMS = {
    "jpeg q30": lambda im: _jpeg(im, 30),
    "resize 50%": lambda im: _jpeg(im.resize((im.width // 2, im.height // 2))),
    "grayscale": lambda im: _jpeg(im.convert("L")),
    "mirror": lambda im: _jpeg(ImageOps.mirror(im)),
    "rotate 90": lambda im: _jpeg(im.rotate(90, expand=True)),
    "rotate 180": lambda im: _jpeg(im.rotate(180)),
    "crop 10% each side": lambda im: _jpeg(_crop(im, 10)),
    "crop 5% each side": lambda im: _jpeg(_crop(im, 20)),
    "black border 10%": lambda im: _jpeg(ImageOps.expand(im, im.width // 10, fill=(0, 0, 0))),
    "white border 20%": lambda im: _jpeg(ImageOps.expand(im, im.width // 5, fill=(255, 255, 255))),
    "caption bar 20%": lambda im: _jpeg(_caption(im)),
}  # fmt: skip


def robustness(images: list[bytes], banked: list[str]) -> None:
    """Share of transformed copies within distance 31 of the original's hash: plain PDQ (the copy's hash as is)
    and Manara's probe (the copy's 8 dihedral variants and its border-trimmed variant)."""
    print(f"\n## Robustness (share of {len(images)} transformed copies matched at distance <= {RADIUS})")
    print("plain PDQ: the copy's hash as is, against the original's; probe: the copy's variants (8 dihedral,")
    print("border-trimmed, centre crops, top parts), against the original's hash only, then also against the")
    print("centre-crop hashes a bank keeps for a file added through Manara (POST /media/banks/{id}/files)")
    print(f"{'transformation':<22} {'plain PDQ':>10} {'probe':>8} {'probe + bank crops':>19}")
    bank_sets = [packed([banked[i], *crop_hashes(_jpeg(Image.open(io.BytesIO(d)).convert("RGB"), 95)).values()])
                 for i, d in enumerate(images)]  # fmt: skip
    for name, transform in TRANSFORMS.items():
        plain = probe = both = 0
        for data, bank_set in zip(images, bank_sets, strict=True):
            copy = transform(Image.open(io.BytesIO(data)).convert("RGB"))
            variants = packed(list(hash_image(copy, variants=True).variants.values()))
            d = distances(variants, bank_set)
            plain += int(d[0, 0] <= RADIUS)
            probe += int(d[:, 0].min() <= RADIUS)
            both += int(d.min() <= RADIUS)
        n = len(images)
        print(f"{name:<22} {plain / n:>9.1%} {probe / n:>7.1%} {both / n:>18.1%}")
    # the price of the variants: false matches between different images, probe variants against bank sets
    probe_sets = [packed(list(hash_image(d, variants=True).variants.values())) for d in images]
    owners = np.concatenate([np.full(len(b), i) for i, b in enumerate(bank_sets)])
    every_bank = np.vstack(bank_sets)
    false = 0
    for i, variants in enumerate(probe_sets):
        near = distances(variants, every_bank).min(axis=0) <= RADIUS
        false += len(set(owners[near].tolist()) - {i})
    pairs = len(images) * (len(images) - 1)
    print(f"false matches with variants on both sides: {false} of {pairs:,} ordered pairs of different images "
          f"({false / pairs:.2e})")  # fmt: skip


def false_matches(banked: list[str], lfw: Path | None, count: int) -> None:
    """Pairs of different images within distance 31, among all pairs (same person and different people)."""
    names: list[str] = []
    if lfw is not None and (lfw / "images").is_dir():
        names = [p.parent.name for p in sorted((lfw / "images").glob("*/*.jpg"))[:count]]
    codes = packed(banked)
    n = len(codes)
    close: list[tuple[int, int, int]] = []
    started = time.perf_counter()
    for i in range(0, n, 256):
        block = distances(codes[i : i + 256], codes)
        rows, cols = np.nonzero(block <= RADIUS)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            if i + r < c:
                close.append((i + r, c, int(block[r, c])))
    elapsed = time.perf_counter() - started
    pairs = n * (n - 1) // 2
    same = sum(1 for a, b, _ in close if names and names[a] == names[b])
    print(f"\n## False matches among all {pairs:,} pairs of {n} different images ({elapsed:.1f} s)")
    print(f"pairs within distance {RADIUS}: {len(close)} ({len(close) / pairs:.2e} of pairs); same person: {same}")
    for a, b, d in close[:10]:
        print(f"  {names[a] if names else a} / {names[b] if names else b}: distance {d}")


def bank(banked: list[str], size: int, images: list[bytes]) -> None:
    """An exact multi-index over ``size`` hashes (real ones planted among uniform random ones)."""
    rng = np.random.default_rng(1)
    real = packed(banked)
    codes = rng.integers(0, np.iinfo(np.uint64).max, size=(size, 4), dtype=np.uint64, endpoint=True)
    where = rng.choice(size, size=len(real), replace=False)
    codes[where] = real
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    index = MultiIndex(codes)
    build = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # probes: transformed copies of banked images (each with its 8 dihedral variants = 8 lookups), and
    # random hashes (nothing near them)
    probes: list[NDArray[np.uint64]] = []
    for data in images[:200]:
        im = Image.open(io.BytesIO(data)).convert("RGB")
        probes.append(packed([hash_image(_jpeg(im.resize((im.width * 3 // 4, im.height * 3 // 4)), 40)).pdq])[0])
    probes += list(rng.integers(0, np.iinfo(np.uint64).max, size=(200, 4), dtype=np.uint64, endpoint=True))
    timings = []
    found = 0
    cpu = time.process_time()
    for q in probes:
        t = time.perf_counter()
        got, _ = index.search(q, RADIUS)
        timings.append(time.perf_counter() - t)
        found += int(len(got) > 0)
    cpu_rate = len(probes) / (time.process_time() - cpu)
    times = np.array(timings) * 1000
    flat = faiss.IndexBinaryFlat(256)
    flat.add(codes.view(np.uint8).reshape(-1, 32))
    check = np.array(probes[:20] + probes[200:210]).view(np.uint8).reshape(-1, 32)
    started = time.perf_counter()
    lims, _, ids = flat.range_search(check, RADIUS + 1)  # faiss: distance < radius
    flat_rate = len(check) / (time.perf_counter() - started)
    chosen = probes[:20] + probes[200:210]
    exact = all(
        sorted(ids[lims[k] : lims[k + 1]].tolist()) == sorted(index.search(q, RADIUS)[0].tolist())
        for k, q in enumerate(chosen)
    )
    print(f"\n## Bank of {size:,} PDQ hashes (multi-index, 16 x 16-bit chunks, exact to distance {RADIUS})")
    print(f"memory: index arrays {index.nbytes() / 2**20:,.0f} MiB ({index.nbytes() / size:.0f} bytes/hash); "
          f"process max RSS grew {(after - before) / 1024:,.0f} MiB; build {build:.1f} s")  # fmt: skip
    print(f"lookups: {len(times) / (times.sum() / 1000):,.0f}/s, p50 {np.percentile(times, 50):.2f} ms, "
          f"p95 {np.percentile(times, 95):.2f} ms, p99 {np.percentile(times, 99):.2f} ms; "
          f"resized JPEG-40 copies found {found}/{len(probes)} (200 planted + 200 random)")  # fmt: skip
    print(f"lookups per CPU-second (the load-independent figure): {cpu_rate:,.0f}")
    print(f"anchor: faiss IndexBinaryFlat range search {flat_rate:,.1f} lookups/s; "
          f"same results as brute force on {len(check)} probes: {exact}")  # fmt: skip


def _video(frames: list[Image.Image], size: tuple[int, int], fps: int, bit_rate: int, seconds_each: float) -> bytes:
    import av

    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = bit_rate
        stream.time_base = Fraction(1, fps)
        n = 0
        for image in frames:
            still = image.resize(size)
            for _ in range(int(seconds_each * fps)):
                frame = av.VideoFrame.from_image(still)
                frame.pts = n
                n += 1
                for packet in stream.encode(frame):
                    container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def video(images: list[bytes]) -> None:
    """A slideshow of 10 images, a re-encoded half-size copy of it, and a slideshow of 10 other images."""
    stills = [Image.open(io.BytesIO(d)).convert("RGB") for d in images[:20]]
    reference = _video(stills[:10], (320, 320), 25, 2_000_000, 2.0)
    copy = _video(stills[:10], (160, 160), 15, 300_000, 2.0)
    other = _video(stills[10:20], (320, 320), 25, 2_000_000, 2.0)
    started = time.perf_counter()
    ref = hash_video(reference)
    elapsed = time.perf_counter() - started
    frames: list[Frame] = ref.frames
    q_copy, t_copy = vpdq_shares(hash_video(copy).frames, frames)
    q_other, t_other = vpdq_shares(hash_video(other).frames, frames)
    print("\n## Video (vPDQ: one PDQ per second, a match needs >= 80% of the probe's frames)")
    print(f"reference: 20 s, {len(frames)} frames hashed in {elapsed:.2f} s")
    print(f"re-encoded half-size copy: probe frames matched {q_copy:.0f}%, reference frames {t_copy:.0f}% -> "
          f"{'match' if q_copy >= 80 else 'no match'}")  # fmt: skip
    print(f"different video:           probe frames matched {q_other:.0f}%, reference frames {t_other:.0f}% -> "
          f"{'match' if q_other >= 80 else 'no match'}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lfw", nargs="?", type=Path, default=shared_path("data", "faces", "lfw", env="MANARA_LFW"))
    parser.add_argument("--bank", type=int, default=10_000_000)
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count, size = (400, 1_000_000) if args.quick else (args.images, args.bank)
    lfw = args.lfw if args.lfw and args.lfw.exists() else None
    images = load_images(lfw, count)
    print(f"# Media benchmark: {len(images)} images ({'LFW' if lfw else 'generated'}), {os.cpu_count()} cores")
    banked, quality = speed(images)
    low = sum(q < 50 for q in quality)
    print(f"quality: median {int(np.median(quality))}, below 50 (refused): {low}")
    robustness(images[: min(len(images), 400)], banked[:400])
    false_matches(banked, lfw, count)
    bank(banked, size, images)
    video(images)
    print(f"\nload average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
