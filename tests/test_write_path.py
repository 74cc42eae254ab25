"""One write path (docs/architecture.md, "Write path"): every write is a ``do_*`` function of a domain's
``actions.py``. This walks ``src/manara`` with ``ast`` and fails on a write anywhere else:

(a) a function named ``do_*`` defined outside an ``actions.py``;
(b) an audit append (``record`` of ``manara.audit.actions``) or an outbox append (``enqueue`` of
    ``manara.outbox.service``), names resolved through the module's imports (``record(``,
    ``audit.record(``, ``manara.audit.actions.record(``, aliases);
(c) ``.add(``, ``.add_all(``, ``.delete(``, ``.merge(`` called on a session (a name ``session``, ``s``
    or ``db``, or an attribute ``….session``);
(d) a SQLAlchemy ``insert``/``update``/``delete`` statement constructor (imported from ``sqlalchemy`` or
    one of its modules, e.g. ``postgresql.insert(``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "manara"

# The core write machinery, below the domains' actions (paths relative to src/manara; a folder ends in "/").
EXEMPT = {
    "audit/chain.py": "the audit hash chain itself: appends events and moves the head for audit/actions.py",
    "audit/group.py": "group commit: runs actions in SAVEPOINTs and appends their deferred audit records",
    "outbox/service.py": "the outbox append itself (enqueue), called by actions",
    "idempotency.py": "idempotency keys, stored by actions (do_create_notice_once) in their transaction",
    "db/": "engine, sessions and Alembic migrations: the machinery below every write",
}

AUDIT_RECORD = ("manara.audit.actions", "record")
OUTBOX_ENQUEUE = ("manara.outbox.service", "enqueue")
SESSION_NAMES = {"session", "s", "db"}
SESSION_WRITES = {"add", "add_all", "delete", "merge"}
STATEMENTS = {"insert", "update", "delete"}


@dataclass(frozen=True)
class Offence:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _imports(tree: ast.Module, module: str) -> dict[str, str]:
    """Map each local name bound by an import to the dotted name it stands for."""
    package = module.rsplit(".", 1)[0]
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                names[alias.asname or alias.name] = f"{base}.{alias.name}"
    return names


def _dotted(node: ast.expr, names: dict[str, str]) -> str | None:
    """Return the dotted name an expression like ``a.b.c`` resolves to through the imports, or None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in names:
        return None
    return ".".join([names[node.id], *reversed(parts)])


def _is_session(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in SESSION_NAMES
    return isinstance(node, ast.Attribute) and node.attr == "session"


def _call_offence(call: ast.Call, names: dict[str, str]) -> str | None:
    func = call.func
    target = _dotted(func, names)
    if target is not None:
        module, _, name = target.rpartition(".")
        if (module, name) == AUDIT_RECORD:
            return "audit append record(...)"
        if (module, name) == OUTBOX_ENQUEUE:
            return "outbox append enqueue(...)"
        if name in STATEMENTS and (module == "sqlalchemy" or module.startswith("sqlalchemy.")):
            return f"SQLAlchemy {name}(...) statement"
    if isinstance(func, ast.Attribute) and func.attr in SESSION_WRITES and _is_session(func.value):
        return f"session.{func.attr}(...)"
    return None


def check_source(text: str, path: str, module: str) -> list[Offence]:
    """Return the writes of one module that is not an ``actions.py`` nor exempt."""
    tree = ast.parse(text, filename=path)
    names = _imports(tree, module)
    found: list[Offence] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("do_"):
            found.append(Offence(path, node.lineno, f"function {node.name} defined outside actions.py"))
        elif isinstance(node, ast.Call):
            what = _call_offence(node, names)
            if what is not None:
                found.append(Offence(path, node.lineno, what))
    return sorted(found, key=lambda o: o.line)


def _exempt(relative: str) -> bool:
    if relative.endswith("/actions.py") or relative == "actions.py":
        return True
    return any(relative == e or (e.endswith("/") and relative.startswith(e)) for e in EXEMPT)


def check_tree(root: Path = SRC) -> list[Offence]:
    found: list[Offence] = []
    for file in sorted(root.rglob("*.py")):
        relative = file.relative_to(root).as_posix()
        if _exempt(relative):
            continue
        module = "manara." + relative.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
        found += check_source(file.read_text(encoding="utf-8"), f"src/manara/{relative}", module)
    return found


def test_every_write_is_an_action() -> None:
    offences = check_tree()
    assert not offences, "writes outside a domain's actions.py (docs/architecture.md, Write path):\n" + "\n".join(
        map(str, offences)
    )


def test_the_exemptions_exist() -> None:
    for path in EXEMPT:
        assert (SRC / path).exists(), f"stale exemption {path}"


SYNTHETIC = """
import sqlalchemy as sa
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from manara.audit import actions as audit
from manara.audit.actions import record as log
from manara.outbox.service import enqueue
import manara.audit.actions


def do_thing(session):
    pass


def view(session, actor, table):
    session.add(object())
    log(session, actor, "x")
    audit.record(session, actor, "x")
    manara.audit.actions.record(session, actor, "x")
    enqueue(session, "topic", {})
    session.execute(update(table).values(a=1))
    session.execute(sa.delete(table))
    session.execute(postgresql.insert(table))
    db.merge(object())
    self.session.delete(object())
    seen = set()
    seen.add(1)
    record = print
    record("not the audit record")
    storage.delete("a blob, not a row")
"""


def test_the_checker_reports_each_offence_with_its_line() -> None:
    found = check_source(SYNTHETIC, "src/manara/demo/fake.py", "manara.demo.fake")
    lines = SYNTHETIC.splitlines()
    reported = [(o.line, o.what) for o in found]
    assert reported == [
        (11, "function do_thing defined outside actions.py"),
        (16, "session.add(...)"),
        (17, "audit append record(...)"),
        (18, "audit append record(...)"),
        (19, "audit append record(...)"),
        (20, "outbox append enqueue(...)"),
        (21, "SQLAlchemy update(...) statement"),
        (22, "SQLAlchemy delete(...) statement"),
        (23, "SQLAlchemy insert(...) statement"),
        (24, "session.merge(...)"),
        (25, "session.delete(...)"),
    ]
    assert lines[10].startswith("def do_thing")
    assert str(found[0]) == "src/manara/demo/fake.py:11: function do_thing defined outside actions.py"


def test_actions_and_exempt_modules_are_not_checked(tmp_path: Path) -> None:
    for relative in ("hit/actions.py", "audit/chain.py", "db/session.py", "hit/service.py"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("def do_x(session):\n    session.add(1)\n", encoding="utf-8")
    assert [str(o) for o in check_tree(tmp_path)] == [
        "src/manara/hit/service.py:1: function do_x defined outside actions.py",
        "src/manara/hit/service.py:2: session.add(...)",
    ]
