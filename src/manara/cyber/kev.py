"""CISA's Known Exploited Vulnerabilities catalogue (CC0): read from its CSV into KEV entries."""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

from manara.errors import ValidationFailed

KEV_ENV = "MANARA_KEV_CSV"
DEFAULT_PATH = Path("../shared/data/crypto/cisa-kev/known_exploited_vulnerabilities.csv")
COLUMNS = ("cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded", "shortDescription")
_CVE = re.compile(r"^CVE-\d{4}-\d{4,}$")


def kev_path(root: Path | None = None) -> Path:
    """Where the catalogue is read from: $MANARA_KEV_CSV, else ../shared/… relative to the repository root."""
    override = os.environ.get(KEV_ENV)
    if override:
        return Path(override)
    base = root or Path(__file__).resolve().parents[3]
    return (base / DEFAULT_PATH).resolve()


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def parse_kev_csv(text: str) -> list[dict[str, Any]]:
    """Parse the catalogue's CSV; raise ValidationFailed (naming the row) if a column or a value is wrong."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationFailed(
            "not the KEV catalogue", [{"field": "columns", "message": f"missing {', '.join(missing)}"}]
        )
    entries: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(reader, start=2):
        cve = (row.get("cveID") or "").strip().upper()
        added = _date(row.get("dateAdded") or "")
        if not _CVE.match(cve) or added is None:
            raise ValidationFailed(
                "bad KEV row", [{"field": f"row {number}", "message": "cveID and dateAdded required"}]
            )
        entries[cve] = {
            "cve_id": cve,
            "vendor": (row.get("vendorProject") or "")[:200],
            "product": (row.get("product") or "")[:200],
            "name": (row.get("vulnerabilityName") or "")[:500],
            "date_added": added,
            "description": row.get("shortDescription") or "",
            "required_action": row.get("requiredAction") or "",
            "due_date": _date(row.get("dueDate") or ""),
            "ransomware": (row.get("knownRansomwareCampaignUse") or "Unknown")[:16],
            "notes": row.get("notes") or "",
            "cwes": [c.strip() for c in (row.get("cwes") or "").split(",") if c.strip()],
        }
    return list(entries.values())
