"""``manara biometrics``: offline comparison with exactly the engines and versions the API uses."""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from numpy.typing import NDArray

from manara.biometric.engines import Modality, default_engine
from manara.cli.common import EXIT_DATA
from manara.errors import ImageRejected

biometrics = typer.Typer(help="Biometric templates: offline comparison.", no_args_is_help=True)


def _template(path: str, modality: str) -> tuple[str, NDArray[np.float32] | None, str]:
    """Return (path, vector or None, reason) for one image file (runs in a worker process)."""
    try:
        return path, default_engine(Modality(modality)).extract(Path(path).read_bytes()).vector, ""
    except ImageRejected as exc:
        return path, None, ",".join(exc.reasons)
    except OSError as exc:
        return path, None, f"unreadable: {exc.strerror}"


@biometrics.command("verify")
def verify(
    pairs: Annotated[Path, typer.Option(help="TSV file: path_a<TAB>path_b per line", exists=True, dir_okay=False)],
    modality: Annotated[Modality, typer.Option(help="face or finger")] = Modality.FACE,
    output: Annotated[Path | None, typer.Option(help="Output TSV (default stdout)")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 2,
) -> None:
    """Score image pairs: each pair plus a similarity in [0, 1] (empty, reason on stderr, on failure)."""
    rows = [line.rstrip("\n").split("\t") for line in pairs.read_text().splitlines() if line.strip()]
    bad = [i + 1 for i, row in enumerate(rows) if len(row) != 2]
    if bad:
        typer.echo(f"lines without exactly two tab-separated paths: {bad[:10]}", err=True)
        raise typer.Exit(EXIT_DATA)
    paths = sorted({p for row in rows for p in row})
    templates: dict[str, NDArray[np.float32] | None] = {}
    # Not multiprocessing.Pool: its daemonic workers could not start the isolated WSQ decoder process.
    with ProcessPoolExecutor(max(1, workers), mp_context=get_context("spawn")) as pool:
        jobs = pool.map(_work, [(p, modality.value) for p in paths], chunksize=4)
        for done, (path, vector, reason) in enumerate(jobs, start=1):
            templates[path] = vector
            if reason:
                typer.echo(f"{path}: {reason}", err=True)
            if done % 50 == 0 or done == len(paths):
                typer.echo(f"templates {done}/{len(paths)}", err=True)
    engine = default_engine(modality)
    out = output.open("w") if output else sys.stdout
    try:
        for a, b in rows:
            va, vb = templates[a], templates[b]
            score = "" if va is None or vb is None else f"{engine.compare(va, vb):.4f}"
            out.write(f"{a}\t{b}\t{score}\n")
    finally:
        if output:
            out.close()


def _work(args: tuple[str, str]) -> tuple[str, NDArray[np.float32] | None, str]:
    return _template(*args)
