"""The layering's one rule that import-linter cannot state: a domain calls another domain's actions only
through the seams documented in docs/architecture.md ("Seams between domains").

The layers themselves (interfaces -> domains -> core, the engine importing nothing of Manara, no cycles)
are import-linter contracts in `.importlinter`, checked by `make lint`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "manara"
DOMAINS = ("member", "entity", "notice", "document", "hit", "screening", "biometric", "analysis", "case", "search")
DOMAINS += ("live", "demo")
DOMAINS += ("crypto",)
DOMAINS += ("pursuit",)
DOMAINS += ("cyber",)

# (caller, callee): why the caller's write includes the callee's.
SEAMS = {
    ("notice", "entity"): "a notice places its subject (make_placement) and the expiry job expires entities",
    ("document", "entity"): "a document report places its holder as an entity",
    ("screening", "hit"): "a screening raises hits to the owners of the notices it matches",
    ("biometric", "hit"): "a biometric search raises hits to the owners of the templates it matches",
    ("live", "hit"): "acknowledging a hit from the live queue is the hit's own acknowledgement",
    ("case", "live"): "a case invitation is acknowledged through the live queue",
    ("crypto", "hit"): "a wallet screened or reported in another member's cluster raises a hit to its owner",
    ("crypto", "case"): "a case is opened from a cluster",
    ("crypto", "entity"): "tags and wallets are placed (make_placement) like entities",
    ("demo", "member"): "the demo loader builds a network through the domains' own actions",
    ("demo", "entity"): "the demo loader builds a network through the domains' own actions",
    ("demo", "notice"): "the demo loader builds a network through the domains' own actions",
    ("demo", "crypto"): "the demo loader builds a network through the domains' own actions",
    ("pursuit", "live"): "a provisional arrest's deadline and a public tip are acknowledged through the live queue",
    ("demo", "pursuit"): "the demo loader builds a network through the domains' own actions",
    ("demo", "cyber"): "the demo loader builds a network through the domains' own actions",
}


def actions_imports(path: Path) -> set[str]:
    """Return the domains whose ``actions`` module the source file imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if len(parts) >= 3 and parts[0] == "manara" and parts[2] == "actions" and parts[1] in DOMAINS:
                found.add(parts[1])
    return found


def cross_domain_actions() -> dict[tuple[str, str], list[str]]:
    """Return every (caller domain, callee domain) pair of actions imports, with the files that make it."""
    pairs: dict[tuple[str, str], list[str]] = {}
    for domain in DOMAINS:
        for path in sorted((SRC / domain).rglob("*.py")):
            for callee in actions_imports(path) - {domain}:
                pairs.setdefault((domain, callee), []).append(str(path.relative_to(ROOT)))
    return pairs


def test_domains_call_other_domains_actions_only_through_documented_seams() -> None:
    undocumented = {pair: files for pair, files in cross_domain_actions().items() if pair not in SEAMS}
    assert not undocumented, f"add the seam to SEAMS and docs/architecture.md, or go through a service: {undocumented}"


def test_every_seam_is_used_and_documented() -> None:
    used = set(cross_domain_actions())
    assert set(SEAMS) <= used, f"seams no longer used: {set(SEAMS) - used}"
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for caller, callee in SEAMS:
        assert f"`{caller}` → `{callee}`" in doc, f"docs/architecture.md does not list the seam {caller} -> {callee}"


def test_the_checker_sees_an_actions_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from manara.hit.actions import do_raise_hit\nfrom manara.entity import actions\n")
    assert actions_imports(module) == {"hit", "entity"}
    module.write_text("from manara.hit import service\nimport manara.notice.models\n")
    assert actions_imports(module) == set()
