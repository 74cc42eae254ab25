"""An offline world map drawn on the server: Natural Earth countries (world-atlas TopoJSON) as SVG paths.

The TopoJSON file ships in ``static/vendor/world-atlas`` (ISC; Natural Earth data is public domain). It is
decoded here (quantised, delta-encoded arcs), projected with the Equal Earth projection (Šavrič, Patterson
and Jenny, 2018: equal-area, so a country's ink matches its size) and turned into SVG path data once per
process. Rings that cross the antimeridian are unwrapped and drawn twice, shifted by a full turn, inside a
clip path of the globe's outline. Countries are keyed by ISO 3166-1 alpha-2 code, taken from the numeric
ids through Babel's CLDR aliases. No JavaScript, no tiles, no network.
"""

from __future__ import annotations

# The data part lives in the core module ``manara.worldmap`` (reports below the web layer draw it too).
from manara.worldmap import HEIGHT, TOPOJSON, WIDTH, X_MAX, Y_MAX, Country, countries, equal_earth, outline, to_svg

__all__ = ["HEIGHT", "TOPOJSON", "WIDTH", "X_MAX", "Y_MAX", "Country", "countries", "equal_earth", "outline", "to_svg"]
