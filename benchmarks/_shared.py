"""Where the benchmarks and scripts find the evaluation data and the reference matchers' interpreter.

The evaluation data lives in ``../shared/`` relative to the repository root (resolved from this file,
not from the current directory); ``MANARA_SHARED_DIR`` moves that root, and a benchmark's own
variable (``MANARA_NAMES_DATA``, ``MANARA_NAMEBENCH``) overrides one path. The reference matchers of
``../shared/tools/namebench`` run in ``.venv-namebench`` (``make namebench-venv``), overridden by
``MANARA_NAMEBENCH_PYTHON``.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MANARA_SHARED_DIR") or ROOT.parent / "shared")
NAMEBENCH_PYTHON = os.environ.get("MANARA_NAMEBENCH_PYTHON") or str(ROOT / ".venv-namebench" / "bin" / "python")


def shared_path(*parts: str, env: str = "") -> Path:
    """Return ``../shared/<parts>``, or the value of the environment variable ``env`` when it is set."""
    override = os.environ.get(env) if env else None
    return Path(override) if override else SHARED.joinpath(*parts)
