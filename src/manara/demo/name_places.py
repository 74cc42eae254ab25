"""Places, document formats and vehicles used to give demo persons realistic attributes."""

from __future__ import annotations

COUNTRIES: dict[str, str] = {
    "MA": "Morocco", "DZ": "Algeria", "TN": "Tunisia", "EG": "Egypt", "JO": "Jordan",
    "LB": "Lebanon", "AE": "United Arab Emirates", "FR": "France", "ES": "Spain", "DE": "Germany",
    "IT": "Italy", "GB": "United Kingdom", "NL": "Netherlands", "BE": "Belgium", "IQ": "Iraq",
    "SA": "Saudi Arabia", "LY": "Libya", "TR": "Turkey", "RU": "Russia", "UA": "Ukraine",
}

CITIES: dict[str, tuple[str, ...]] = {
    "MA": ("Casablanca", "Rabat", "Fès", "Marrakech", "Tanger", "Agadir", "Meknès", "Oujda", "Kénitra",
           "Tétouan", "Nador", "Safi", "El Jadida", "Béni Mellal"),
    "DZ": ("Alger", "Oran", "Constantine", "Annaba", "Blida", "Batna", "Sétif", "Tlemcen", "Béjaïa",
           "Tizi Ouzou", "Biskra", "Djelfa"),
    "TN": ("Tunis", "Sfax", "Sousse", "Kairouan", "Bizerte", "Gabès", "Ariana", "Gafsa", "Monastir",
           "Nabeul", "Médenine", "Ben Arous"),
    "EG": ("Cairo", "Alexandria", "Giza", "Shubra El Kheima", "Port Said", "Suez", "Mansoura", "Tanta",
           "Asyut", "Ismailia", "Faiyum", "Zagazig", "Aswan", "Luxor"),
    "JO": ("Amman", "Zarqa", "Irbid", "Russeifa", "Aqaba", "Salt", "Madaba", "Mafraq", "Jerash", "Karak"),
    "LB": ("Beirut", "Tripoli", "Sidon", "Tyre", "Jounieh", "Zahle", "Baalbek", "Byblos", "Nabatieh"),
    "AE": ("Dubai", "Abu Dhabi", "Sharjah", "Al Ain", "Ajman", "Ras Al Khaimah", "Fujairah"),
    "SA": ("Riyadh", "Jeddah", "Mecca", "Medina", "Dammam", "Taif", "Tabuk", "Buraidah", "Abha", "Khobar"),
    "IQ": ("Baghdad", "Basra", "Mosul", "Erbil", "Kirkuk", "Najaf", "Karbala", "Sulaymaniyah", "Nasiriyah",
           "Ramadi", "Fallujah", "Hillah"),
    "LY": ("Tripoli", "Benghazi", "Misrata", "Zawiya", "Bayda", "Sabha", "Tobruk", "Derna", "Sirte"),
    "FR": ("Paris", "Marseille", "Lyon", "Toulouse", "Nice", "Nantes", "Strasbourg", "Montpellier",
           "Bordeaux", "Lille", "Rennes", "Reims", "Saint-Étienne", "Le Havre", "Grenoble", "Créteil"),
    "ES": ("Madrid", "Barcelona", "Valencia", "Sevilla", "Zaragoza", "Málaga", "Murcia", "Palma",
           "Bilbao", "Alicante", "Córdoba", "Valladolid", "Vigo", "Gijón", "A Coruña", "Almería"),
    "DE": ("Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Stuttgart", "Düsseldorf",
           "Leipzig", "Dortmund", "Essen", "Bremen", "Dresden", "Hannover", "Nürnberg", "Duisburg"),
    "IT": ("Roma", "Milano", "Napoli", "Torino", "Palermo", "Genova", "Bologna", "Firenze", "Bari",
           "Catania", "Venezia", "Verona", "Messina", "Padova"),
    "GB": ("London", "Birmingham", "Manchester", "Glasgow", "Liverpool", "Leeds", "Sheffield",
           "Edinburgh", "Bristol", "Cardiff", "Leicester", "Bradford", "Belfast", "Nottingham"),
    "NL": ("Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen", "Tilburg",
           "Almere", "Breda", "Nijmegen"),
    "BE": ("Bruxelles", "Antwerpen", "Gent", "Charleroi", "Liège", "Brugge", "Namur", "Leuven", "Mons",
           "Molenbeek-Saint-Jean", "Schaerbeek"),
    "TR": ("İstanbul", "Ankara", "İzmir", "Bursa", "Antalya", "Konya", "Adana", "Gaziantep", "Şanlıurfa",
           "Kocaeli", "Mersin", "Diyarbakır", "Kayseri", "Trabzon"),
    "RU": ("Moskva", "Sankt-Peterburg", "Novosibirsk", "Yekaterinburg", "Kazan", "Nizhny Novgorod",
           "Chelyabinsk", "Samara", "Omsk", "Rostov-na-Donu", "Ufa", "Krasnoyarsk", "Voronezh"),
    "UA": ("Kyiv", "Kharkiv", "Odesa", "Dnipro", "Lviv", "Zaporizhzhia", "Kryvyi Rih", "Mykolaiv",
           "Vinnytsia", "Poltava", "Chernihiv", "Ivano-Frankivsk"),
}

