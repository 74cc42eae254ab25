"""The report of an assessment, rendered from its snapshot alone: HTML (the console's view and the PDF's source)
and PDF (WeasyPrint). The same snapshot always gives the same HTML, byte for byte: nothing here reads the clock,
the database or the reader."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from manara import worldmap
from manara.assessment import charts
from manara.assessment.labels import PROBABILITY_RANGES, RTL, grade_label, region_name, text_for
from manara.assessment.schemas import Confidence, Probability
from manara.assessment.service import snapshot_digest
from manara.crime import CRIME_AREA_VALUES
from manara.crime import label as area_label
from manara.notice.types import NoticeType
from manara.pdf import font_config, weasyprint_html
from manara.tlp import Tlp

TEMPLATES = Path(__file__).parent / "templates"
FONTS = Path(__file__).parent.parent / "web" / "static" / "vendor" / "fonts"
_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

TLP_COLOURS = {
    Tlp.CLEAR: ("#ffffff", "#000000"),
    Tlp.GREEN: ("#33ff00", "#000000"),
    Tlp.AMBER: ("#ffc000", "#000000"),
    Tlp.AMBER_STRICT: ("#ffc000", "#000000"),
    Tlp.RED: ("#ff2b2b", "#000000"),
}

OVERVIEW = ("notices_published", "hits", "screenings", "document_checks", "cases_opened", "cases_closed",
            "cross_match_links")  # fmt: skip
TOP = 12


@dataclass(frozen=True)
class Row:
    """An indicator as the report shows it."""

    seq: int
    query: str
    params: dict[str, Any]
    value: float
    previous: float | None


def _rows(snapshot: dict[str, Any], query: str) -> list[Row]:
    return [
        Row(i["seq"], i["query"], i["params"], i["value"], i["previous"])
        for i in snapshot.get("indicators", [])
        if i["query"] == query
    ]


class Formatter:
    """Numbers, dates, countries, changes and labels in one language."""

    def __init__(self, language: str) -> None:
        self.lang = language
        self.locale = Locale.parse(language)
        self.t = text_for(language)

    def number(self, value: float | None) -> str:
        """A count in the locale's digits and grouping."""
        if value is None:
            return "—"
        return format_decimal(value, format="#,##0.##", locale=self.locale)

    def date(self, iso: str | None) -> str:
        """A date in the locale's long format."""
        if not iso:
            return "—"
        return format_date(date.fromisoformat(iso[:10]), "long", locale=self.locale)

    def country(self, code: str | None) -> str:
        """A country's name in the language, with its code."""
        if not code:
            return "—"
        name = self.locale.territories.get(code.upper())
        return f"{name} ({code})" if name else code

    def change(self, value: float, previous: float | None) -> str:
        """Period-over-period change: a signed percentage, "new", or a dash."""
        if previous is None:
            return "—"
        if previous == 0:
            return self.t["new"] if value > 0 else "—"
        ratio = (value - previous) / previous
        text = format_percent(ratio, format="+#,##0%;-#,##0%", locale=self.locale)
        return str(text)

    def area(self, value: str) -> str:
        """A crime area's label ("unclassified" included)."""
        return self.t["unclassified"] if value == "unclassified" else area_label(value, self.lang)

    def notice_type(self, value: str) -> str:
        """A notice type's name (the registry's English label, capitalised)."""
        try:
            return NoticeType(value).value.replace("_", " ").title()
        except ValueError:
            return value

    def params(self, params: dict[str, Any]) -> str:
        """An indicator's parameters as ``name=value`` text."""
        return ", ".join(
            f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}" for k, v in sorted(params.items())
        )


def _img(svg: str, alt: str) -> Markup:
    data = base64.b64encode(svg.encode()).decode()
    return Markup('<img class="chart" src="data:image/svg+xml;base64,{}" alt="{}">').format(data, alt)


def _anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _compare_chart(f: Formatter, rows: list[Row], key: Callable[[Row], str], alt: str) -> Markup:
    shown = rows[:TOP]
    svg = charts.bar_compare(
        [key(r) for r in shown],
        [r.value for r in shown],
        [r.previous or 0 for r in shown],
        legend=(f.t["legend_current"], f.t["legend_previous"]),
        xlabel=f.t["count"],
        rtl=f.lang in RTL,
    )
    return _img(svg, alt)


def _queries(snapshot: dict[str, Any]) -> list[tuple[str, str, int, str]]:
    """The queries behind the report's figures: name, parameter names, number of rows, seq range."""
    found: dict[str, list[dict[str, Any]]] = {}
    for i in snapshot.get("indicators", []):
        found.setdefault(i["query"], []).append(i)
    return [
        (query, ", ".join(sorted(rows[0]["params"])) or "—", len(rows), f"{rows[0]['seq']}–{rows[-1]['seq']}")
        for query, rows in found.items()
    ]


