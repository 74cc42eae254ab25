import io
import json
from pathlib import Path

from manara.matching import DEFAULT_THRESHOLD
from manara.matching.offline import run_match


def _write(path: Path, entities: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in entities))
    return path


def test_run_match_writes_one_line_per_query_in_order(tmp_path: Path) -> None:
    gallery = _write(
        tmp_path / "g.jsonl",
        [
            {"id": "g1", "schema": "Person", "properties": {"name": ["Aleksandr KUZIN"], "birthDate": ["1980-06-05"]}},
            {"id": "g2", "schema": "Person", "properties": {"name": ["Abd al-Rahman AL-TIKRITI"]}},
            {"id": "g3", "schema": "Person", "properties": {"name": ["Mary Jones"]}},
            {"id": "c1", "schema": "Company", "properties": {"name": ["Kuzin Trading"]}},
        ],
    )
    queries = _write(
        tmp_path / "q.jsonl",
        [
            {"id": "q1", "schema": "Person", "properties": {"name": ["عبد الرحمن التكريتي"]}},
            {"id": "q2", "schema": "Person", "properties": {"name": ["Alexander Kuzin"], "birthDate": ["1980-06-05"]}},
            {"id": "q3", "schema": "Person", "properties": {"name": ["Zzyzx Qwerty"]}},
        ],
    )
    out = io.StringIO()
    seen: list[int] = []
    assert run_match(gallery, queries, 2, out, progress=seen.append) == 3
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["query"] for r in rows] == ["q1", "q2", "q3"]
    assert rows[0]["results"][0]["id"] == "g2"
    assert rows[1]["results"][0]["id"] == "g1"
    assert seen == [1, 2, 3]
    for row in rows:
        assert len(row["results"]) <= 2
        scores = [r["score"] for r in row["results"]]
        assert scores == sorted(scores, reverse=True)
        for r in row["results"]:
            assert 0 <= r["score"] <= 1
            assert r["match"] == (r["score"] >= DEFAULT_THRESHOLD)
            assert r["id"] != "c1"
