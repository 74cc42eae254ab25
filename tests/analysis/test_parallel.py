"""Matching in forked workers finds exactly what matching in-process finds."""

from __future__ import annotations

from manara.analysis.parallel import matching_pool
from manara.analysis.xref import EntityRow, XrefIndex

KARIM = {"birthDate": ["1985-04-12"], "nationality": ["ma"]}


def rows() -> list[EntityRow]:
    out = [
        EntityRow(f"p{i}", ("MA", "FR", "EG")[i % 3], "all", [], "Person", {"name": [name], **KARIM})
        for i, name in enumerate(["Karim Benali", "كريم بنعلي", "Karim Benali", "Samira Haddad"])
    ]
    out.append(
        EntityRow("w1", "MA", "all", [], "CryptoWallet", {"publicKey": ["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"]})
    )
    out.append(
        EntityRow("w2", "FR", "all", [], "CryptoWallet", {"publicKey": ["BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ"]})
    )
    return out


def test_forked_workers_agree_with_in_process_matching() -> None:
    index = XrefIndex()
    index.add_all(rows())
    chunks = [rows()[:3], rows()[3:]]
    with matching_pool(index, 1) as match_many:
        alone = match_many(chunks)
    with matching_pool(index, 2) as match_many:
        forked = match_many(chunks)
    assert forked == alone
    assert {c.pair for chunk in alone for c in chunk} >= {("p0", "p1"), ("p1", "p2"), ("w1", "w2")}
