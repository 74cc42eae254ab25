"""Results do not depend on Python's string hash seed: two processes answer alike, ties included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from manara.demo.persons import generate_persons


def _match(tmp: Path, seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [
        sys.executable,
        "-m",
        "manara.cli.main",
        "match",
        "--gallery",
        str(tmp / "g.jsonl"),
        "--queries",
        str(tmp / "q.jsonl"),
        "--limit",
        "25",
    ]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout  # noqa: S603


def test_two_hash_seeds_give_the_same_ranked_results(tmp_path: Path) -> None:
    gallery = [p for cc in ("MA", "EG", "RU") for p in generate_persons(cc, 1500, seed=7)]
    (tmp_path / "g.jsonl").write_text("".join(json.dumps(p) + "\n" for p in gallery))
    queries = []  # family names and years only: hundreds of namesakes tie at the candidate cut
    for i, person in enumerate(gallery[::25]):
        props = person["properties"]
        family = props["name"][0].split()[-1]
        year = {"birthDate": [props["birthDate"][0][:4]]} if props.get("birthDate") else {}
        queries.append({"id": f"q{i}", "schema": "Person", "properties": {"name": [family], **year}})
        queries.append({"id": f"r{i}", "schema": "Person", "properties": {"name": props["name"][:1]}})
    (tmp_path / "q.jsonl").write_text("".join(json.dumps(q) + "\n" for q in queries))
    first, second = _match(tmp_path, "1"), _match(tmp_path, "2")
    rows = [json.loads(line) for line in first.splitlines()]
    assert len(rows) == len(queries) and sum(len(r["results"]) == 25 for r in rows) > len(queries) // 3
    assert first == second
