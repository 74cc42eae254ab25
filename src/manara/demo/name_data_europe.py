"""Given names and surnames for European countries and Turkey, 'Name:weight' entries.

Weights roughly follow birth-cohort frequencies of adults alive today; surnames follow national
frequency lists. Spaces inside a name are written as underscores.
"""

from __future__ import annotations

MALE: dict[str, str] = {
    "FR": """Jean:30 Pierre:18 Michel:20 Philippe:16 Alain:14 Nicolas:16 Christophe:14 Patrick:12
Daniel:10 Bernard:10 Éric:12 Frédéric:10 Laurent:12 Stéphane:11 David:12 Sébastien:11 Julien:12
Pascal:9 Thierry:9 Olivier:11 Thomas:13 Alexandre:11 Antoine:10 Maxime:10 Guillaume:9 Vincent:9
Jérôme:8 François:10 Romain:8 Mathieu:7 Benoît:5 Hugo:7 Lucas:9 Louis:8 Gabriel:6 Arthur:5
Théo:6 Clément:6 Quentin:6 Kévin:6 Anthony:6 Cédric:5 Raphaël:5 Jacques:9 Henri:4 Didier:6
Gérard:7 René:5 Yves:5 Jean-Pierre:6 Jean-Luc:5 Jean-Claude:5 Marc:8 Bruno:6 Fabrice:5
Grégory:5 Jonathan:5 Benjamin:6 Adrien:5 Florian:5 Damien:5 Xavier:5 Loïc:4 Yannick:4 Gaël:3
Mickaël:4 Jérémy:5 Enzo:4 Nathan:5 Mathis:4 Noé:3 Serge:4 Denis:5 Hervé:4 Guy:3 Roger:4""",
    "ES": """Antonio:30 José:28 Manuel:24 Francisco:22 David:16 Juan:18 Javier:15 Daniel:14
José_Antonio:12 Francisco_Javier:11 Jesús:10 Carlos:14 Alejandro:12 Miguel:11 José_Luis:11
Rafael:9 Miguel_Ángel:9 Pedro:9 Pablo:9 Ángel:8 Sergio:8 Fernando:8 Jorge:8 Luis:8 Alberto:7
Juan_Carlos:7 Álvaro:7 Adrián:7 Diego:6 Raúl:6 Iván:6 Enrique:6 Rubén:6 Óscar:6 Ramón:5 Andrés:5
Vicente:5 Joaquín:5 Santiago:5 Víctor:5 Mario:5 Eduardo:5 Roberto:5 Jaime:4 Ignacio:4 Marcos:4
Hugo:4 Alfonso:4 Jordi:4 Salvador:4 Guillermo:4 Gonzalo:4 Iker:3 Mateo:3 Íñigo:2 Agustín:3""",
    "DE": """Peter:14 Michael:20 Thomas:18 Andreas:18 Wolfgang:12 Klaus:11 Jürgen:11 Stefan:15
Christian:14 Uwe:9 Werner:9 Hans:10 Frank:12 Bernd:8 Martin:12 Markus:11 Matthias:10 Alexander:10
Sebastian:10 Daniel:10 Tobias:8 Jan:9 Florian:8 Dirk:7 Jörg:7 Ralf:7 Sven:7 Torsten:6 Holger:6
Manfred:7 Helmut:7 Günter:6 Dieter:7 Gerhard:6 Karl-Heinz:5 Heinz:5 Lukas:8 Felix:7 Jonas:7
Leon:7 Maximilian:7 Paul:7 Niklas:6 Tim:6 Philipp:7 Dennis:6 Patrick:6 Kai:5 Oliver:6 Marco:5
Björn:4 Lars:5 Jens:6 Nils:5 Timo:5 Moritz:5 Fabian:5 Benedikt:3 Friedrich:3 Rüdiger:3""",
    "IT": """Giuseppe:22 Giovanni:18 Antonio:18 Mario:14 Luigi:12 Francesco:16 Angelo:9
Vincenzo:10 Pietro:8 Salvatore:10 Carlo:8 Franco:7 Domenico:7 Bruno:6 Paolo:9 Michele:8
Giorgio:7 Aldo:4 Sergio:6 Luca:12 Marco:12 Andrea:12 Alessandro:11 Stefano:9 Roberto:9
Matteo:9 Lorenzo:8 Davide:8 Simone:8 Riccardo:7 Fabio:7 Massimo:7 Claudio:6 Gianluca:5
Emanuele:5 Federico:6 Leonardo:6 Gabriele:5 Nicola:6 Alberto:5 Enrico:5 Raffaele:5 Tommaso:5""",
    "GB": """David:20 John:20 Michael:16 Paul:14 Andrew:14 James:18 Peter:12 Robert:12 Mark:12
Richard:12 Stephen:11 Christopher:12 Ian:8 Simon:8 Gary:7 Daniel:11 Thomas:11 Matthew:10 Anthony:7
William:9 George:7 Oliver:8 Jack:8 Harry:7 Samuel:7 Joshua:7 Benjamin:6 Alexander:6 Adam:6
Jonathan:6 Kevin:6 Graham:5 Neil:5 Martin:6 Lee:5 Craig:5 Stuart:5 Alan:6 Keith:5 Colin:4 Liam:5""",
    "NL": """Jan:18 Johannes:10 Cornelis:9 Hendrik:9 Willem:9 Pieter:9 Peter:10 Gerrit:7 Dirk:6
Jacobus:7 Mark:8 Dennis:7 Thomas:8 Daan:7 Bram:6 Lucas:6 Sem:5 Ruben:6 Jeroen:7 Sander:6 Bas:6
Martijn:6 Joost:5 Stefan:6 Erik:7 Robert:6 Kees:6 Henk:7 Wim:6 Frank:6 Tim:6 Niels:5 Rik:4""",
    "BE": """Jean:10 Marc:10 Luc:9 Patrick:8 Pierre:7 Philippe:8 Michel:8 Dirk:6 Jan:8 Peter:7
Thomas:8 Nicolas:7 Kevin:6 Stijn:5 Pieter:6 Bart:6 Koen:6 Wouter:5 Joris:5 Tom:6 Olivier:5
Laurent:5 Antoine:4 Maxime:5 Louis:6 Lucas:6 Arthur:5 Noah:5 Filip:4 Geert:4""",
    "TR": """Mehmet:40 Mustafa:30 Ahmet:30 Ali:24 Hüseyin:20 Hasan:20 İbrahim:16 İsmail:12
Osman:10 Yusuf:14 Murat:14 Ömer:10 Ramazan:9 Halil:8 Süleyman:8 Abdullah:9 Mahmut:7 Recep:7
Salih:6 Fatih:8 Kadir:6 Emre:9 Hakan:8 Burak:8 Serkan:6 Kemal:6 Orhan:5 Erkan:5 Volkan:5
Cem:5 Gökhan:6 Onur:6 Tolga:5 Uğur:6 Yaşar:5 Yılmaz:4 Erdoğan:4 Selim:5 Barış:5 Emir:5""",
}