def build_context(snapshot: dict[str, Any], *, with_charts: bool = True) -> dict[str, Any]:
    """Everything the template needs, computed from the snapshot."""
    language = snapshot.get("language", "en")
    f = Formatter(language)
    t = f.t
    sections: list[dict[str, Any]] = []

    def section(key: str, title: str, **content: Any) -> None:
        sections.append({"id": _anchor(key), "title": title, **content})

    def chart(rows: list[Row], key: Callable[[Row], str], alt: str) -> Markup | None:
        if not with_charts or not rows:
            return None
        return _compare_chart(f, rows, key, alt)

    overview = [r for q in OVERVIEW for r in _rows(snapshot, q)]
    section("overview", t["overview"], kind="overview", rows=overview)

    by_area = _rows(snapshot, "notices_by_area")
    section(
        "trends-area",
        t["trends_area"],
        kind="table",
        chart=chart(by_area, lambda r: f.area(r.params["crime_area"]), t["trends_area"]),
        head=(t["area"],),
        rows=[((f.area(r.params["crime_area"]),), r) for r in by_area],
    )
    by_country = _rows(snapshot, "notices_by_country")
    section(
        "trends-country",
        t["trends_country"],
        kind="table",
        chart=chart(by_country, lambda r: f.country(r.params["country"]), t["trends_country"]),
        head=(t["country"],),
        rows=[((f.country(r.params["country"]),), r) for r in by_country],
    )
    map_svg = None
    if with_charts:
        values = {r.params["country"]: r.value for r in by_country}
        shapes = [(c.code, c.path) for c in worldmap.countries()]
        svg = charts.choropleth(
            values,
            shapes,
            worldmap.outline(),
            width=worldmap.WIDTH,
            height=worldmap.HEIGHT,
            title=t["map"],
            legend=(t["legend_low"], t["legend_high"]),
        )
        map_svg = _img(svg, t["map"])
    section("map", t["map"], kind="figure", chart=map_svg)

    by_type = _rows(snapshot, "notices_by_type")
    section(
        "types",
        t["types"],
        kind="table",
        chart=chart(by_type, lambda r: f.notice_type(r.params["type"]), t["types"]),
        head=(t["type"],),
        rows=[((f.notice_type(r.params["type"]),), r) for r in by_type],
    )
    cells = _rows(snapshot, "notices_by_area_country")
    areas_with_data = [
        a for a in (*CRIME_AREA_VALUES, "unclassified") if any(r.params["crime_area"] == a for r in cells)
    ]
    for area in areas_with_data:
        rows = [r for r in cells if r.params["crime_area"] == area]
        section(
            f"area-{area}",
            f"{t['area_detail']}: {f.area(area)}",
            kind="table",
            level=3,
            chart=None,  # the area's figures by country are a table: one chart per area made reports slow
            head=(t["country"],),
            rows=[((f.country(r.params["country"]),), r) for r in rows],
        )
    hits = _rows(snapshot, "hits_by_screening_country")
    section(
        "hits",
        t["hits"],
        kind="table",
        chart=chart(hits, lambda r: f.country(r.params["country"]), t["hits"]),
        head=(t["screening_country"],),
        rows=[((f.country(r.params["country"]),), r) for r in hits],
    )
    hits_area = _rows(snapshot, "hits_by_area")
    section(
        "hits-area",
        t["hits_area"],
        kind="table",
        chart=chart(hits_area, lambda r: f.area(r.params["crime_area"]), t["hits_area"]),
        head=(t["area"],),
        rows=[((f.area(r.params["crime_area"]),), r) for r in hits_area],
    )
    activity = _rows(snapshot, "screenings") + _rows(snapshot, "document_checks")
    section(
        "activity",
        t["activity"],
        kind="table",
        chart=chart(activity, lambda r: t[r.query], t["activity"]),
        head=(t["indicator"],),
        rows=[((f"{t[r.query]} — {f.country(r.params.get('country'))}",), r) for r in activity],
    )
    cases = [(t["opened"], r) for r in _rows(snapshot, "cases_opened_by_area")] + [
        (t["closed"], r) for r in _rows(snapshot, "cases_closed_by_area")
    ]
    section(
        "cases",
        t["cases"],
        kind="table",
        chart=chart([r for _, r in cases], lambda r: f.area(r.params["crime_area"]), t["cases"]) if cases else None,
        head=(t["indicator"], t["area"]),
        rows=[((label, f.area(r.params["crime_area"])), r) for label, r in cases],
    )
    links = _rows(snapshot, "links_by_country_pair")
    section(
        "links",
        t["links"],
        kind="table",
        chart=chart(links, lambda r: f"{r.params['country_a']}–{r.params['country_b']}", t["links"]),
        head=(t["pair"],),
        rows=[((f"{f.country(r.params['country_a'])} – {f.country(r.params['country_b'])}",), r) for r in links],
    )
    routes = _rows(snapshot, "routes")
    section(
        "routes",
        t["routes"],
        kind="table",
        chart=chart(routes, lambda r: f"{r.params['origin']} → {r.params['screening_country']}", t["routes"]),
        head=(t["origin"], t["screening_country"]),
        rows=[((f.country(r.params["origin"]), f.country(r.params["screening_country"])), r) for r in routes],
    )
    kinds = _rows(snapshot, "emerging_identifiers_by_kind")
    idents = _rows(snapshot, "emerging_identifier")
    section(
        "identifiers",
        t["identifiers"],
        kind="table",
        note=t["identifiers_note"],
        chart=chart(kinds, lambda r: t[r.params["kind"]], t["identifiers"]) if any(r.value for r in kinds) else None,
        head=(t["kind"], t["identifier"], t["countries_seen"]),
        rows=[((t[r.params["kind"]], r.params["masked"], ", ".join(r.params["countries"])), r) for r in idents],
    )
    judgements = [
        {
            "text": j["text"],
            "probability": t.get(j["probability"], j["probability"]),
            "range": PROBABILITY_RANGES.get(j["probability"], ""),
            "confidence": t.get(j["confidence"], j["confidence"]),
            "area": f.area(j["crime_area"]) if j.get("crime_area") else "",
        }
        for j in snapshot.get("judgements", [])
    ]
    sources = [
        {
            **s,
            "reliability_text": grade_label(language, s["system"], s["reliability"]),
            "credibility_text": grade_label(language, s["system"], s["credibility"]),
        }
        for s in snapshot.get("sources", [])
    ]
    hidden = snapshot.get("hidden", {})
    hidden_total = sum(int(v) for v in hidden.values())
    tlp = Tlp(snapshot.get("tlp", "amber"))
    status = "published" if snapshot.get("published_at") else "draft"
    return {
        "s": snapshot,
        "t": t,
        "f": f,
        "lang": language,
        "dir": "rtl" if language in RTL else "ltr",
        "tlp": tlp,
        "tlp_colours": TLP_COLOURS[tlp],
        "status": status,
        "sections": sections,
        "judgements": judgements,
        "yardstick": [(t[p.value], PROBABILITY_RANGES[p.value]) for p in Probability],
        "confidences": [t[c.value] for c in Confidence],
        "sources": sources,
        "recommendations": snapshot.get("recommendations", []),
        "hidden": hidden,
        "hidden_total": hidden_total,
        "hidden_text": t["hidden"] % {"n": f.number(hidden_total)},
        "areas": [f.area(a) for a in snapshot.get("crime_areas", [])],
        "countries": [f.country(c) for c in snapshot.get("scope_countries", [])],
        "regions": [region_name(r, language) for r in snapshot.get("regions", [])],
        "dissemination": [f.country(c) for c in snapshot.get("dissemination", [])],
        "queries": _queries(snapshot),
        "fonts": FONTS.as_uri(),
        "digest": snapshot_digest(snapshot),
    }


def render_html(snapshot: dict[str, Any], *, banner: str | None = None, with_charts: bool = True) -> str:
    """The report as a complete HTML document (``banner``: the status line a draft or superseded copy carries)."""
    context = build_context(snapshot, with_charts=with_charts)
    context["banner"] = context["t"].get(banner, "") if banner else ""
    return _env.get_template("report.html").render(**context)


def render_fragment(snapshot: dict[str, Any], *, banner: str | None = None) -> str:
    """The report's body (its ``<article>``), for the console page that shows it."""
    html = render_html(snapshot, banner=banner)
    start, end = html.index("<article"), html.rindex("</article>") + len("</article>")
    return html[start:end]


PDF_VARIANT = "pdf/ua-1"


def render_pdf(snapshot: dict[str, Any], *, banner: str | None = None, with_charts: bool = True) -> tuple[bytes, int]:
    """The report as a tagged PDF (PDF/UA-1), and its number of pages."""
    html = weasyprint_html()
    document = html(
        string=render_html(snapshot, banner=banner, with_charts=with_charts), base_url=str(TEMPLATES)
    ).render(font_config=font_config(), pdf_variant=PDF_VARIANT)
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf, len(document.pages)
