"""Every benchmark still imports against the code it measures (a refactoring must not leave one broken).

Benchmarks run by hand (`make bench`), not in CI; this imports each one as `make bench` runs it (its folder
first on the path), so a renamed function or a moved module fails here instead of on the next measurement.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
MODULES = sorted(p.stem for p in BENCHMARKS.glob("*.py") if not p.stem.startswith("_"))


@pytest.mark.parametrize("name", MODULES)
def test_benchmark_imports(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # for its siblings (_shared, console)
    # Loaded from its file under a name of its own: tests/<domain> packages share the benchmarks' names.
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        assert callable(getattr(module, "main", None)), f"benchmarks/{name}.py has no main()"
    finally:
        sys.modules.pop(spec.name, None)


def test_every_benchmark_is_run_by_make_bench() -> None:
    """Each benchmark is in `make bench`, or run by one that is (as fingerprints.py by biometrics.py)."""
    makefile = (BENCHMARKS.parent / "Makefile").read_text()
    listed = [name for name in MODULES if f"benchmarks/{name}.py" in makefile]
    sources = "\n".join((BENCHMARKS / f"{name}.py").read_text() for name in listed)
    missing = [
        name
        for name in MODULES
        if name not in listed and f"import {name}" not in sources and f"from {name} import" not in sources
    ]
    assert not missing, f"not in `make bench`: {missing}"
