"""Arabic given names in vocalised notation (see name_translit) with rough relative frequencies.

Weights approximate how often a name is given across the region; regional lists add weight on
top of the shared list. Entries are 'code:weight' (weight 1 when omitted).
"""

from __future__ import annotations

MALE_COMMON = """
muHam~ad:160 >aHmad:50 Ealiy:30 maHmuwd:18 muSTafaY:16 yuwsuf:18 Eabd_All~`h:20 Eumar:14 xaAlid:14
<ibraAhiym:14 Hasan:15 Husayn:12 Eabd_AlraHm`n:10 saEiyd:10 Hamzap:6 Eabd_AlqaAdir:6 <ismaAEiyl:6
EuvmaAn:4 yaHyaY:5 EiysaY:4 muwsaY:5 nuwr_Aldiyn:4 Eabd_AlEaziyz:6 Eabd_Alkariym:5 Eabd_AlraHiym:4
Eabd_AlHamiyd:3 Eabd_Almajiyd:2 Eabd_AlsalaAm:3 Eabd_AlnaASir:2 Eabd_AlhaAdiy:2 Eabd_Alfat~aAH:2
Eabd_Alwah~aAb:2 Eabd_AllaTiyf:2 Eabd_AlHakiym:1 Eabd_AlmunEim:2 SalaAH_Aldiyn:2 xayr_Aldiyn:1
EalaA'_Aldiyn:1 ra$iyd:6 kariym:7 samiyr:6 nabiyl:5 jamaAl:5 kamaAl:4 TaAriq:6 waliyd:6 xaliyl:4
maAlik:2 haAniy:3 fariyd:3 majiyd:3 Hamiyd:3 Hakiym:3 saAmiy:4 faAdiy:3 fu&aAd:3 faySal:4 naASir:4
manSuwr:4 sulaymaAn:5 sufyaAn:3 EimaAd:4 ziyaAd:4 raAmiy:3 ramaDaAn:3 yaAsiyn:6 >amiyn:7 mahdiy:5
>ay~uwb:5 <ilyaAs:4 bilaAl:4 >anas:4 >usaAmap:4 zakariy~aA:4 mun*ir:2 >ayman:5 >a$raf:4 HusaAm:3
hi$aAm:5 xaliyfap:2 Eab~aAs:3 jaEfar:2 TaAhir:2 EaAdil:4 EaATif:3 HaAmid:3 >anwar:2 masEuwd:3
Habiyb:3 SaAliH:5 SaAbir:2 muraAd:5 taAmir:3 waA}il:4 yaAsir:4 bakr:2 Hamdiy:2 fatHiy:2 luTfiy:1
$ariyf:3 jalaAl:2 Sabriy:2 raAgib:1 najiyb:2 EammaAr:3 nizaAr:2 baAsil:3 saAmir:2 maAzin:2
muhan~ad:3 Eaziyz:2 saliym:4 tawfiyq:4 riyaAD:3 yuwnus:4 muHsin:3 badr:3 rabiyE:2 maAhir:3
"""

MALE_MAGHREB = """
ra$iyd:8 kariym:6 samiyr:6 nabiyl:6 sufyaAn:5 reDwaAn:4 marwaAn:4 Eabd_Al<ilaAh:3 laHsan:4 hi$aAm:6
Eaziyz:4 zakariy~aA:5 mahdiy:6 >amiyn:8 >ay~uwb:5 <ilyaAs:5 jawaAd:4 Eabd_AlEaAliy:2 yuwnus:5
muraAd:5 rabaAH:3 Eam~aAr:4 tawfiyq:3 waliyd:4 $ukriy:3 >aniys:3 wasiym:3 HaAtim:3 haAdiy:3
luTfiy:3 fatHiy:3 Hamdiy:3 nizaAr:2 Eabd_AlHaq~:2 buwbakr:1
"""

