"""Crime areas: one taxonomy carried by notices, cases, subjects and assessments.

Sixteen areas, close to those of INTERPOL's crime programmes and Europol's EMPACT priorities. ``from_offence``
classifies a free-text offence or charge (English, French, Arabic, Spanish) by keywords: it proposes areas for a
record whose owner chose none (the notice form, the migration's backfill, ``manara assessments classify``); an
owner's own choice always wins.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from enum import StrEnum

from manara.text import N_


class CrimeArea(StrEnum):
    """A crime area (stored by value)."""

    DRUG_TRAFFICKING = "drug_trafficking"
    HUMAN_TRAFFICKING = "human_trafficking"
    MIGRANT_SMUGGLING = "migrant_smuggling"
    FIREARMS = "firearms"
    TERRORISM = "terrorism"
    CYBERCRIME = "cybercrime"
    FINANCIAL_CRIME = "financial_crime"
    CRYPTO_CRIME = "crypto_crime"
    COUNTERFEIT_GOODS = "counterfeit_goods"
    ENVIRONMENTAL_CRIME = "environmental_crime"
    VEHICLE_CRIME = "vehicle_crime"
    MARITIME_CRIME = "maritime_crime"
    CULTURAL_PROPERTY = "cultural_property"
    CHILD_EXPLOITATION = "child_exploitation"
    FUGITIVES = "fugitives"
    DRONES = "drones"

    @property
    def label(self) -> str:
        """The English label, marked for translation (translate it with the console's ``_``)."""
        return LABELS[self]


LABELS: dict[CrimeArea, str] = {
    CrimeArea.DRUG_TRAFFICKING: N_("Drug trafficking"),
    CrimeArea.HUMAN_TRAFFICKING: N_("Trafficking in human beings"),
    CrimeArea.MIGRANT_SMUGGLING: N_("Migrant smuggling"),
    CrimeArea.FIREARMS: N_("Firearms trafficking"),
    CrimeArea.TERRORISM: N_("Terrorism"),
    CrimeArea.CYBERCRIME: N_("Cybercrime"),
    CrimeArea.FINANCIAL_CRIME: N_("Financial crime and money laundering"),
    CrimeArea.CRYPTO_CRIME: N_("Cryptocurrency-enabled crime"),
    CrimeArea.COUNTERFEIT_GOODS: N_("Counterfeit and illicit goods"),
    CrimeArea.ENVIRONMENTAL_CRIME: N_("Environmental crime"),
    CrimeArea.VEHICLE_CRIME: N_("Vehicle crime"),
    CrimeArea.MARITIME_CRIME: N_("Maritime crime"),
    CrimeArea.CULTURAL_PROPERTY: N_("Cultural property crime"),
    CrimeArea.CHILD_EXPLOITATION: N_("Child sexual exploitation"),
    CrimeArea.FUGITIVES: N_("Fugitives"),
    CrimeArea.DRONES: N_("Drone-related crime"),
}

CRIME_AREA_VALUES: tuple[str, ...] = tuple(a.value for a in CrimeArea)

# Keyword stems per area, in English, French, Spanish (accents folded, lower case) and Arabic. A stem matches
# at the start of a word ("traffick" matches "trafficking"); Arabic stems match anywhere in a word, since
# Arabic attaches articles and conjunctions (ال، و، ب) to the front.
KEYWORDS: dict[CrimeArea, tuple[str, ...]] = {
    CrimeArea.DRUG_TRAFFICKING: (
        "drug",
        "narcotic",
        "cocaine",
        "heroin",
        "cannabis",
        "hashish",
        "methamphetamine",
        "fentanyl",
        "captagon",
        "stupefiant",
        "drogue",
        "narcotrafic",
        "droga",
        "narcotrafico",
        "estupefaciente",
        "مخدر",
        "كوكايين",
        "هيروين",
        "حشيش",
        "كبتاغون",
        "قنب",
    ),  # fmt: skip
    CrimeArea.HUMAN_TRAFFICKING: (
        "human trafficking",
        "trafficking in persons",
        "trafficking in human",
        "forced labour",
        "forced labor",
        "sexual exploitation",
        "traite des etres humains",
        "traite de personnes",
        "proxenetisme",
        "trata de personas",
        "trata de seres humanos",
        "الاتجار بالبشر",
        "الاتجار بالأشخاص",
        "الاتجار في البشر",
    ),  # fmt: skip
    CrimeArea.MIGRANT_SMUGGLING: (
        "migrant smuggling",
        "smuggling of migrants",
        "people smuggling",
        "illegal immigration",
        "aide a l'entree irreguliere",
        "passeur",
        "immigration clandestine",
        "trafic de migrants",
        "trafico de migrantes",
        "inmigracion ilegal",
        "تهريب المهاجرين",
        "الهجرة غير الشرعية",
        "الهجرة السرية",
        "تهريب البشر",
    ),  # fmt: skip
    CrimeArea.FIREARMS: (
        "firearm",
        "weapon",
        "arms trafficking",
        "ammunition",
        "gun",
        "explosive",
        "arme",
        "munition",
        "armas",
        "arma de fuego",
        "municion",
        "explosivo",
        "أسلحة",
        "سلاح",
        "ذخيرة",
        "متفجرات",
    ),  # fmt: skip
    CrimeArea.TERRORISM: (
        "terror",
        "extremis",
        "radicali",
        "jihad",
        "financing of terrorism",
        "terrorisme",
        "terrorismo",
        "إرهاب",
        "ارهاب",
        "تطرف",
    ),  # fmt: skip
    CrimeArea.CYBERCRIME: (
        "cyber",
        "hacking",
        "ransomware",
        "malware",
        "phishing",
        "computer fraud",
        "unauthorised access",
        "unauthorized access",
        "botnet",
        "ddos",
        "piratage informatique",
        "intrusion informatique",
        "hameconnage",
        "informatique",
        "informatico",
        "ciberdelito",
        "ciberataque",
        "suplantacion",
        "إلكتروني",
        "الكتروني",
        "اختراق",
        "قرصنة معلوماتية",
        "برمجيات خبيثة",
        "تصيد",
        "معلوماتي",
    ),  # fmt: skip
    CrimeArea.FINANCIAL_CRIME: (
        "money laundering",
        "laundering",
        "fraud",
        "embezzlement",
        "corruption",
        "bribery",
        "tax evasion",
        "blanchiment",
        "escroquerie",
        "fraude",
        "detournement",
        "blanqueo",
        "lavado de dinero",
        "estafa",
        "malversacion",
        "cohecho",
        "غسل الأموال",
        "غسيل الأموال",
        "تبييض الأموال",
        "احتيال",
        "نصب",
        "اختلاس",
        "رشوة",
        "فساد",
    ),  # fmt: skip
    CrimeArea.CRYPTO_CRIME: (
        "crypto",
        "bitcoin",
        "ethereum",
        "monero",
        "usdt",
        "virtual asset",
        "wallet",
        "blockchain",
        "cryptomonnaie",
        "criptomoneda",
        "criptoactivo",
        "عملات مشفرة",
        "عملة مشفرة",
        "بيتكوين",
        "عملات رقمية",
    ),  # fmt: skip
    CrimeArea.COUNTERFEIT_GOODS: (
        "counterfeit",
        "forgery of goods",
        "illicit goods",
        "pharmaceutical crime",
        "falsified medicine",
        "cigarette smuggling",
        "contrefacon",
        "contrefait",
        "medicaments falsifies",
        "falsificacion de marcas",
        "mercancias falsificadas",
        "medicamentos falsificados",
        "تقليد",
        "مقلدة",
        "بضائع مزيفة",
        "أدوية مزورة",
    ),  # fmt: skip
    CrimeArea.ENVIRONMENTAL_CRIME: (
        "wildlife",
        "poaching",
        "ivory",
        "illegal logging",
        "illegal fishing",
        "waste trafficking",
        "pollution",
        "environmental",
        "braconnage",
        "ivoire",
        "faune",
        "environnement",
        "dechets",
        "caza furtiva",
        "fauna",
        "medio ambiente",
        "residuos",
        "البيئة",
        "بيئية",
        "الصيد الجائر",
        "العاج",
        "النفايات",
        "الحياة البرية",
    ),  # fmt: skip
    CrimeArea.VEHICLE_CRIME: (
        "vehicle",
        "car theft",
        "stolen car",
        "motor vehicle",
        "carjacking",
        "vol de voiture",
        "vehicule",
        "vol de vehicule",
        "robo de vehiculo",
        "vehiculo",
        "robo de coche",
        "سرقة السيارات",
        "سيارات مسروقة",
        "سرقة سيارة",
        "مركبة",
    ),  # fmt: skip
    CrimeArea.MARITIME_CRIME: (
        "piracy",
        "maritime",
        "vessel",
        "armed robbery at sea",
        "hijacking of a ship",
        "piraterie",
        "navire",
        "pirateria",
        "maritimo",
        "buque",
        "قرصنة بحرية",
        "القرصنة البحرية",
        "بحري",
        "سفينة",
    ),  # fmt: skip
    CrimeArea.CULTURAL_PROPERTY: (
        "cultural property",
        "antiquities",
        "antiquity",
        "looting",
        "stolen art",
        "works of art",
        "biens culturels",
        "antiquites",
        "oeuvre d'art",
        "pillage",
        "bienes culturales",
        "antiguedades",
        "obra de arte",
        "saqueo",
        "الممتلكات الثقافية",
        "آثار",
        "الآثار",
        "تحف",
    ),  # fmt: skip
    CrimeArea.CHILD_EXPLOITATION: (
        "child sexual",
        "child abuse",
        "csam",
        "child pornography",
        "grooming",
        "sexual abuse of a minor",
        "pedopornograph",
        "abus sexuel sur mineur",
        "pedocriminal",
        "abuso sexual infantil",
        "pornografia infantil",
        "استغلال الأطفال",
        "الاعتداء الجنسي على قاصر",
        "استغلال جنسي للأطفال",
        "إباحية الأطفال",
    ),  # fmt: skip
    CrimeArea.FUGITIVES: (
        "fugitive",
        "escape",
        "escaped",
        "absconded",
        "evading sentence",
        "evasion",
        "en fuite",
        "evade",
        "fugitivo",
        "fuga",
        "prófugo",
        "profugo",
        "هارب",
        "فرار",
        "فار من العدالة",
    ),  # fmt: skip
    CrimeArea.DRONES: (
        "drone",
        "unmanned aircraft",
        "uas",
        "uav",
        "remote id",
        "aeronef sans pilote",
        "dron",
        "aeronave no tripulada",
        "طائرة مسيرة",
        "مسيرة",
        "درون",
        "طائرات بدون طيار",
    ),  # fmt: skip
}

_ARABIC = re.compile(r"[\u0600-\u06FF]")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Latin accents and Arabic short vowels (tashkeel) and tatweel."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch != "\u0640")
    return unicodedata.normalize("NFC", kept).replace("’", "'")


def _compile(stems: Iterable[str]) -> re.Pattern[str]:
    latin = [re.escape(fold(s)) for s in stems if not _ARABIC.search(s)]
    arabic = [re.escape(fold(s)) for s in stems if _ARABIC.search(s)]
    parts = []
    if latin:
        parts.append(r"\b(?:" + "|".join(latin) + ")")
    if arabic:
        parts.append("(?:" + "|".join(arabic) + ")")
    return re.compile("|".join(parts))


_PATTERNS: dict[CrimeArea, re.Pattern[str]] = {area: _compile(stems) for area, stems in KEYWORDS.items()}


def from_offence(*texts: str | None) -> list[CrimeArea]:
    """Classify offence or charge texts into crime areas (taxonomy order; empty when nothing is recognised)."""
    folded = fold(" \n ".join(t for t in texts if t))
    if not folded.strip():
        return []
    return [area for area, pattern in _PATTERNS.items() if pattern.search(folded)]


def normalise(values: Iterable[str]) -> list[str]:
    """Return known crime-area values, deduplicated, in taxonomy order (unknown values dropped)."""
    wanted = set(values)
    return [v for v in CRIME_AREA_VALUES if v in wanted]


# The labels in the four languages of Manara, for reports and pages that render outside the console's gettext
# catalogs (assessment reports, PDFs); the console translates ``LABELS`` through its catalogs the same way.
TRANSLATIONS: dict[str, dict[CrimeArea, str]] = {
    "fr": {
        CrimeArea.DRUG_TRAFFICKING: "Trafic de stupéfiants",
        CrimeArea.HUMAN_TRAFFICKING: "Traite des êtres humains",
        CrimeArea.MIGRANT_SMUGGLING: "Trafic de migrants",
        CrimeArea.FIREARMS: "Trafic d'armes à feu",
        CrimeArea.TERRORISM: "Terrorisme",
        CrimeArea.CYBERCRIME: "Cybercriminalité",
        CrimeArea.FINANCIAL_CRIME: "Criminalité financière et blanchiment",
        CrimeArea.CRYPTO_CRIME: "Criminalité liée aux cryptoactifs",
        CrimeArea.COUNTERFEIT_GOODS: "Contrefaçon et produits illicites",
        CrimeArea.ENVIRONMENTAL_CRIME: "Criminalité environnementale",
        CrimeArea.VEHICLE_CRIME: "Criminalité liée aux véhicules",
        CrimeArea.MARITIME_CRIME: "Criminalité maritime",
        CrimeArea.CULTURAL_PROPERTY: "Atteintes aux biens culturels",
        CrimeArea.CHILD_EXPLOITATION: "Exploitation sexuelle des enfants",
        CrimeArea.FUGITIVES: "Fugitifs",
        CrimeArea.DRONES: "Criminalité liée aux drones",
    },
    "es": {
        CrimeArea.DRUG_TRAFFICKING: "Tráfico de drogas",
        CrimeArea.HUMAN_TRAFFICKING: "Trata de seres humanos",
        CrimeArea.MIGRANT_SMUGGLING: "Tráfico ilícito de migrantes",
        CrimeArea.FIREARMS: "Tráfico de armas de fuego",
        CrimeArea.TERRORISM: "Terrorismo",
        CrimeArea.CYBERCRIME: "Ciberdelincuencia",
        CrimeArea.FINANCIAL_CRIME: "Delincuencia financiera y blanqueo de capitales",
        CrimeArea.CRYPTO_CRIME: "Delincuencia con criptoactivos",
        CrimeArea.COUNTERFEIT_GOODS: "Falsificación y productos ilícitos",
        CrimeArea.ENVIRONMENTAL_CRIME: "Delitos contra el medio ambiente",
        CrimeArea.VEHICLE_CRIME: "Delitos relacionados con vehículos",
        CrimeArea.MARITIME_CRIME: "Delincuencia marítima",
        CrimeArea.CULTURAL_PROPERTY: "Delitos contra bienes culturales",
        CrimeArea.CHILD_EXPLOITATION: "Explotación sexual infantil",
        CrimeArea.FUGITIVES: "Prófugos",
        CrimeArea.DRONES: "Delitos con drones",
    },
    "ar": {
        CrimeArea.DRUG_TRAFFICKING: "الاتجار بالمخدرات",
        CrimeArea.HUMAN_TRAFFICKING: "الاتجار بالبشر",
        CrimeArea.MIGRANT_SMUGGLING: "تهريب المهاجرين",
        CrimeArea.FIREARMS: "الاتجار بالأسلحة النارية",
        CrimeArea.TERRORISM: "الإرهاب",
        CrimeArea.CYBERCRIME: "الجريمة السيبرانية",
        CrimeArea.FINANCIAL_CRIME: "الجرائم المالية وغسل الأموال",
        CrimeArea.CRYPTO_CRIME: "الجرائم المرتبطة بالعملات المشفرة",
        CrimeArea.COUNTERFEIT_GOODS: "التقليد والسلع غير المشروعة",
        CrimeArea.ENVIRONMENTAL_CRIME: "الجرائم البيئية",
        CrimeArea.VEHICLE_CRIME: "جرائم المركبات",
        CrimeArea.MARITIME_CRIME: "الجرائم البحرية",
        CrimeArea.CULTURAL_PROPERTY: "الجرائم الماسة بالممتلكات الثقافية",
        CrimeArea.CHILD_EXPLOITATION: "الاستغلال الجنسي للأطفال",
        CrimeArea.FUGITIVES: "الفارون من العدالة",
        CrimeArea.DRONES: "الجرائم المرتبطة بالطائرات المسيرة",
    },
}


def label(area: str, language: str = "en") -> str:
    """The label of a crime area in ``language`` (en, fr, es, ar); the value itself if it is unknown."""
    try:
        key = CrimeArea(area)
    except ValueError:
        return area
    return TRANSLATIONS.get(language, {}).get(key) or LABELS[key]
