"""The offline world map in a real browser: drawn without network, accessible, counting only what one may see."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from browser.conftest import BROWSER, UI

pytestmark = BROWSER


def test_map_shows_visible_notices_by_country_offline(ui: UI) -> None:
    requests: list[str] = []
    ui.page.on("request", lambda r: requests.append(r.url))
    ui.sign_in("ma.bureau_officer")
    ui.page.get_by_role("navigation").get_by_role("link", name="Map").click()
    expect(ui.page.get_by_role("heading", level=1)).to_have_text("Map")
    expect(ui.page.get_by_role("img", name=re.compile("World map"))).to_be_visible()
    table = ui.page.get_by_role("table", name="Records you may see, by country")
    morocco = table.get_by_role("row", name=re.compile(r"^Morocco \(MA\) "))
    expect(morocco).to_have_count(1)
    seen = morocco.get_by_role("cell").first.inner_text()  # other tests may have added MA notices meanwhile
    assert int(seen) >= 1
    expect(ui.page.locator('circle.marker[data-country="MA"]')).to_have_attribute("data-count", seen)
    expect(table.get_by_role("rowheader", name=re.compile(r"Egypt"))).to_have_count(0)  # EG's unshared notice
    expect(ui.page.locator('circle.marker[data-country="EG"]')).to_have_count(0)
    assert ui.page.locator("path.land").count() > 170
    ui.step("map-notices")
    ui.page.get_by_label("Show").select_option("hits")
    ui.page.get_by_role("button", name="Show").click()
    expect(ui.page).to_have_url(re.compile(r"/console/map\?layer=hits$"))
    expect(ui.page.get_by_role("img", name=re.compile("Hits, by country that screened"))).to_be_visible()
    ui.step("map-hits")
    ui.page.get_by_label("Show").select_option("cases")
    ui.page.get_by_role("button", name="Show").click()
    expect(ui.page.get_by_role("img", name=re.compile("Open cases, by member country"))).to_be_visible()
    expect(table.get_by_role("columnheader", name="Open cases (member)")).to_be_visible()
    elsewhere = [url for url in requests if not url.startswith(ui.server.url)]
    assert not elsewhere, f"the map page fetched from elsewhere: {elsewhere}"
    ui.goto("/console/map?lang=ar")
    expect(ui.page.locator("html")).to_have_attribute("dir", "rtl")
    expect(ui.page.get_by_role("table").get_by_role("rowheader", name=re.compile("المغرب"))).to_have_count(1)
    ui.step("map-arabic")