MALE_GULF = """
raA$id:6 Hamad:6 HamdaAn:4 sayf:5 sulTaAn:5 manSuwr:4 maAjid:4 fahad:5 turkiy:3 bandar:3 naAyif:3
xaliyfap:4 jumEap:3 Eubayd:3 mubaArak:3 zaAyid:4 Saqr:2 gaAnim:2 nawaAf:3 mi$Eal:2 faySal:4
Eabd_AlEaziyz:4 saEd:4 naASir:3 maAjid:2
"""

MALE_MASHRIQ = """
Eamr:5 taAmir:4 hi$aAm:5 $ariyf:4 >a$raf:4 >ayman:5 HaAzim:3 Eabd_AlHaliym:2 majdiy:3 rajab:2
$ihaAb:2 EiSaAm:3 HusaAm:3 ziyaAd:3 raAmiy:3 Haydar:3 kaAZim:3 quSay:2 saj~aAd:2 murtaDaY:2
ba$~aAr:2 maAhir:3 saAmir:2 EaAmir:2 muEaAz:1 Eud~ay:2 fiHaAd:1
"""

MALE_CHRISTIAN_LB = """
juwrj:5 <iyliy:5 juwzayf:5 $arbil:4 biyaAr:3 miy$aAl:4 >anTuwaAn:4 jaAk:2 <iliyaAs:3 jaAd:2
rabiyE:2
"""

FEMALE_COMMON = """
faATimap:40 EaA}i$ap:15 xadiyjap:15 maryam:16 zaynab:12 naAdiyap:6 samiyrap:5 laylaY:6 salmaY:6
hudaY:5 nuwr:5 >amal:5 HanaAn:4 raAniyaA:4 yaAsmiyn:5 sumay~ap:4 >asmaA':6 >amiynap:5 saArap:6
Habiybap:2 naEiymap:3 kariymap:4 jamiylap:3 lubnaY:2 riymaA:3 manaAl:3 Eabiyr:3 raHmap:2 dunyaA:3
hind:3 su&aAd:4 wafaA':3 najwaY:3 sanaA':4 SafaA':3 nawaAl:3 ra$iydap:3 Hafsap:2 sukaynap:3
nisriyn:3 malak:3 ruqay~ap:2 $aymaA':3 haAjar:3 gaAdap:3 diynaA:3 ra$aA:3 nuhaY:2 samaAH:2
<ibtisaAm:2 <iymaAn:6 widaAd:2 zahraA':4 Eaziyzap:2 Hakiymap:2 laTiyfap:4 hibap:4 marwap:4
yusraY:3
"""

FEMALE_MAGHREB = """
fatiyHap:4 bu$raY:3 kawvar:3 gizlaAn:2 HasnaA':3 naEiymap:3 laTiyfap:3 maliykap:4 saEiydap:3
zuhrap:3 Hafiydap:2 nawaAl:2 <ikraAm:2 wi}aAm:2 sihaAm:3 <ilhaAm:3 samiyrap:3 kariymap:3
$aymaA':3 najaAp:2 naziyhap:1 xadiyjap:4
"""

FEMALE_GULF = """
mahaA:4 nuwrap:3 mawzap:2 HiSap:3 rawDap:2 riym:4 HalaA:1 $amsap:1 EaA}i$ap:4 muniyrap:2
"""

FEMALE_MASHRIQ = """
hibap:4 diynaA:3 ranaA:3 marwap:4 yusraY:3 jiyhaAn:2 $iyriyn:2 rihaAm:2 EalaA':1 ruwlaA:2
"""

FEMALE_CHRISTIAN_LB = """
naAdiyn:4 kaAriyn:3 maAriy:3 riytaA:3 maAyaA:2 riymaA:2 laArA:1
"""


def parse_pool(spec: str) -> list[tuple[str, int]]:
    """Parse whitespace-separated 'code:weight' entries."""
    out = []
    for item in spec.split():
        code, _, weight = item.partition(":")
        out.append((code, int(weight or 1)))
    return out


def merge_pools(*specs: str) -> list[tuple[str, int]]:
    """Merge several pools, summing the weights of repeated codes."""
    merged: dict[str, int] = {}
    for spec in specs:
        for code, weight in parse_pool(spec):
            merged[code] = merged.get(code, 0) + weight
    return list(merged.items())
