"""Family names per Arabic-speaking country in vocalised notation, 'code:weight' entries.

Maghrebi names are vocalised as pronounced locally (e for schwa) so that French-style spellings
come out as on documents (Benjelloun, Trabelsi). Gulf and Levant names carry the article.
"""

from __future__ import annotations

FAMILY: dict[str, str] = {
    "MA": """
AlEalawiy:10 AlEalamiy:6 AlEamraAniy:8 Al<idriysiy:7 benjel~uwn:4 ben~aAniy:6 taAziy:4 ber~aAdap:3
AlfaAsiy:4 laHluw:3 benkiyraAn:3 Alwaz~aAniy:3 buwziyd:4 AlxaT~aAbiy:3 Alsuwsiy:3 Albaq~aAliy:2
AlnaAjiy:3 AlhaA$imiy:4 AlEaz~uwziy:3 AlmanSuwriy:3 ben~iys:2 AlEumariy:2 AlEab~aAsiy:2
Al$aAwiy:3 AlqaADiy:2 AlHasaniy:3 AlHusayniy:3 Alriyfiy:2 ben_Ealiy:2 AltaAziy:1 Alzay~aAniy:2
AlbuxaAriy:2 Alra$iydiy:2 Alyuwsufiy:2 buwEaz~aAwiy:1 AlEiyaAdiy:1 AlHamdaAwiy:1 Albaydaawiy:1
AltahaAmiy:1 benmuwsaY:2 AlsaEdiy:2
""",
    "DZ": """
belqaAsim:5 benEaliy:5 saEiydiy:4 Hamiydiy:4 Had~aAd:5 manSuwriy:4 braAhiymiy:5 xeliyfiy:3
$eriyf:3 raHmaAniy:3 zer~uwqiy:2 Eam~aAriy:2 buwmediyn:2 bensaAliH:2 masEuwdiy:3 Haj~aAj:3
buwtefliyqap:1 sahnuwn:2 yaHyaAwiy:2 Eaziyziy:2 buwziyd:3 benyuwsuf:2 belHaAj:3 mebaArkiy:2
Hamdiy:2 buwEalaAm:1 Taybiy:2 benEamaAr:1 lasmar:1 ziytuwniy:2 Eabdel~iy:1 bel~uwmiy:1
maHmuwdiy:2 qaAsimiy:1 nasriy:2 Ham~aAdiy:2 benaHmad:2 mesEuwd:1
""",
    "TN": """
TraAbelsiy:8 jebaAliy:5 garbiy:4 EayaAriy:4 Ham~aAmiy:5 mejriy:3 driydiy:3 saAsiy:3 jenduwbiy:3
buwEaziyziy:2 $eb~iy:2 ben_Ealiy:3 ben_SalaAH:3 ben_yuwsuf:2 ben_Eam~aAr:2 karuwiy:2 Hamdiy:2
xeliyl:2 maHjuwb:2 belHaAj:3 naSriy:3 marzuwqiy:2 gan~uw$iy:2 Eab~aAsiy:2 sel~aAmiy:2 Eaziyziy:1
Hamruwniy:2 $eriyf:2 daHmaAniy:1 ben_muwsaY:1 ben_Hamiyda:1 jelaAsiy:1 man~aAEiy:1 Tuwiyliy:1
bakuwr:1 sufiy:1 bin_Eumar:1 Ham~uwdap:1
""",
    "EG": """
Alsay~id:6 AlmaSriy:3 HijaAziy:3 Al$arqaAwiy:2 Alnaj~aAr:3 salaAmap:3 Eabd_AlHamiyd:2 ramaDaAn:2
gaAnim:2 Al$aA*iliy:2 Euka$ap:1 badawiy:2 zakiy:2 fahmiy:2 rizq:1 $ehaAtap:2 Hasanayn:2
metwal~iy:2 Eabd_Alfat~aAH:2 tawfiyq:2 sulaymaAn:2 Aljamal:2 EaAmir:2 maHmuwd:4 Hasan:4
Husayn:3 <ibraAhiym:3 muSTafaY:3 Eabd_AlEaziyz:2 xaliyl:2 manSuwr:2 Eabd_All~`h:2 Ealiy:3
>aHmad:3 muHam~ad:4 Alban~aA:1 Ea$maAwiy:1 AlEadawiy:1 sarHaAn:1 AlsaEiydiy:1 EaTiy~ap:1
""",
    "JO": """
AlmajaAliy:3 AlEab~aAdiy:3 AlzuEbiy:3 AlxaSaAwnap:2 Altal~:2 AlEadwaAn:3 AlrawaA$dap:2
Albaxiytiy:2 AlEumariy:2 AlHad~aAd:3 AlfaAyiz:2 AlTaraAwnap:2 AlSaraAyrap:2 AlxaTiyb:3
AlnaAbulsiy:2 AlmaSriy:2 AlHusayniy:2 Al$ayx:2 jaAbir:2 AlEajluwniy:2 AlrifaAEiy:2 AlqaAsim:1
Al$ubaylaAt:1 AlHiyaArap:1 AlmuHaysin:1 AlEutuwm:1 AlbaTaAynap:1 Al$uraydap:1 AlzawaAhrap:1
""",
    "LB": """
Had~aAd:5 xuwriy:6 saEd:3 Hariyriy:2 Eawn:2 naSr_All~`h:2 salaAmap:3 karam:3 naS~aAr:2 SaliybaA:2
$amEuwn:2 Tan~uws:2 maEluwf:2 faxuwriy:2 AlHaAj~:3 muwsaY:2 zayn:2 HamaAdap:2 xaliyl:3 faAris:2
$ehaAb:2 Haydar:2 xalaf:2 naj~aAr:2 Sab~aAg:2 Hal~aAq:2 AlxaTiyb:2 yuwnis:2 Ham~uwd:2 Eiydap:1
jaAbir:1 AlziyEniy:1 sarkiys:2 Almuwsawiy:1 Hubay$:1 AlbaAshaA:1
""",
    "AE": """
AlmanSuwriy:6 Almar~iy:5 Alketbiy:3 AlnuEaymiy:4 Al$amsiy:4 AlZaAheriy:4 AlmazruwEiy:3 Alsuwaydiy:3
AlHam~aAdiy:3 AlfalaAsiy:3 Almuhayriy:3 AlqaAsimiy:2 AlzaEaAbiy:3 AlkaEbiy:3 Albuluw$iy:2
AlEaliy:2 AlHusaniy:2 Alnaqbiy:2 Al$eH~iy:2 AlTunayjiy:2 AlyamaAHiy:2 AlEaAmiriy:2
AlHabsiy:1 AlmaHayribiy:1 Algafliy:1
""",
    "SA": """
AlqaHTaAniy:6 AlgaAmdiy:5 AlzahraAniy:5 AlEutaybiy:5 AlHarbiy:5 Al$ahriy:4 Aldawsariy:4
AlmuTayriy:4 AlEanaziy:3 Al$am~ariy:3 AlmaAlikiy:3 Aljuhaniy:3 AlEamriy:3 AlEasiyriy:3
Alra$iydiy:3 AlxaAlidiy:2 Altamiymiy:2 Alsahliy:2 AlyaAmiy:2 AlHaArviy:2 AlraAjHiy:1 Albalawiy:1
""",
    "IQ": """
Aljubuwriy:4 Aldulaymiy:4 AlEubaydiy:4 AlsaEdiy:3 Altamiymiy:3 Al$am~ariy:3 Almuwsawiy:3
AlhaA$imiy:3 AljanaAbiy:3 Alzubaydiy:3 AlxafaAjiy:2 AlmaAlikiy:2 AlHakiym:2 AlHusayniy:2
AlbayaAtiy:2 AlEaz~aAwiy:2 AlEaAniy:2 AlsaAmar~aA}iy:2 Altikriytiy:2 AlbaSriy:1 AlmuHam~adawiy:1
AlkarbalaA}iy:1 AlEaAmiriy:1 Alluhaybiy:1
""",
    "LY": """
Alwarfal~iy:3 Alqad~aAfiy:2 AlmismaAriy:2 AlEubaydiy:3 AlbaraAsiy:2 $algam:1 Alsanuwsiy:2
AlzaAwiy:2 Altarhuwniy:2 jibriyl:2 AlmiSraAtiy:2 AlzintaAniy:2 Alfaytuwriy:2 Haftar:1 AlHaAsiy:2
Alkuwniy:1 AlgiryaAniy:1 Almagribiy:1 ben_Hamiyd:1
""",
}