# Passport number shapes: '@' letter, '9' digit, '*' letter or digit, anything else literal.
PASSPORT_PATTERNS: dict[str, str] = {
    "MA": "@@9999999", "DZ": "999999999", "TN": "@999999", "EG": "A99999999", "JO": "@999999",
    "LB": "LR9999999", "AE": "@9999999", "SA": "@9999999", "IQ": "A99999999", "LY": "@99999999",
    "FR": "99@@99999", "ES": "@@@999999", "DE": "C********", "IT": "@@9999999", "GB": "999999999",
    "NL": "@@******9", "BE": "@@999999", "TR": "U99999999", "RU": "999999999", "UA": "@@999999",
}
# National identity numbers other than the special-cased ES, TR, EG, BE and AE.
ID_PATTERNS: dict[str, str] = {
    "MA": "@@999999", "DZ": "999999999999999999", "TN": "99999999", "JO": "9999999999",
    "LB": "999999999999", "SA": "1999999999", "IQ": "199999999999", "LY": "119999999999",
    "FR": "99@@99999", "DE": "L********", "IT": "CA99999@@", "GB": "@@999999C", "NL": "999999999",
    "RU": "999999999999", "UA": "9999999999",
}
PASSPORT_VALIDITY_YEARS: dict[str, int] = {"MA": 5, "TN": 5, "EG": 7, "AE": 5, "SA": 5, "JO": 5, "IQ": 8}
AUTHORITIES: dict[str, str] = {
    "MA": "Ministère de l'Intérieur", "DZ": "Ministère de l'Intérieur", "TN": "Ministère de l'Intérieur",
    "EG": "Passports, Emigration and Nationality Administration", "JO": "Civil Status and Passports Department",
    "LB": "General Directorate of General Security", "AE": "Federal Authority for Identity and Citizenship",
    "FR": "Préfecture", "ES": "Dirección General de la Policía", "DE": "Bürgeramt",
    "IT": "Questura", "GB": "HM Passport Office", "NL": "Burgemeester", "BE": "SPF Affaires étrangères",
}
# Plate shapes as for passports; '#' is an Arabic letter (Moroccan plates carry one).
PLATE_PATTERNS: dict[str, str] = {
    "FR": "@@-999-@@", "ES": "9999 @@@", "DE": "@@ @@ 9999", "IT": "@@ 999@@", "GB": "@@99 @@@",
    "NL": "99-@@@-9", "BE": "1-@@@-999", "MA": "99999-#-9", "DZ": "99999 999 99", "TN": "999 تونس 9999",
    "EG": "999 # # #", "TR": "34 @@ 9999", "RU": "@999@@ 77", "UA": "@@9999@@", "AE": "@ 99999",
}
VEHICLE_MODELS: tuple[str, ...] = (
    "Peugeot 208", "Renault Clio", "Dacia Logan", "Volkswagen Golf", "Toyota Corolla", "Toyota Land Cruiser",
    "Hyundai Accent", "Kia Picanto", "Mercedes-Benz C 220", "BMW 320d", "Seat Ibiza", "Fiat Panda",
    "Nissan Patrol", "Skoda Octavia", "Ford Transit", "Lada Vesta", "Audi A4", "Chevrolet Aveo",
)
ORG_SUFFIXES: dict[str, tuple[str, ...]] = {
    "MA": ("SARL", "Import Export SARL", "Transport SA"), "DZ": ("EURL", "SARL"), "TN": ("SARL", "SUARL"),
    "FR": ("SARL", "SAS", "Transports SAS"), "ES": ("S.L.", "S.A."), "DE": ("GmbH", "GmbH & Co. KG"),
    "IT": ("S.r.l.", "S.p.A."), "GB": ("Ltd", "Trading Ltd"), "NL": ("B.V.",), "BE": ("SRL", "BV"),
    "TR": ("Ltd. Şti.", "A.Ş."), "RU": ("OOO",), "UA": ("TOV",),
}