FEMALE: dict[str, str] = {
    "FR": """Marie:25 Nathalie:14 Isabelle:14 Sylvie:12 Catherine:12 Françoise:10 Christine:10
Monique:9 Valérie:10 Sandrine:10 Véronique:9 Sophie:11 Céline:10 Stéphanie:10 Aurélie:9
Julie:11 Camille:10 Laura:8 Émilie:8 Sarah:8 Pauline:7 Manon:8 Léa:9 Chloé:8 Emma:8 Inès:6
Anne:9 Martine:9 Nicole:8 Brigitte:6 Jacqueline:7 Chantal:6 Patricia:7 Laurence:7 Hélène:7
Élodie:6 Marion:7 Mathilde:6 Clémence:5 Lucie:6 Océane:5 Juliette:5 Agnès:5 Danielle:5
Marie-Claire:3 Anne-Sophie:4 Caroline:6 Virginie:6 Delphine:6 Audrey:6 Mélanie:6 Jeanne:4""",
    "ES": """María_Carmen:20 María:22 Carmen:18 Josefa:8 Isabel:12 Ana_María:10 María_Pilar:8
Laura:10 María_Dolores:8 Cristina:9 Marta:9 Antonia:7 Lucía:8 Dolores:6 María_Ángeles:6
Francisca:7 Elena:8 Pilar:7 Sara:7 Paula:7 Raquel:6 Manuela:6 Rosa_María:5 Mercedes:6
Beatriz:6 Silvia:7 Julia:6 Patricia:6 Rocío:5 Nuria:6 Alba:5 Irene:6 Andrea:6 Montserrat:5
Inmaculada:4 Encarnación:4 Concepción:4 Sofía:5 Claudia:5 Noelia:4 Verónica:4 Begoña:3""",
    "DE": """Sabine:14 Petra:12 Monika:12 Ursula:10 Andrea:14 Claudia:12 Susanne:12 Gabriele:10
Birgit:9 Heike:9 Karin:10 Renate:8 Stefanie:10 Julia:11 Katharina:10 Anna:10 Sandra:10 Nicole:10
Christina:9 Melanie:8 Jana:7 Lisa:8 Laura:8 Sarah:8 Lena:7 Hannah:6 Marie:7 Johanna:5 Jutta:6
Brigitte:8 Ingrid:6 Helga:6 Gisela:5 Anja:8 Katrin:8 Silke:7 Tanja:7 Kerstin:6 Ute:6
Jessica:6 Vanessa:5 Franziska:5 Charlotte:4 Sophie:5 Jacqueline:3""",
    "IT": """Maria:24 Anna:14 Giuseppina:9 Rosa:9 Angela:8 Giovanna:8 Teresa:7 Lucia:8
Carmela:6 Francesca:12 Giulia:11 Chiara:10 Sara:9 Laura:9 Valentina:9 Alessandra:8 Elena:8
Paola:8 Silvia:8 Federica:7 Martina:7 Roberta:6 Simona:6 Barbara:6 Monica:6 Elisa:6 Antonella:5
Daniela:6 Cristina:6 Patrizia:5 Sofia:5 Aurora:4 Giorgia:5 Alice:5 Beatrice:4 Rita:4""",
    "GB": """Susan:14 Sarah:16 Elizabeth:12 Margaret:10 Patricia:9 Helen:11 Karen:10 Julie:9
Jennifer:9 Emma:12 Claire:10 Rachel:9 Nicola:8 Lisa:9 Michelle:8 Amanda:7 Joanne:8 Louise:9
Laura:9 Rebecca:8 Hannah:8 Charlotte:9 Sophie:8 Emily:8 Olivia:7 Jessica:7 Amy:7 Lucy:7
Victoria:7 Catherine:8 Alison:6 Deborah:6 Jacqueline:5 Gillian:5 Jane:7 Ruth:5 Anne:7""",
    "NL": """Maria:14 Johanna:9 Anna:10 Cornelia:7 Elisabeth:7 Wilhelmina:5 Linda:8 Sandra:7
Monique:6 Esther:6 Anouk:6 Sanne:7 Lisa:7 Eva:7 Emma:7 Fleur:5 Iris:6 Femke:6 Marieke:6
Ingrid:6 Petra:6 Anja:5 Mirjam:5 Inge:5 Saskia:5 Lotte:5 Julia:6 Sophie:6 Tessa:5""",
    "BE": """Marie:12 Maria:8 Anne:7 Martine:7 Nathalie:7 Sophie:7 Isabelle:6 Els:6 An:6 Katrien:5
Sarah:7 Laura:7 Julie:6 Charlotte:6 Emma:6 Louise:6 Lotte:5 Hanne:5 Elise:5 Ann:6 Veerle:5
Sofie:5 Caroline:5 Chantal:5 Nicole:5 Christine:5 Fien:4 Lien:4""",
    "TR": """Fatma:30 Ayşe:28 Emine:24 Hatice:20 Zeynep:18 Elif:16 Meryem:12 Şerife:8 Zehra:10
Sultan:8 Hanife:7 Merve:10 Özlem:8 Yasemin:8 Esra:9 Büşra:8 Gül:7 Hülya:7 Derya:7 Aysel:6
Leyla:6 Fadime:6 Songül:5 Gülsüm:5 Sibel:6 Tuğba:6 Kübra:6 Dilek:6 Ebru:6 Melek:5 Nur:5""",
}

