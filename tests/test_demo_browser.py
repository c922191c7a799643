"""The try-it page in a real browser: headless Chromium (Debian's chromium + chromium-driver) driven by
selenium types a sentence and reads the highlighted spans; no console errors; a screenshot for the README."""
import os
import shutil

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
if not (CHROMIUM and DRIVER):
    pytest.skip("Chromium and chromedriver are not installed here (apt-get install chromium chromium-driver; "
                ".ci/run installs them)", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

SCREENSHOT = ROOT / "docs" / "try-it.png"


@pytest.fixture(scope="module")
def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1100,900",
                "--disable-gpu", "--no-first-run"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield driver
    driver.quit()


def test_the_page_highlights_the_frame(browser, live_url):
    browser.get(f"{live_url}/demo")
    text = browser.find_element(By.ID, "text")
    text.clear()
    text.send_keys("fly from Boston to Zürich on christmas")
    browser.find_element(By.ID, "reference_time").send_keys("2026-11-25T10:00:00-05:00")
    tz = browser.find_element(By.ID, "timezone")
    tz.clear()
    tz.send_keys("America/New_York")
    browser.find_element(By.ID, "parse").click()
    WebDriverWait(browser, 20).until(ec.visibility_of_element_located((By.ID, "result")))
    spans = {m.get_attribute("data-slot"): m for m in browser.find_elements(By.CSS_SELECTOR, "#highlighted mark")}
    assert set(spans) == {"departure", "destination", "time"}
    assert spans["departure"].get_attribute("textContent") == "Boston"
    assert spans["destination"].get_attribute("textContent") == "Zürich"
    assert spans["time"].get_attribute("textContent") == "christmas"
    assert browser.find_element(By.ID, "highlighted").get_attribute("textContent") == \
        "fly from Boston to Zürich on christmas"
    row = browser.find_element(By.CSS_SELECTOR, "#slots tr[data-slot='time']")
    assert '"2026-12-25"' in row.text and "day" in row.text
    assert browser.find_element(By.ID, "missing").text == "nothing"
    SCREENSHOT.parent.mkdir(exist_ok=True)
    if os.environ.get("SLOT_WRITE_SCREENSHOT"):  # scripts: refresh the README's screenshot
        browser.save_screenshot(str(SCREENSHOT))
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def submit(browser, live_url: str, field: str, value: str, shows: str) -> None:
    """Open the page, replace one field's value, parse, and wait for the element ``shows``."""
    browser.get(f"{live_url}/demo")
    box = browser.find_element(By.ID, field)
    box.clear()
    box.send_keys(value)
    browser.find_element(By.ID, "parse").click()
    WebDriverWait(browser, 20).until(ec.visibility_of_element_located((By.ID, shows)))


def test_markup_in_the_text_is_shown_not_run(browser, live_url):
    submit(browser, live_url, "text", 'fly to <img src=x onerror="document.title=1"> Boston <b>tomorrow</b>', "result")
    assert not browser.find_elements(By.CSS_SELECTOR, "#highlighted img, #highlighted b")
    assert "<img" in browser.find_element(By.ID, "highlighted").get_attribute("textContent")
    assert browser.title != "1"


def test_an_error_answer_is_shown(browser, live_url):
    submit(browser, live_url, "timezone", "Mars/Olympus", "error")
    error = browser.find_element(By.ID, "error")
    assert "422" in error.text and "timezone" in error.text
