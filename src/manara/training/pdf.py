"""The PDF certificate, in the holder's language, rendered with WeasyPrint from the signed credential alone
(every field printed; a QR code leads to the public verification page, where the true fields are shown,
since PDFs get edited). Arabic is laid out right to left; fonts come from the system (DejaVu Sans,
``fonts-dejavu-core``), nothing is downloaded."""

from __future__ import annotations

import base64
from typing import Any

import segno
from jinja2 import Environment, select_autoescape

from manara.pdf import font_config, weasyprint_html

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Certificate of training",
        "certifies": "This certifies that",
        "completed": "has completed the course",
        "code": "Course code",
        "areas": "Crime areas",
        "criteria": "Criteria",
        "result": "Result",
        "issuer": "Issued by",
        "issued": "Issued on",
        "expires": "Valid until",
        "id": "Certificate",
        "key": "Signing key",
        "verify": "Check this certificate: scan the code or open",
        "signed": "Digitally signed (Ed25519) verifiable credential, Open Badges 3.0.",
    },
    "fr": {
        "heading": "Certificat de formation",
        "certifies": "Nous certifions que",
        "completed": "a suivi avec succès la formation",
        "code": "Code de la formation",
        "areas": "Domaines de criminalité",
        "criteria": "Critères",
        "result": "Résultat",
        "issuer": "Délivré par",
        "issued": "Délivré le",
        "expires": "Valable jusqu'au",
        "id": "Certificat",
        "key": "Clé de signature",
        "verify": "Vérifier ce certificat : scannez le code ou ouvrez",
        "signed": "Attestation vérifiable signée numériquement (Ed25519), Open Badges 3.0.",
    },
    "es": {
        "heading": "Certificado de formación",
        "certifies": "Se certifica que",
        "completed": "ha completado el curso",
        "code": "Código del curso",
        "areas": "Ámbitos delictivos",
        "criteria": "Criterios",
        "result": "Resultado",
        "issuer": "Expedido por",
        "issued": "Expedido el",
        "expires": "Válido hasta",
        "id": "Certificado",
        "key": "Clave de firma",
        "verify": "Verifique este certificado: escanee el código o abra",
        "signed": "Credencial verificable firmada digitalmente (Ed25519), Open Badges 3.0.",
    },
    "ar": {
        "heading": "شهادة تدريب",
        "certifies": "نشهد بأن",
        "completed": "قد أتمّ الدورة التدريبية",
        "code": "رمز الدورة",
        "areas": "مجالات الجريمة",
        "criteria": "المعايير",
        "result": "النتيجة",
        "issuer": "صادرة عن",
        "issued": "تاريخ الإصدار",
        "expires": "صالحة حتى",
        "id": "الشهادة",
        "key": "مفتاح التوقيع",
        "verify": "للتحقق من هذه الشهادة: امسح الرمز أو افتح",
        "signed": "اعتماد قابل للتحقق موقّع رقمياً (Ed25519)، وفق Open Badges 3.0.",
    },
}

TEMPLATE = """<!doctype html>
<html lang="{{ lang }}" dir="{{ 'rtl' if lang == 'ar' else 'ltr' }}">
<head><meta charset="utf-8"><title>{{ t.heading }} — {{ achievement.name }}</title>
<style>
@page { size: A4 landscape; margin: 14mm; }
body { font-family: "DejaVu Sans", sans-serif; color: #1b2631; font-size: 10.5pt; }
.frame { border: 3px double #1f4e79; padding: 10mm 14mm; min-height: 160mm; position: relative; }
h1 { color: #1f4e79; font-size: 26pt; margin: 0 0 6mm; text-align: center; }
.name { font-size: 22pt; font-weight: bold; text-align: center; margin: 3mm 0; }
.course { font-size: 16pt; text-align: center; margin: 3mm 0 6mm; }
p.c { text-align: center; margin: 1mm 0; }
table { border-collapse: collapse; width: 70%; }
th { text-align: start; padding: 1mm 3mm 1mm 0; color: #566573; font-weight: normal; }
td { padding: 1mm 0; }
.qr { position: absolute; bottom: 10mm; {{ 'left' if lang == 'ar' else 'right' }}: 14mm; width: 36mm; }
.foot { font-size: 8pt; color: #566573; margin-top: 5mm; width: 70%; overflow-wrap: anywhere; }
</style></head>
<body><div class="frame">
<h1>{{ t.heading }}</h1>
<p class="c">{{ t.certifies }}</p>
<p class="name">{{ subject.name }}</p>
<p class="c">{{ t.completed }}</p>
<p class="course">{{ achievement.name }}</p>
<table>
<tr><th>{{ t.code }}</th><td>{{ achievement.humanCode }}</td></tr>
<tr><th>{{ t.areas }}</th><td>{{ achievement.tag|join(", ") }}</td></tr>
<tr><th>{{ t.criteria }}</th><td>{{ achievement.criteria.narrative }}</td></tr>
{% for r in subject.result or [] %}<tr><th>{{ t.result }}</th><td>{{ r.value }} %</td></tr>{% endfor %}
<tr><th>{{ t.issuer }}</th><td>{{ issuer.name }}</td></tr>
<tr><th>{{ t.issued }}</th><td>{{ vc.validFrom }}</td></tr>
<tr><th>{{ t.expires }}</th><td>{{ vc.validUntil }}</td></tr>
<tr><th>{{ t.id }}</th><td>{{ vc.id }}</td></tr>
<tr><th>{{ t.key }}</th><td>{{ vc.proof.verificationMethod }}</td></tr>
</table>
<p class="foot">{{ t.verify }} <span dir="ltr">{{ url }}</span><br>{{ t.signed }}</p>
<img class="qr" src="{{ qr }}" alt="QR">
</div></body></html>
"""

_env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_template = _env.from_string(TEMPLATE)


def qr_data_uri(url: str) -> str:
    """Return an SVG QR code of ``url`` as a data URI."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def render_html(vc: dict[str, Any], url: str, language: str) -> str:
    """Return the certificate page as HTML."""
    lang = language if language in LABELS else "en"
    subject = vc.get("credentialSubject", {})
    return _template.render(
        lang=lang,
        t=LABELS[lang],
        vc=vc,
        subject=subject,
        achievement=subject.get("achievement", {}),
        issuer=vc.get("issuer", {}),
        url=url,
        qr=qr_data_uri(url),
    )


def render_pdf(vc: dict[str, Any], url: str, language: str) -> bytes:
    """Return the PDF certificate of a signed credential."""
    html = weasyprint_html()
    pdf: bytes = html(string=render_html(vc, url, language)).write_pdf(font_config=font_config())
    return pdf


def _render_to(job: tuple[str, dict[str, Any], str, str, str]) -> str:
    cert_id, vc, url, language, folder = job
    from pathlib import Path

    (Path(folder) / f"{cert_id}.pdf").write_bytes(render_pdf(vc, url, language))
    return cert_id


def render_many(jobs: list[tuple[str, dict[str, Any], str, str]], folder: str, workers: int) -> int:
    """Render PDF certificates ``(id, credential, verification url, language)`` into ``folder`` as ``<id>.pdf``,
    in ``workers`` processes (WeasyPrint is CPU-bound and single-threaded); return how many were written."""
    work = [(*job, folder) for job in jobs]
    if workers <= 1 or len(work) < 2:
        return len([_render_to(j) for j in work])
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return sum(1 for _ in pool.map(_render_to, work, chunksize=16))
