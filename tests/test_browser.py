"""What a person sees: headless Chromium, driven by Playwright, reads the demo study's pages
from a real uvicorn server on 127.0.0.1.

The browser is Debian's `chromium` at /usr/bin/chromium (Playwright's own browser download is
not used); `.ci/run` installs it when missing. Screenshots are saved under the test's tmp dir.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conformance.live_server import LiveServer, serve
from playwright.sync_api import Browser, Page, sync_playwright
from test_ld_secrets import demo_store

from app.main import create_app
from app.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser")
    demo_store(folder / "store").close()
    settings = Settings(store=folder / "store", tokens_file=folder / "tokens.json", query_workers=1)
    with serve(create_app(settings)) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.is_file(), "Debian's chromium is missing: apt-get install -y chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    opened = browser.new_page(viewport={"width": 1024, "height": 800})
    try:
        yield opened
    finally:
        opened.close()


def test_an_exclusion_page_reads_as_a_decision_with_its_evidence(
    server: LiveServer, page: Page, tmp_path: Path
) -> None:
    response = page.goto(f"{server.url}/id/demo/excluded-category/PR01")
    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text() == "wheelchair user"
    assert page.locator("p.types").inner_text().startswith("Excluded category")
    quotes = page.locator("#evidence blockquote")
    assert quotes.count() == 3
    seen = page.locator("#evidence").inner_text()
    assert "I asked for a wheelchair class." in seen
    assert "P07 (annotator at Sur Etiquetado), 2023-04-17" in seen
    properties = page.locator("#properties").inner_text()
    # Labels, not IRIs: who decided, from which taxonomy, and what to use instead.
    assert "excluded by" in properties and "P20" in properties
    assert "Road users" in properties and "pedestrian" in properties
    assert "https://w3id.org/cdkg/demo/" not in properties
    crumbs = page.locator("nav.crumbs").inner_text()
    assert "Road users" in crumbs
    page.screenshot(path=str(tmp_path / "exclusion.png"), full_page=True)
    assert (tmp_path / "exclusion.png").stat().st_size > 10_000
    # A person follows the fallback category to its own page.
    page.locator("#properties a", has_text="pedestrian").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "pedestrian"


def test_the_taxonomy_page_shows_versions_side_by_side(
    server: LiveServer, page: Page, tmp_path: Path
) -> None:
    page.goto(f"{server.url}/id/demo/taxonomy/TX-PED")
    assert page.locator("h1").inner_text() == "Road users"
    headers = page.locator("#side-by-side thead th").all_inner_texts()
    assert [h.split("\n")[0] for h in headers] == ["Category", "Road users 1.0", "Road users 2.0"]
    rows = page.locator("#side-by-side tbody tr")
    rider = rows.filter(has_text="rider").filter(has_not_text="scooter")
    assert rider.locator("td").all_inner_texts() == ["\u2013", "✓"]
    changes = page.locator("#changes ul.changes").inner_text()
    assert "merged" in changes and "cyclist, scooter rider → rider" in changes
    assert "decided by P20 on 2023-05-10" in changes
    page.screenshot(path=str(tmp_path / "taxonomy.png"), full_page=True)
    assert (tmp_path / "taxonomy.png").stat().st_size > 10_000


def test_a_phone_sized_page_needs_no_sideways_scrolling(
    server: LiveServer, browser: Browser, tmp_path: Path
) -> None:
    phone = browser.new_page(viewport={"width": 375, "height": 740})
    try:
        phone.goto(f"{server.url}/id/demo/imposition/IMP01")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375
        assert (
            "We send the guideline and the class list." in phone.locator("#evidence").inner_text()
        )
        phone.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    finally:
        phone.close()