SURNAMES: dict[str, str] = {
    "FR": """Martin:30 Bernard:16 Thomas:14 Petit:13 Robert:13 Richard:13 Durand:12 Dubois:12
Moreau:11 Laurent:11 Simon:11 Michel:10 Lefebvre:10 Leroy:9 Roux:8 David:8 Bertrand:8 Morel:8
Fournier:8 Girard:7 Bonnet:7 Dupont:7 Lambert:7 Fontaine:7 Rousseau:6 Vincent:6 Muller:6
Lefèvre:6 Faure:6 André:6 Mercier:6 Blanc:6 Guérin:5 Boyer:5 Garnier:5 Chevalier:5 François:5
Legrand:5 Gauthier:5 Garcia:5 Perrin:5 Robin:5 Clément:5 Morin:5 Nicolas:5 Henry:5 Roussel:4
Mathieu:4 Gautier:4 Masson:4 Marchand:4 Duval:4 Denis:4 Dumont:4 Marie:4 Lemaire:4 Noël:4
Meyer:4 Dufour:4 Meunier:4 Brun:4 Blanchard:4 Giraud:4 Joly:4 Rivière:4 Lucas:4 Brunet:4
Gaillard:3 Barbier:3 Arnaud:3 Martinez:3 Gérard:3 Roche:3 Renard:3 Schmitt:3 Roy:3 Leroux:3
Colin:3 Vidal:3 Caron:3 Picard:3 Roger:3 Fabre:3 Aubert:3 Lemoine:3 Renaud:3 Dumas:3 Lacroix:3
Olivier:3 Philippe:3 Bourgeois:3 Pierre:3 Benoît:3 Rey:3 Leclerc:3 Payet:3 Rolland:3 Leclercq:3""",
    "ES": """García:30 Rodríguez:20 González:20 Fernández:19 López:19 Martínez:18 Sánchez:18
Pérez:17 Gómez:12 Martín:12 Jiménez:10 Ruiz:10 Hernández:10 Díaz:10 Moreno:9 Muñoz:9 Álvarez:9
Romero:8 Alonso:7 Gutiérrez:7 Navarro:7 Torres:7 Domínguez:7 Vázquez:6 Ramos:6 Gil:6 Ramírez:6
Serrano:6 Blanco:6 Molina:6 Morales:5 Suárez:5 Ortega:5 Delgado:5 Castro:5 Ortiz:5 Rubio:5
Marín:5 Sanz:5 Núñez:5 Iglesias:5 Medina:5 Garrido:4 Cortés:4 Castillo:4 Santos:4 Lozano:4
Guerrero:4 Cano:4 Prieto:4 Méndez:4 Cruz:4 Calvo:4 Gallego:4 Vidal:4 León:4 Márquez:4 Herrera:4
Peña:4 Flores:4 Cabrera:4 Campos:4 Vega:4 Fuentes:3 Carrasco:3 Díez:3 Caballero:3 Reyes:3
Nieto:3 Aguilar:3 Pascual:3 Santana:3 Herrero:3 Montero:3 Lorenzo:3 Hidalgo:3 Giménez:3
Ibáñez:3 Ferrer:3 Durán:3 Santiago:3 Benítez:3 Mora:3 Vicente:3 Vargas:3 Arias:3 Carmona:3
Crespo:3 Román:3 Pastor:3 Soto:3 Sáez:3 Velasco:3 Moya:3 Soler:3 Parra:3 Esteban:3 Bravo:2
Gallardo:2 Rojas:2 Pardo:2 Merino:2 Franco:2 Espinosa:2 Izquierdo:2 Lara:2 Rivas:2 Silva:2""",
    "DE": """Müller:30 Schmidt:24 Schneider:16 Fischer:15 Weber:13 Meyer:12 Wagner:11 Becker:10
Schulz:10 Hoffmann:10 Schäfer:8 Koch:8 Bauer:8 Richter:8 Klein:8 Wolf:7 Schröder:7 Neumann:7
Schwarz:7 Zimmermann:7 Braun:6 Krüger:6 Hofmann:6 Hartmann:6 Lange:6 Schmitt:6 Werner:6
Schmitz:6 Krause:6 Meier:6 Lehmann:5 Schmid:5 Schulze:5 Maier:5 Köhler:5 Herrmann:5 König:5
Walter:5 Mayer:5 Huber:5 Kaiser:5 Fuchs:5 Peters:5 Lang:4 Scholz:4 Möller:4 Weiß:4 Jung:4
Hahn:4 Schubert:4 Vogel:4 Friedrich:4 Keller:4 Günther:4 Frank:4 Berger:4 Winkler:4 Roth:4
Beck:4 Lorenz:4 Baumann:4 Franke:4 Albrecht:4 Schuster:4 Simon:4 Ludwig:4 Böhm:4 Winter:4
Kraus:4 Martin:4 Schumacher:4 Krämer:4 Vogt:4 Stein:3 Jäger:3 Otto:3 Sommer:3 Groß:3
Seidel:3 Heinrich:3 Brandt:3 Haas:3 Schreiber:3 Graf:3 Schulte:3 Dietrich:3 Ziegler:3 Kuhn:3
Kühn:3 Pohl:3 Engel:3 Horn:3 Busch:3 Bergmann:3 Thomas:3 Voigt:3 Sauer:3 Arnold:3 Wolff:3""",
    "IT": """Rossi:20 Russo:14 Ferrari:12 Esposito:12 Bianchi:10 Romano:10 Colombo:9 Ricci:8
Marino:8 Greco:8 Bruno:7 Gallo:7 Conti:7 De_Luca:7 Mancini:6 Costa:6 Giordano:6 Rizzo:6
Lombardi:6 Moretti:6 Barbieri:5 Fontana:5 Santoro:5 Mariani:5 Rinaldi:5 Caruso:5 Ferrara:5
Galli:5 Martini:5 Leone:5 Longo:5 Gentile:5 Martinelli:4 Vitale:4 Lombardo:4 Serra:4 Coppola:4
De_Santis:4 D'Angelo:4 Marchetti:4 Parisi:4 Villa:4 Conte:4 Ferraro:4 Ferri:4 Fabbri:4
Bianco:4 Marini:4 Grasso:4 Valentini:4 Messina:3 Sala:3 De_Angelis:3 Gatti:3 Pellegrini:3""",
    "GB": """Smith:30 Jones:22 Williams:18 Taylor:16 Brown:16 Davies:14 Evans:11 Wilson:11
Thomas:10 Johnson:10 Roberts:10 Robinson:8 Thompson:8 Wright:8 Walker:8 White:8 Edwards:7
Hughes:7 Green:7 Hall:7 Lewis:7 Harris:7 Clarke:7 Patel:7 Jackson:6 Wood:6 Turner:6 Martin:6
Cooper:6 Hill:6 Ward:6 Morris:6 Moore:6 Clark:6 Lee:5 King:5 Baker:5 Harrison:5 Morgan:5
Allen:5 James:5 Scott:5 Phillips:5 Watson:5 Davis:5 Parker:5 Price:5 Bennett:5 Young:5
Griffiths:4 Mitchell:4 Kelly:4 Cook:4 Carter:4 Richardson:4 Bailey:4 Collins:4 Bell:4 Shaw:4
Murphy:4 Miller:4 Cox:4 Richards:4 Khan:4 Marshall:4 Anderson:4 Simpson:4 Ellis:4 Adams:4""",
    "NL": """de_Jong:20 Jansen:16 de_Vries:15 van_den_Berg:11 van_Dijk:11 Bakker:11 Janssen:10
Visser:10 Smit:9 Meijer:9 de_Boer:8 Mulder:8 de_Groot:8 Bos:8 Vos:7 Peters:7 Hendriks:7
van_Leeuwen:6 Dekker:6 Brouwer:6 de_Wit:6 Dijkstra:6 Smits:6 de_Graaf:5 van_der_Meer:5
van_der_Linden:5 Kok:5 Jacobs:5 de_Haan:5 Vermeulen:5 van_den_Heuvel:5 van_der_Veen:5
van_den_Broek:5 de_Bruijn:5 de_Bruin:4 van_der_Heijden:4 Schouten:4 van_Beek:4 Willems:4
van_Vliet:4 van_de_Ven:4 Hoekstra:4 Maas:4 Verhoeven:4 Koster:4 van_Dam:4 Prins:4 Blom:4""",
    "BE": """Peeters:14 Janssens:13 Maes:11 Jacobs:9 Mertens:9 Willems:9 Claes:8 Goossens:8
Wouters:8 De_Smet:7 Dubois:7 Lambert:7 Dupont:6 Martin:6 Hermans:6 Michiels:6 Aerts:6
Pauwels:6 Vermeulen:5 Leclercq:5 Van_Damme:5 De_Meyer:5 Desmet:5 Simon:5 Laurent:5 Claeys:5
Renard:4 Lemaire:4 Van_de_Velde:4 De_Clercq:4 Stevens:4 Hendrickx:4 Dumont:4 Denis:4 Thys:4
Verstraete:4 Van_den_Bossche:4 Gerard:4 Lejeune:3 Segers:3 Leroy:3 François:3 Vandenberghe:3""",
    "TR": """Yılmaz:30 Kaya:20 Demir:20 Şahin:16 Çelik:16 Yıldız:15 Yıldırım:14 Öztürk:12
Aydın:12 Özdemir:12 Arslan:11 Doğan:11 Kılıç:10 Aslan:9 Çetin:9 Kara:9 Koç:8 Kurt:8 Özkan:8
Şimşek:7 Polat:7 Özer:6 Korkmaz:7 Erdoğan:6 Güneş:6 Aksoy:5 Aktaş:5 Bulut:5 Keskin:5 Ünal:5
Kaplan:5 Tekin:5 Avcı:5 Yavuz:5 Şen:5 Turan:5 Güler:5 Uçar:4 Karaca:4 Acar:4 Sarı:4 Coşkun:4
Tunç:4 Çakır:4 Bozkurt:4 Erdem:4 Işık:4 Tan:3 Akın:4 Duman:3 Kocaman:3 Eren:3 Altun:3""",
}
