"""Real-world Latin spellings of very common Arabic name parts, per transliteration style.

Rules cannot guess conventions such as Egyptian Khadiga, Algerian Hocine or Tunisian Hassen;
these tables hold the spellings seen on documents, with rough relative weights. Key "*" applies
to every style (used for Christian Lebanese names borrowed from French).
"""

from __future__ import annotations

Spellings = list[tuple[str, int]]


def _table(spec: str) -> dict[str, Spellings]:
    """Parse 'style=Spelling:weight,Spelling:weight; style=...' into a dict."""
    table: dict[str, Spellings] = {}
    for chunk in spec.split(";"):
        style, _, values = chunk.strip().partition("=")
        pairs = [v.rsplit(":", 1) for v in values.split(",")]
        table[style] = [(text.strip(), int(weight)) for text, weight in pairs]
    return table


_RAW: dict[str, str] = {
    "muHam~ad": "en=Mohammed:5,Muhammad:4,Mohammad:3,Mohamed:3,Mohamad:1; eg=Mohamed:10,Mohammed:2,"
    "Muhammad:1; gulf=Mohammed:6,Mohamed:3,Mohammad:2,Muhammad:1; lev=Mohammad:5,Mohamad:4,Mohammed:2,"
    "Muhammad:1; fr_ma=Mohamed:8,Mohammed:4,Mhamed:1,Mouhamed:1; fr_dz=Mohamed:8,Mohammed:2,Mouhamed:1;"
    " fr_tn=Mohamed:10,Mohammed:1,Mhamed:1",
    ">aHmad": "en=Ahmed:5,Ahmad:4; eg=Ahmed:10,Ahmad:1; gulf=Ahmed:5,Ahmad:3; lev=Ahmad:5,Ahmed:2;"
    " fr_ma=Ahmed:8,Ahmad:1; fr_dz=Ahmed:8,Ahmad:1; fr_tn=Ahmed:8,Ahmad:1",
    "maHmuwd": "en=Mahmoud:5,Mahmud:2,Mahmood:2; eg=Mahmoud:8,Mahmod:1; gulf=Mahmood:3,Mahmoud:3;"
    " lev=Mahmoud:5,Mahmud:1; fr_ma=Mahmoud:6; fr_dz=Mahmoud:6; fr_tn=Mahmoud:6",
    "muSTafaY": "en=Mustafa:4,Mostafa:3,Moustafa:1,Mustapha:1; eg=Mostafa:6,Moustafa:2,Mustafa:2;"
    " gulf=Mustafa:4,Mostafa:1; lev=Mustafa:3,Moustafa:2; fr_ma=Mustapha:4,Mostafa:3,Moustapha:2,"
    "Mustafa:1; fr_dz=Mustapha:6,Moustapha:2,Mostefa:2; fr_tn=Mustapha:4,Mustafa:2,Moustapha:2",
    "yuwsuf": "en=Yousef:3,Yusuf:3,Youssef:2,Yousuf:2; eg=Youssef:5,Yousef:3,Yosef:1; gulf=Yousef:4,"
    "Yousif:2,Yusuf:2; lev=Youssef:4,Yousef:3; fr_ma=Youssef:8,Youssouf:1,Youcef:1; fr_dz=Youcef:6,"
    "Youssef:3; fr_tn=Youssef:7,Youssof:1",
    "Eabd_All~`h": "en=Abdullah:6,Abdallah:2,Abdulla:1,Abd Allah:1; eg=Abdallah:4,Abdullah:3,Abdalla:2;"
    " gulf=Abdulla:5,Abdullah:5; lev=Abdallah:4,Abdullah:3; fr_ma=Abdellah:6,Abdallah:3;"
    " fr_dz=Abdallah:4,Abdellah:4; fr_tn=Abdallah:5,Abdellah:2",
    "Eabd_AlraHm`n": "en=Abdul Rahman:4,Abdulrahman:3,Abdelrahman:1,Abd al-Rahman:1,Abdurrahman:1;"
    " eg=Abdelrahman:5,Abdel Rahman:4,Abdulrahman:1; gulf=Abdulrahman:5,Abdul Rahman:3,Abdurahman:1;"
    " lev=Abdel Rahman:3,Abdul Rahman:3,Abdelrahman:2; fr_ma=Abderrahmane:6,Abderahmane:2,"
    "Abdel Rahman:1; fr_dz=Abderrahmane:7,Abderahmane:2; fr_tn=Abderrahmen:4,Abderrahmane:4",
    "Eabd_AlqaAdir": "en=Abdul Qadir:3,Abdulkadir:2,Abdelkader:1,Abdul Kader:1; eg=Abdel Kader:3,"
    "Abdelkader:3,Abdel Qader:1; gulf=Abdulqader:3,Abdulkader:2,Abdul Qader:2; lev=Abdel Kader:3,"
    "Abdul Kader:2,Abdel Qader:2; fr_ma=Abdelkader:8,Abdel Kader:2; fr_dz=Abdelkader:8,Abdelkadir:1,"
    "Abdel Kader:1; fr_tn=Abdelkader:6,Abdelkader:1",
    "Husayn": "en=Hussein:4,Hussain:4,Husain:1,Husayn:1; eg=Hussein:8,Hussien:1; gulf=Hussain:5,"
    "Hussein:3; lev=Hussein:5,Hussain:1; fr_ma=Houssine:4,Houcine:3,Hussein:2; fr_dz=Hocine:6,"
    "Houcine:3,Hussein:1; fr_tn=Houcine:5,Hussein:2",
    "Hasan": "en=Hassan:6,Hasan:3; eg=Hassan:8,Hasan:2; gulf=Hassan:5,Hasan:2; lev=Hassan:5,Hasan:2;"
    " fr_ma=Hassan:8,Hasan:1; fr_dz=Hassan:5,Hacene:4,Hassen:1; fr_tn=Hassen:5,Hassan:4",
    "Eumar": "en=Omar:8,Umar:2; eg=Omar:8,Omer:1; gulf=Omar:7,Umar:1; lev=Omar:6,Omar:1; fr_ma=Omar:8,"
    "Omer:1; fr_dz=Omar:8,Omer:1; fr_tn=Omar:8,Omer:1",
    "<ibraAhiym": "en=Ibrahim:8,Ebrahim:2,Ibraheem:1; eg=Ibrahim:6,Ebrahim:3; gulf=Ibrahim:5,"
    "Ebrahim:3,Ibraheem:1; lev=Ibrahim:6,Ibrahim:1; fr_ma=Brahim:6,Ibrahim:5; fr_dz=Brahim:6,"
    "Ibrahim:4; fr_tn=Brahim:4,Ibrahim:5",
    "<ismaAEiyl": "en=Ismail:5,Ismael:2,Ismaeel:1; eg=Ismail:5,Esmail:2; gulf=Ismail:4,Ismaeel:2;"
    " lev=Ismail:5,Ismail:1; fr_ma=Ismail:5,Smail:3; fr_dz=Smail:5,Ismail:4; fr_tn=Ismail:5,Smail:2",
    "EuvmaAn": "en=Othman:4,Uthman:3,Osman:2; eg=Osman:5,Othman:3; gulf=Othman:5,Osman:1; lev=Othman:4,"
    "Osman:2; fr_ma=Othmane:6,Otmane:3,Osmane:1; fr_dz=Othmane:5,Athmane:3,Otmane:1; fr_tn=Othman:5,"
    "Othmane:3",
    "saEiyd": "en=Saeed:5,Said:4,Saied:1; eg=Said:5,Saeed:3,Saied:2; gulf=Saeed:8,Said:1; lev=Said:5,"
    "Saeed:3; fr_ma=Said:8,Saïd:2; fr_dz=Said:8,Saïd:2; fr_tn=Said:8,Saïd:1",
    "yaHyaY": "en=Yahya:6,Yehia:2; eg=Yehia:5,Yahia:3,Yahya:2; gulf=Yahya:6,Yahya:1; lev=Yahya:5,"
    "Yehia:1; fr_ma=Yahya:5,Yahia:4; fr_dz=Yahia:6,Yahya:3; fr_tn=Yahia:5,Yahya:3",
    "EiysaY": "en=Issa:5,Isa:3,Eisa:2; eg=Eissa:4,Issa:4; gulf=Eisa:4,Issa:3; lev=Issa:5,Eissa:1;"
    " fr_ma=Issa:5,Aissa:3; fr_dz=Aissa:6,Issa:3; fr_tn=Issa:5,Aissa:3",
    "muwsaY": "en=Musa:4,Mousa:3,Moussa:3; eg=Moussa:4,Mousa:4,Mosa:1; gulf=Mousa:5,Musa:2;"
    " lev=Moussa:5,Mousa:2; fr_ma=Moussa:8,Mousa:1; fr_dz=Moussa:8,Mousa:1; fr_tn=Moussa:8,Mousa:1",
    "nuwr_Aldiyn": "en=Nur al-Din:2,Nuruddin:2,Nour Eldin:2,Noureddin:2; eg=Nour Eldin:5,Nour El Din:4,"
    "Noureldin:3; gulf=Nour Aldeen:2,Nooruddin:2,Nour Al Din:2; lev=Nour El Din:3,Noureddine:3,"
    "Nour Eddine:1; fr_ma=Noureddine:7,Nour Eddine:3,Nourdine:2; fr_dz=Noureddine:7,Nour Eddine:2,"
    "Nourredine:2; fr_tn=Noureddine:6,Nourredine:2",
    "faATimap": "en=Fatima:6,Fatimah:2,Fatma:2; eg=Fatma:7,Fatima:3,Fatmah:1; gulf=Fatima:5,Fatma:3,"
    "Fatmah:1; lev=Fatima:5,Fatmeh:2; fr_ma=Fatima:8,Fatna:1,Fatma:2; fr_dz=Fatima:5,Fatma:4;"
    " fr_tn=Fatma:7,Fatima:3",
    "EaA}i$ap": "en=Aisha:5,Aysha:2,Ayesha:2; eg=Aisha:4,Aesha:2; gulf=Aisha:4,Aysha:3,Aesha:1;"
    " lev=Aisha:3,Aicha:2,Aysheh:1; fr_ma=Aicha:8,Aïcha:3,Aisha:1; fr_dz=Aicha:8,Aïcha:3;"
    " fr_tn=Aicha:8,Aïcha:2",
    "xadiyjap": "en=Khadija:5,Khadijah:3,Khadeeja:1; eg=Khadiga:6,Khadija:3; gulf=Khadija:4,Khadeeja:2;"
    " lev=Khadija:4,Khadijeh:2; fr_ma=Khadija:8,Khadidja:1; fr_dz=Khadidja:6,Khadija:3;"
    " fr_tn=Khadija:6,Khedija:3",
    "maryam": "en=Maryam:6,Mariam:4; eg=Mariam:5,Mariem:2,Maryam:2; gulf=Maryam:6,Mariam:2;"
    " lev=Mariam:4,Maryam:3; fr_ma=Meryem:5,Meriem:5,Mariam:2; fr_dz=Meriem:7,Meryem:2;"
    " fr_tn=Mariem:5,Meriem:4",
    "zaynab": "en=Zainab:5,Zaynab:3,Zeinab:2; eg=Zeinab:6,Zainab:2; gulf=Zainab:5,Zaynab:1;"
    " lev=Zeinab:5,Zainab:2; fr_ma=Zineb:8,Zaynab:1; fr_dz=Zineb:4,Zeyneb:2; fr_tn=Zeineb:6,Zaineb:2,"
    "Zineb:1",
    "juwrj": "*=Georges:4,George:4",
    "<iyliy": "*=Elie:6,Elias:1",
    "juwzayf": "*=Joseph:8",
    "$arbil": "*=Charbel:8,Sharbel:1",
    "biyaAr": "*=Pierre:8",
    "miy$aAl": "*=Michel:8,Michael:1",
    ">anTuwaAn": "*=Antoine:8,Antoun:1",
    "naAdiyn": "*=Nadine:8",
    "kaAriyn": "*=Carine:6,Karine:3",
    "maAriy": "*=Marie:8",
    "jaAk": "*=Jacques:8",
    "<iliyaAs": "*=Elias:6,Elie:1",
}


def _build() -> dict[str, dict[str, Spellings]]:
    by_style: dict[str, dict[str, Spellings]] = {}
    for code, spec in _RAW.items():
        for style, spellings in _table(spec).items():
            by_style.setdefault(style, {})[code] = spellings
    return by_style


OVERRIDES: dict[str, dict[str, Spellings]] = _build()
