"""Demo of cyber indicators: a phishing-and-ransomware network seen from MA, DZ, TN, EG and FR. A spoofed bank
domain recorded by MA and by FR (a cross-match), C2 servers from DZ, phishing URLs from TN, malware samples from
EG (one TLP:RED), BEC e-mail addresses from FR; the ransom wallets of the crypto demo as indicators linked to its
wallets and its case; KEV entries cited by the case (when the catalogue is present)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from manara.case.models import Case
from manara.crypto.models import CryptoWallet
from manara.cyber import actions
from manara.cyber.kev import kev_path, parse_kev_csv
from manara.cyber.schemas import IndicatorIn
from manara.db.base import utcnow
from manara.db.session import unit_of_work
from manara.demo.crypto import demo_actor
from manara.identity import Role

CITED_KEV = ("CVE-2023-4966", "CVE-2024-3400", "CVE-2023-20198")


def _sample(name: str, seed: int) -> str:
    return hashlib.sha256(f"demo-cyber:{seed}:{name}".encode()).hexdigest()


def _i(kind: str, value: str, tlp: str, name: str, /, **more: object) -> dict[str, object]:
    return {"kind": kind, "value": value, "tlp": tlp, "name": name, **more}


def _plan(seed: int) -> dict[str, list[dict[str, object]]]:
    seen = utcnow() - timedelta(days=12)
    everyone: dict[str, object] = {"visibility": "all", "first_seen": seen}
    apk = hashlib.md5(f"{seed}:apk".encode(), usedforsecurity=False).hexdigest()
    return {
        "MA": [
            _i("domain-name", "secure-bmce-verification.example", "green",
               "Spoofed bank login used against Moroccan customers", malware="Lumma Stealer", **everyone),
            _i("url", "https://secure-bmce-verification.example/auth/otp", "green", "OTP capture", **everyone),
            _i("email-addr", "service-client@bmce-verification.example", "amber", "Phishing sender",
               visibility="countries", shared_with=["FR", "DZ", "TN"]),
        ],
        "FR": [
            _i("domain-name", "SECURE-BMCE-VERIFICATION.example.", "amber",
               "Same phishing kit seen against French clinics", threat_actor="Scattered Spider", **everyone),
            _i("email-addr", "ceo.office@clinique-paiement.example", "green",
               "Business e-mail compromise sender", visibility="all"),
            _i("ipv4-addr", "198.51.100.23", "amber", "Ransomware staging server", malware="LockBit 3.0",
               visibility="all"),
        ],
        "DZ": [
            _i("ipv4-addr", "203.0.113.45", "green", "Stealer C2", malware="Lumma Stealer", **everyone),
            _i("ipv6-addr", "2001:db8:4a::45", "green", "Stealer C2 (IPv6)", **everyone),
        ],
        "TN": [
            _i("url", "http://colis-poste-tn.example/suivi?id=8842", "clear", "Parcel-delivery smishing", **everyone),
            _i("domain-name", "colis-poste-tn.example", "clear", "Parcel-delivery smishing", **everyone),
        ],
        "EG": [
            _i("file-sha256", _sample("lumma-loader", seed), "green", "Loader dropped by the fake bank app",
               malware="Lumma Stealer", **everyone),
            _i("file-md5", apk, "amber", "Malicious Android package", visibility="countries",
               shared_with=["MA", "DZ", "TN"]),
            _i("file-sha256", _sample("informant-device", seed), "red",
               "Sample from an informant's device (source protection)"),
        ],
    }  # fmt: skip


def load(seed: int) -> str:
    """Load the cyber demo; return a one-line summary."""
    added = links = cited = 0
    with unit_of_work() as session:
        actors = {c: demo_actor(session, c, Role.ANALYST) for c in ("MA", "DZ", "TN", "EG", "FR")}
        for country, items in _plan(seed).items():
            for item in items:
                actions.do_add_indicator(session, actors[country], IndicatorIn.model_validate(item))
                added += 1
        wallets = session.scalars(select(CryptoWallet).order_by(CryptoWallet.created_at)).all()
        case = session.scalars(select(Case).where(Case.title.like("LockBit%"))).first()
        for wallet in wallets:
            owner = demo_actor(session, wallet.owner_country, Role.BUREAU_OFFICER)
            body = IndicatorIn.model_validate(
                {"kind": "cryptocurrency-wallet", "value": wallet.address, "tlp": "amber", "visibility": "all",
                 "malware": "LockBit 3.0", "name": wallet.label}
            )  # fmt: skip
            ind = actions.do_add_indicator(session, owner, body)
            added += 1
            actions.do_link_indicator(session, owner, ind, "crypto_wallet", wallet.id)
            links += 1
            if case is not None and case.owner_country == wallet.owner_country:
                actions.do_link_indicator(session, owner, ind, "case", case.id)
                links += 1
        path = kev_path()
        if case is not None and path.exists():
            bureau = demo_actor(session, case.owner_country, Role.BUREAU_OFFICER)
            entries = parse_kev_csv(path.read_text(encoding="utf-8"))
            actions.do_import_kev(session, bureau, entries)
            known = {e["cve_id"] for e in entries}
            for cve in CITED_KEV:
                if cve in known:
                    actions.do_cite_kev(session, bureau, case.id, cve, "Initial access of the affiliate")
                    cited += 1
    return f"{added} cyber indicators, {links} indicator links, {cited} KEV entries cited by a case"
