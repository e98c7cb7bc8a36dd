"""The web app as a user meets it: a real server on a store coded from the seed, driven by headless Chromium.

Needs Debian's ``chromium`` and ``chromium-driver`` (``make browser``); skipped cleanly without them.
Screenshots of every page land in ``artifacts/`` (kept by CI as test artifacts).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
SOCHI = (43.6, 39.73)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    pytest.skip("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver, "
                "or `make browser`)", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")

import uvicorn  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from dyads.web import create_app  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(seed_store) -> str:
    """``dyads serve``'s app in a thread on a free loopback port; yields its base URL."""
    app = create_app(str(seed_store))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def wait(driver, condition, timeout: float = 15):
    return WebDriverWait(driver, timeout).until(lambda d: condition(d))


def screenshot(driver, name: str) -> Path:
    """Save the whole page (not just the window) as artifacts/web-NAME.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, max(800, min(height, 4000)))
    path = ARTIFACTS / f"web-{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1400, 1000)
    assert path.stat().st_size > 10_000
    return path


def page_errors(driver) -> list[str]:
    """Console errors and every resource the page fetched from anywhere but the app itself."""
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    base = driver.execute_script("return location.origin")
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return errors + [f"outside resource: {r}" for r in resources if not r.startswith(base)]


def test_events_table_shows_the_syr_rus_consult_event(server, browser):
    browser.get(f"{server}/events")
    rows = browser.find_elements(By.CSS_SELECTOR, "#events-table tbody tr[data-event-type='CONSULT']")
    def sides(row) -> tuple[str, str]:
        return (row.find_element(By.CSS_SELECTOR, ".actor-cell").text,
                row.find_element(By.CSS_SELECTOR, ".recipient-cell").text)

    consult = [r for r in rows if ("SYR" in sides(r)[0] and "RUS" in sides(r)[1])
               or ("RUS" in sides(r)[0] and "SYR" in sides(r)[1])]
    assert consult, "no CONSULT row between SYR and RUS in the events table"
    row = consult[0]
    assert row.find_element(By.CSS_SELECTOR, ".sentence .hl-trigger").text
    screenshot(browser, "events")
    assert page_errors(browser) == []

    # the row opens the event: its sentence with actor, recipient and trigger marked, rule and confidence
    row.find_element(By.CSS_SELECTOR, "td.sentence a").click()
    wait(browser, lambda d: "/events/" in d.current_url)
    sentence = browser.find_element(By.ID, "sentence")
    for role in ("actor", "recipient", "trigger"):
        marked = sentence.find_elements(By.CSS_SELECTOR, f".hl-{role}")
        assert marked and all(m.is_displayed() and m.text for m in marked), role
    assert browser.find_element(By.CSS_SELECTOR, "code.rule").text
    assert 0 < float(browser.find_element(By.CSS_SELECTOR, "dd.confidence").text) <= 1
    screenshot(browser, "event")

    # ... and links to the whole story with that sentence highlighted
    browser.find_element(By.CSS_SELECTOR, "a.story-link").click()
    wait(browser, lambda d: "/stories/" in d.current_url)
    highlighted = browser.find_element(By.ID, "hl")
    assert highlighted.is_displayed() and highlighted.text.strip()
    assert browser.find_elements(By.CSS_SELECTOR, "#story-text .hl-trigger")
    screenshot(browser, "story")
    assert page_errors(browser) == []


def test_filters_live_in_the_url(server, browser):
    browser.get(f"{server}/events")
    Select(browser.find_element(By.NAME, "actor_country")).select_by_value("SYR")
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    wait(browser, lambda d: "actor_country=SYR" in d.current_url)
    assert "date_from=" not in browser.current_url  # empty fields are not sent
    cells = browser.find_elements(By.CSS_SELECTOR, "#events-table tbody .actor-cell")
    assert cells and all("SYR" in c.text for c in cells)


def test_dyad_chart_renders_with_data(server, browser):
    browser.get(f"{server}/dyad")
    Select(browser.find_element(By.ID, "dyad-a")).select_by_value("SYR")
    Select(browser.find_element(By.ID, "dyad-b")).select_by_value("RUS")
    browser.find_element(By.CSS_SELECTOR, "form.dyad-pick button[type=submit]").click()
    wait(browser, lambda d: "a=SYR" in d.current_url and "b=RUS" in d.current_url)
    chart = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#quad-chart[data-rendered='true']"))
    bars = chart.find_elements(By.CSS_SELECTOR, "rect.bar")
    assert bars and all(b.is_displayed() for b in bars)
    charted = sum(int(b.get_attribute("data-count")) for b in bars)
    expected = browser.execute_script(
        "return JSON.parse(document.getElementById('timeline-data').textContent).totals.events")
    assert charted == expected > 0
    assert "2021-02" in {b.get_attribute("data-month") for b in bars}
    gold = browser.find_element(By.CSS_SELECTOR, "#goldstein-chart[data-rendered='true']")
    assert gold.find_elements(By.CSS_SELECTOR, "rect.bar")
    assert browser.find_elements(By.CSS_SELECTOR, "#events-table tbody tr[data-event-type='CONSULT']")
    screenshot(browser, "dyad")
    assert page_errors(browser) == []


def test_map_shows_a_marker_at_sochi(server, browser):
    browser.get(f"{server}/map")
    box = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#map[data-basemap='ready']"))
    assert box.find_elements(By.CSS_SELECTOR, "path.leaflet-interactive, .leaflet-overlay-pane path")  # countries
    places = browser.execute_script("return JSON.parse(document.getElementById('places-data').textContent)")
    sochi = [p for p in places if abs(p["lat"] - SOCHI[0]) < 0.3 and abs(p["lon"] - SOCHI[1]) < 0.3]
    assert sochi, f"no event placed at Sochi; places: {[(p['name'], p['lat'], p['lon']) for p in places]}"
    screenshot(browser, "map")
    # zoom to Sochi: its own marker (out of any cluster) is drawn on the spot
    browser.execute_script("window.dyadsMap.map.setView(arguments[0], 6, {animate: false})", list(SOCHI))
    marker_on_the_spot = """
        const [lat, lon, name] = arguments;
        const p = window.dyadsMap.map.latLngToContainerPoint([lat, lon]);
        const box = document.getElementById('map').getBoundingClientRect();
        return [...document.querySelectorAll('.leaflet-marker-icon.place-icon')].find(el => {
            const r = el.getBoundingClientRect();
            return el.title === name && getComputedStyle(el).opacity === '1' &&
                Math.hypot(r.left + r.width / 2 - box.left - p.x, r.top + r.height / 2 - box.top - p.y) < 15;
        }) || null;"""
    marker = wait(browser, lambda d: d.execute_script(marker_on_the_spot, *SOCHI, sochi[0]["name"]))
    assert int(marker.text) == sochi[0]["events"]
    marker.click()
    wait(browser, lambda d: d.execute_script(  # faded in (an element still fading in has no visible text)
        "const p = document.querySelector('.leaflet-popup'); return p && getComputedStyle(p).opacity") == "1")
    popup = browser.find_element(By.CSS_SELECTOR, ".leaflet-popup-content")
    assert sochi[0]["name"] in popup.text and popup.find_elements(By.CSS_SELECTOR, "a[href^='/events/']")
    screenshot(browser, "map-sochi")
    assert page_errors(browser) == []


def test_actors_network(server, browser):
    browser.get(f"{server}/actors")
    net = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#network[data-rendered='true']"))
    edges = net.find_elements(By.CSS_SELECTOR, "path.edge")
    assert ("SYR", "RUS") in {(e.get_attribute("data-source"), e.get_attribute("data-target")) for e in edges}
    assert {"SYR", "RUS"} <= {n.get_attribute("data-actor") for n in net.find_elements(By.CSS_SELECTOR, "g.node")}
    assert browser.find_elements(By.CSS_SELECTOR, "#dyads-table tbody tr")
    screenshot(browser, "actors")
    assert page_errors(browser) == []


def test_overview_and_error_pages(server, browser):
    browser.get(f"{server}/")
    assert browser.find_element(By.CSS_SELECTOR, "p.lead").text.startswith("1 story")
    screenshot(browser, "index")
    browser.get(f"{server}/events?contry=SYR")
    assert "unknown query parameter 'contry'" in browser.find_element(By.CSS_SELECTOR, ".error-message").text
