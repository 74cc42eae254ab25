"""API fuzzing from the OpenAPI schema (issue 21): schemathesis generates requests for every operation of the
live application, sent with the API keys of several roles of two countries.

Checks on every response: no server error (5xx), a body that conforms to the schema of its status code, and
no trace of the records a third country (EG) keeps to itself (visibility ``owner``): their ids (unless the
request itself carried them: a 404 may name what was asked for) and their distinctive strings (names,
document number, case title). Path parameters are drawn half the time from the ids of real records, the
hidden ones included, so the fuzzer reaches past "404 for a random id" into the handlers.

Used by ``tests/fuzz/test_fuzz.py`` (a short pass in ``make test``) and ``benchmarks/fuzz.py`` (``make fuzz``,
at least 10,000 requests).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy.orm import Session

from manara.case.actions import do_open_case
from manara.case.schemas import CaseIn
from manara.db import session as db_session
from manara.db.migrate import upgrade
from manara.document.actions import do_report_document
from manara.document.schemas import DocumentReportIn
from manara.entity.actions import do_upsert_entities, make_placement
from manara.entity.ftm import validate_entity
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.settings import get_settings
from manara.visibility import Visibility

SETUP = Actor(user_id="fuzz-setup", username="fuzz-setup", country="ZZ", role=Role.ADMINISTRATOR)
COUNTRIES = ("MA", "FR", "EG")
SECRET_OWNER = "EG"
# Who fuzzes: officers of the bureau and the front line, an analyst, and the administrators of two countries.
FUZZERS = (
    ("MA", Role.BUREAU_OFFICER),
    ("MA", Role.FRONTLINE_OFFICER),
    ("MA", Role.ANALYST),
    ("MA", Role.ADMINISTRATOR),
    ("FR", Role.ADMINISTRATOR),
    ("FR", Role.BUREAU_OFFICER),
)
# Distinctive strings of the hidden records: none may appear in a response to MA or FR.
SECRET_NAME = "Quorvane Zelthistrad"
SECRET_ALIAS = "Ysmeralde Okonkwo-Varga"
SECRET_DOCUMENT = "QZ77340195"
SECRET_CASE = "Operation Vexmoor Lantern"
SECRET_STRINGS = (SECRET_NAME, SECRET_ALIAS, SECRET_DOCUMENT, SECRET_CASE, "subj-quorvane", "ent-ysmeralde")
# Routes of domains being built while this harness was written: their failures are reported apart.
UNDER_CONSTRUCTION = ("/api/v1/pursuit", "/api/v1/assessment", "/api/v1/cyber", "/api/v1/webhook")


@dataclass
class World:
    """A migrated database seeded with three members, fuzzing keys, visible records and hidden EG records."""

    url: str
    data_dir: Path
    tokens: dict[str, str]  # username -> API key
    secret_ids: list[str]
    visible_ids: list[str]

    @property
    def known_ids(self) -> list[str]:
        return [*self.visible_ids, *self.secret_ids]


def _person(entity_id: str, name: str, **props: Any) -> dict[str, Any]:
    properties: dict[str, Any] = {"name": [name]}
    properties.update({k: v if isinstance(v, list) else [v] for k, v in props.items()})
    return {"id": entity_id, "schema": "Person", "properties": properties}


def build_world(tmp: Path) -> World:
    """Create and seed the fuzzing database in ``tmp``."""
    from manara.entity.service import get_by_natural_key
    from served import publish_red  # tests/ is on sys.path (pytest rootdir, or benchmarks/fuzz.py)

    url = f"sqlite:///{tmp}/fuzz.db"
    upgrade(url)
    engine = db_session.make_engine(url)
    tokens: dict[str, str] = {}
    actors: dict[tuple[str, Role], Actor] = {}
    with Session(engine, expire_on_commit=False) as session:
        for code in COUNTRIES:
            member_actions.do_create_member(session, code, acting=SETUP)
            for role in Role:
                username = f"{code.lower()}.{role.value}"
                user = member_actions.do_create_user(session, username, country=code, role=role, acting=SETUP)
                actors[(code, role)] = Actor(user_id=user.id, username=username, country=code, role=role)
                if (code, role) in FUZZERS:
                    _, tokens[username] = member_actions.do_create_api_key(session, user, acting=SETUP)
        session.commit()
        eg = actors[(SECRET_OWNER, Role.BUREAU_OFFICER)]
        ma = actors[("MA", Role.BUREAU_OFFICER)]
        # Visible to everyone: a published MA red notice, an MA document report, an MA case shared with FR.
        visible_notice = publish_red(session, ma, actors[("FR", Role.REVIEWER)], "Karim Benali", visibility="all")
        visible_doc = do_report_document(
            session,
            ma,
            DocumentReportIn.model_validate({"number": "MA1234567", "issuing_country": "MA", "status": "stolen"}),
        )
        visible_case = do_open_case(
            session, ma, CaseIn.model_validate({"title": "Casablanca robberies", "invite": ["FR"]})
        )
        # Hidden: EG's own records, visibility owner.
        secret_notice = publish_red(session, eg, actors[("MA", Role.REVIEWER)], SECRET_NAME, visibility="owner")
        place = make_placement(session, eg, Visibility.OWNER, [], None)
        do_upsert_entities(
            session,
            eg,
            [validate_entity(_person("ent-ysmeralde", SECRET_ALIAS, birthDate="1979-02-03", nationality="eg"))],
            place,
        )
        secret_entity = get_by_natural_key(session, SECRET_OWNER, "ent-ysmeralde")
        secret_subject = get_by_natural_key(session, SECRET_OWNER, f"subj-{SECRET_NAME}")
        assert secret_entity is not None and secret_subject is not None
        secret_doc = do_report_document(
            session,
            eg,
            DocumentReportIn.model_validate(
                {"number": SECRET_DOCUMENT, "issuing_country": "EG", "status": "stolen", "visibility": "owner"}
            ),
        )
        secret_case = do_open_case(session, eg, CaseIn.model_validate({"title": SECRET_CASE, "tlp": "amber+strict"}))
        session.commit()
        visible_subject = get_by_natural_key(session, "MA", "subj-Karim Benali")
        assert visible_subject is not None
        world = World(
            url=url,
            data_dir=tmp / "data",
            tokens=tokens,
            secret_ids=[secret_notice, secret_entity.id, secret_subject.id, secret_doc.id, secret_case.id],
            visible_ids=[visible_notice, visible_subject.id, visible_doc.id, visible_case.id],
        )
    engine.dispose()
    return world


def _clear_caches() -> None:
    get_settings.cache_clear()
    db_session.get_engine.cache_clear()
    db_session.get_sessionmaker.cache_clear()


@contextmanager
def configured(world: World) -> Iterator[None]:
    """Point this process's settings and engine at the world's database; restore them afterwards."""
    names = ("MANARA_DATABASE_URL", "MANARA_DATA_DIR", "MANARA_ENV")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update({"MANARA_DATABASE_URL": world.url, "MANARA_DATA_DIR": str(world.data_dir), "MANARA_ENV": "test"})
    _clear_caches()
    try:
        yield
    finally:
        db_session.get_engine().dispose()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        _clear_caches()


@dataclass
class Failure:
    """One response that failed a check."""

    operation: str
    username: str
    status: int
    check: str
    message: str
    request: str


@dataclass
class Report:
    """What a fuzzing run sent and found."""

    requests: int = 0
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    operations: int = 0
    failures: list[Failure] = field(default_factory=list)
    under_construction: list[Failure] = field(default_factory=list)

    def distinct(self, failures: list[Failure] | None = None) -> dict[tuple[str, str, int], Failure]:
        """One failure per (operation, check, status): the first seen."""
        found: dict[tuple[str, str, int], Failure] = {}
        for failure in self.failures if failures is None else failures:
            found.setdefault((failure.operation, failure.check, failure.status), failure)
        return found

    def summary(self) -> str:
        lines = [
            f"{self.requests} requests over {self.operations} operations in {self.seconds:.1f} s "
            f"({self.requests / max(self.seconds, 1e-9):.0f}/s); statuses {dict(sorted(self.statuses.items()))}",
            f"failures: {len(self.failures)} ({len(self.distinct())} distinct)",
        ]
        for failure in self.distinct().values():
            lines.append(
                f"  {failure.operation} as {failure.username}: {failure.status} {failure.check}: "
                f"{failure.message[:300]}\n    {failure.request[:400]}"
            )
        if self.under_construction:
            lines.append(f"in routes under construction (not counted): {len(self.under_construction)}")
            for failure in self.distinct(self.under_construction).values():
                lines.append(f"  {failure.operation}: {failure.status} {failure.check}: {failure.message[:200]}")
        return "\n".join(lines)


def load_schema(app: Any) -> Any:
    """The application's own OpenAPI document, served in-process."""
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def _request_text(case: Any) -> str:
    parts = [case.operation.path, json.dumps(case.path_parameters or {}, default=str)]
    parts.append(json.dumps(case.query or {}, default=str))
    if isinstance(case.body, bytes):
        parts.append(case.body.decode("utf-8", "replace"))
    elif case.body is not None and case.body is not NOT_SET:
        parts.append(json.dumps(case.body, default=str))
    return " ".join(parts)


def leaks(world: World, sent: str, body: str) -> list[str]:
    """What of the hidden records ``body`` reveals: distinctive strings, and ids the request did not carry."""
    found = [s for s in SECRET_STRINGS if s in body and s not in sent]
    found += [i for i in world.secret_ids if i in body and i not in sent]
    return found


def _strategy(operation: Any) -> Any:
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    try:
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    except Exception:  # noqa: BLE001 - an operation with nothing to negate (no parameters, no body)
        pass
    return st.one_of(*strategies)


def _is_id(parameter: str) -> bool:
    """A path parameter that names a record (``notice_id``, ``entity_pk``), not a country code or a chain."""
    return parameter.endswith(("_id", "_pk"))


def fuzz_operation(
    operation: Any, world: World, report: Report, *, examples: int, seed: int, hidden_only: bool = False
) -> None:
    """Send ``examples`` generated requests to ``operation``; record every failed check in ``report``.

    ``hidden_only``: every path parameter is the id of a hidden record, and any 2xx answer is a failure
    (the caller reached a record it may not see, even if the answer does not show it)."""
    label = f"{operation.method.upper()} {operation.path}"
    sink = report.under_construction if operation.path.startswith(UNDER_CONSTRUCTION) else report.failures
    users = sorted(world.tokens.items())
    strategy = _strategy(operation)
    known = world.secret_ids if hidden_only else world.known_ids

    @hypothesis_seed(seed)
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    @given(data=st.data())
    def one(data: st.DataObject) -> None:
        case = data.draw(strategy, label="case")
        username, token = data.draw(st.sampled_from(users), label="user")
        for name in [n for n in case.path_parameters or {} if _is_id(n)]:
            if hidden_only or data.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(known), label=name)
        if case.headers:  # the schema's own security headers would replace the key: the fuzzer sends its own
            for name in [n for n in case.headers if n.lower() in ("authorization", "x-api-key")]:
                del case.headers[name]
        sent = _request_text(case)
        report.requests += 1
        try:
            response = case.call(headers={"Authorization": f"Bearer {token}"})
        except Exception as exc:  # noqa: BLE001 - the in-process client re-raises what the server raised
            report.statuses[500] += 1
            sink.append(Failure(label, username, 500, "exception", f"{type(exc).__name__}: {exc}", sent))
            return
        report.statuses[response.status_code] += 1
        for check in (not_a_server_error, response_schema_conformance):
            try:
                case.validate_response(response, checks=[check])
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every failed check is recorded (schemathesis raises a group)
                sink.append(Failure(label, username, response.status_code, check.__name__, str(exc), sent))
        if hidden_only and 200 <= response.status_code < 300:
            sink.append(Failure(label, username, response.status_code, "reached hidden record", "", sent))
        revealed = leaks(world, sent, response.text)
        if revealed:
            sink.append(Failure(label, username, response.status_code, "leak", f"reveals {revealed}", sent))

    one()


def fuzz(app: Any, world: World, *, examples: int, seed: int = 21, only: str = "", hidden_only: bool = False) -> Report:
    """Fuzz every operation of ``app`` (those whose path contains ``only``) with ``examples`` requests each;
    ``hidden_only``: only operations with path parameters, each given the ids of hidden records."""
    schema = load_schema(app)
    report = Report()
    started = time.perf_counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        if only and only not in operation.path:
            continue
        if hidden_only and not any(_is_id(p.name) for p in operation.path_parameters):
            continue
        report.operations += 1
        fuzz_operation(operation, world, report, examples=examples, seed=seed, hidden_only=hidden_only)
    report.seconds = time.perf_counter() - started
    return report
