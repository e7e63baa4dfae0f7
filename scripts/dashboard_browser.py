#!/usr/bin/env python3
"""Drives Vigil's dashboard in a real browser (Debian's chromium + chromium-driver, through Selenium).

Run by Tests/VigilServerTests/BrowserDashboardTests.swift against a server it feeds:

    dashboard_browser.py pages  BASE_URL ARTIFACTS_DIR MODEL HOSTILE_MODEL HOSTILE_TEXT...
    dashboard_browser.py signin BASE_URL ARTIFACTS_DIR READ_TOKEN

Every check that fails is printed as "FAIL: ..." and the exit status is 1; screenshots of each page are written
to ARTIFACTS_DIR. No check passes silently: the last line says how many ran.
"""
import json
import sys
import time
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

failures = []
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        failures.append(message)
        print("FAIL: " + message, flush=True)


def browser(width=1280, height=900):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def console_errors(driver, page):
    """Errors the page logged: script errors and Content-Security-Policy violations alike."""
    for entry in driver.get_log("browser"):
        check(entry["level"] != "SEVERE", f"{page}: console error: {entry['message']}")


def open_page(driver, url, page, artifacts):
    driver.get(url)
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")
    driver.save_screenshot(f"{artifacts}/{page}.png")
    console_errors(driver, page)


def charts_with_data(driver):
    """Charts that drew at least one line segment."""
    return [svg for svg in driver.find_elements(By.CSS_SELECTOR, "svg.timeseries") if svg.find_elements(By.CSS_SELECTOR, "path.line")]


def pages(base, artifacts, model, hostile_model, hostile_texts):
    driver = browser()
    try:
        # Models: every model, worst first; sorting by a column.
        open_page(driver, base + "/", "models", artifacts)
        rows = driver.find_elements(By.CSS_SELECTOR, "table#models tbody tr")
        names = [row.get_attribute("data-model") for row in rows]
        check(model in names, f"models page lists {model}: {names}")
        header = [th for th in driver.find_elements(By.CSS_SELECTOR, "table#models th") if th.text.startswith("requests")][0]
        header.click()
        check(header.get_attribute("aria-sort") == "ascending", "clicking a column sorts the models table")
        header.send_keys(Keys.ENTER)
        check(header.get_attribute("aria-sort") == "descending", "Enter on a focused column sorts it the other way")

        # A model: operational charts hold data.
        driver.find_element(By.LINK_TEXT, model).click()
        WebDriverWait(driver, 20).until(lambda d: "/models/" in d.current_url)
        driver.save_screenshot(f"{artifacts}/model-operational.png")
        console_errors(driver, "model-operational")
        check(len(charts_with_data(driver)) >= 4, f"operational tab draws its charts: {len(charts_with_data(driver))} with data")
        check(len(driver.find_elements(By.CSS_SELECTOR, "table#segments tbody tr")) > 0, "operational tab lists the segments")

        # Keyboard read-out: focus a chart, step with the arrow keys.
        chart = driver.find_elements(By.CSS_SELECTOR, "svg.timeseries")[0]
        chart.send_keys(Keys.ARROW_LEFT)
        readout = chart.find_element(By.XPATH, "following-sibling::p[@class='readout']").text
        check("UTC" in readout and ":" in readout, f"arrow keys read a chart's values out: {readout!r}")

        # The time range: a preset, then a custom range; the URL keeps the state.
        driver.find_element(By.CSS_SELECTOR, "nav.presets a[href*='range=15m']").click()
        WebDriverWait(driver, 20).until(lambda d: "range=15m" in d.current_url)
        current = driver.find_element(By.CSS_SELECTOR, "nav.presets a[aria-current]").text
        check(current == "15m", f"the 15m preset is marked current: {current}")
        end = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() + 60))
        start = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() - 600))
        for name, value in [("from", start), ("to", end)]:
            field = driver.find_element(By.CSS_SELECTOR, f"form.custom input[name={name}]")
            driver.execute_script("arguments[0].value = arguments[1]", field, value)
        driver.find_element(By.CSS_SELECTOR, "form.custom button[type=submit]").click()
        WebDriverWait(driver, 20).until(lambda d: "from=" in d.current_url)
        console_errors(driver, "custom-range")
        check(len(charts_with_data(driver)) >= 1, "a custom range still draws the charts")

        # Data: the drift grid, distributions, and a filter over the features.
        # The demo drifts once enough labelled predictions were sent, later on a loaded machine: wait for it.
        deadline = time.time() + 90
        while True:
            open_page(driver, f"{base}/models/{urllib.parse.quote(model)}?tab=data&range=15m", "model-data", artifacts)
            if driver.find_elements(By.CSS_SELECTOR, "table#drift-grid td.cell.drift") or time.time() > deadline:
                break
            time.sleep(2)
        cells = driver.find_elements(By.CSS_SELECTOR, "table#drift-grid td.cell.drift, table#drift-grid td.cell.ok")
        check(len(cells) > 0, "the drift grid has cells with verdicts")
        check(any(cell.text == "✕" for cell in cells), "the drift grid marks drifted cells with a symbol, not colour alone")
        check(len(driver.find_elements(By.CSS_SELECTOR, ".cards svg.chart")) > 0, "reference against current distributions are drawn")
        check(len(charts_with_data(driver)) >= 2, "drift over time charts hold data")
        box = driver.find_element(By.CSS_SELECTOR, "input[data-filter=features]")
        box.send_keys("amount")
        visible = [row for row in driver.find_elements(By.CSS_SELECTOR, "table#features tbody tr") if row.is_displayed()]
        check(len(visible) == 1 and visible[0].text.startswith("amount"), f"filtering the features shows amount alone: {[row.text for row in visible]}")

        # Quality: realized over time, confusion matrix.
        open_page(driver, f"{base}/models/{urllib.parse.quote(model)}?tab=quality&range=15m", "model-quality", artifacts)
        check(len(charts_with_data(driver)) >= 1, "quality over time holds data")
        check(len(driver.find_elements(By.CSS_SELECTOR, "table#confusion tbody tr")) >= 2, "the confusion matrix is shown")
        open_page(driver, f"{base}/models/{urllib.parse.quote(model)}?tab=quality&range=15m&version=v2", "model-quality-v2", artifacts)
        series = [text.text for text in driver.find_elements(By.CSS_SELECTOR, "svg.timeseries text.legend")]
        check(any("CBPE" in text for text in series), f"one version's quality draws the label-free estimate beside it: {series}")

        # Versions side by side. The comparison's label-based metrics need matured labels: the page is read again
        # until its forest plot has three intervals (or 60 s pass), since a fast run reaches it before they mature.
        deadline = time.time() + 60
        while True:
            open_page(driver, f"{base}/models/{urllib.parse.quote(model)}?tab=versions&range=15m", "model-versions", artifacts)
            sections = driver.find_elements(By.CSS_SELECTOR, "section.comparison")
            intervals = sections[0].find_elements(By.CSS_SELECTOR, "svg.intervals line.interval") if sections else []
            if len(intervals) >= 3 or time.time() > deadline:
                break
            time.sleep(2)
        check(len(driver.find_elements(By.CSS_SELECTOR, "table#versions tbody tr")) == 2, "the versions tab compares both versions")
        # The champion (v1, the busier) against the challenger: a verdict in words, its reasons and a forest plot.
        check(len(sections) == 1, f"one comparison, v2 against v1: {len(sections)}")
        if sections:
            verdict = sections[0].get_attribute("data-verdict")
            check(verdict in ("promote", "hold", "reject"), f"the comparison has a verdict: {verdict}")
            check(sections[0].find_element(By.CSS_SELECTOR, "h3").text.startswith("v2 against v1"), "the challenger is named against the champion")
            check(len(sections[0].find_elements(By.CSS_SELECTOR, "ul.reasons li")) >= 1, "the verdict gives its reasons")
            check(len(sections[0].find_elements(By.CSS_SELECTOR, "svg.intervals line.interval")) >= 3, "the forest plot draws the intervals")

        # Alerts: wait for a firing one, then follow it to its model.
        deadline = time.time() + 90
        while True:
            open_page(driver, base + "/alerts", "alerts", artifacts)
            firing = driver.find_elements(By.CSS_SELECTOR, "table#alerts tr[data-state=firing] a.to-model")
            if firing or time.time() > deadline:
                break
            time.sleep(2)
        check(len(firing) > 0, "an alert fires and the alerts page links it to its model")
        if firing:
            target = firing[0].get_attribute("href")
            firing[0].click()
            WebDriverWait(driver, 20).until(lambda d: "/models/" in d.current_url or "/slos" in d.current_url)
            console_errors(driver, "alert-to-model")
            check(driver.current_url == target, f"the alert's link opens its view: {driver.current_url}")
            check(len(driver.find_elements(By.CSS_SELECTOR, ".alerts-banner li, section.slo")) > 0, "the model's page shows its alerts")

        # Silence a firing alert from the page, then expire the silence; a form without the page's token is refused.
        open_page(driver, base + "/alerts", "alerts-before-silence", artifacts)
        status = driver.execute_script(
            "return fetch('/actions/silence', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},"
            " body: 'csrf=forged&matcher=alertname%3D%22X%22&duration=1h&comment=x'}).then(r => r.status)"
        )
        check(status == 403, f"an action without the page's form token is refused: {status}")
        driver.get_log("browser")  # the refusal's 403 is expected
        rows = driver.find_elements(By.CSS_SELECTOR, "table#alerts tr[data-state=firing]")
        check(len(rows) > 0, "a firing alert can be silenced from the page")
        if rows:
            fingerprint = rows[0].get_attribute("id")[len("alert-"):]
            rows[0].find_element(By.CSS_SELECTOR, "details.act summary").click()
            rows[0].find_element(By.NAME, "comment").send_keys("investigating <b>the drift</b>")
            rows[0].find_element(By.CSS_SELECTOR, "details.act button[type=submit]").click()
            WebDriverWait(driver, 20).until(lambda d: "fingerprint=" in d.current_url)
            driver.save_screenshot(f"{artifacts}/alerts-silenced.png")
            console_errors(driver, "alerts-silenced")
            row = driver.find_element(By.ID, "alert-" + fingerprint)
            check("silenced" in row.text, f"the silenced alert is marked: {row.text!r}")
            check(row.get_attribute("aria-current") == "true", "the page marks the alert it came back for")
            active = driver.find_elements(By.CSS_SELECTOR, "table#silences tr[data-state=active]")
            check(len(active) == 1 and "investigating <b>the drift</b>" in active[0].text, f"the silence is listed with its reason as text: {[r.text for r in active]}")
            if active:
                silence = active[0].get_attribute("data-silence")
                active[0].find_element(By.CSS_SELECTOR, "button[type=submit]").click()
                WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"table#silences tr[data-silence='{silence}'][data-state=expired]"))
                check(True, "expiring the silence from the page ends it")
                console_errors(driver, "silence-expired")

        # A hook run waiting for approval is approved from the page, then runs.
        open_page(driver, base + "/alerts", "alerts-hooks", artifacts)
        waiting = driver.find_elements(By.CSS_SELECTOR, "table#hook-runs tr[data-hook-state=awaiting_approval]")
        check(len(waiting) > 0, "a hook run waits for approval on the alerts page")
        if waiting:
            run = waiting[0].get_attribute("data-hook-run")
            waiting[0].find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            deadline = time.time() + 30
            state = None
            while time.time() < deadline:
                driver.get(base + "/alerts")
                rows = driver.find_elements(By.CSS_SELECTOR, f"table#hook-runs tr[data-hook-run='{run}']")
                state = rows[0].get_attribute("data-hook-state") if rows else None
                if state == "succeeded":
                    break
                time.sleep(1)
            check(state == "succeeded", f"the approved hook ran: {state}")
            if state == "succeeded":
                check("approved by" in rows[0].text, f"the run says who approved it: {rows[0].text!r}")
            console_errors(driver, "hook-approved")

        open_page(driver, base + "/slos", "slos", artifacts)
        check(len(driver.find_elements(By.CSS_SELECTOR, "section.slo svg.budget")) > 0, "the SLO page shows the budget left")
        check(len(driver.find_elements(By.CSS_SELECTOR, "section.slo svg.timeseries path.line")) > 0, "the SLO page draws the budget's burndown over the period")

        # Hostile names render as text and run nothing: segment values on the operational tab, feature names on the
        # data tab (the model has no reference, so its features' statistics are listed).
        for tab, kind in [("operational", "seg"), ("data", "feat")]:
            open_page(driver, f"{base}/models/{urllib.parse.quote(hostile_model)}?tab={tab}&range=15m", f"hostile-{tab}", artifacts)
            check(driver.execute_script("return window.__xss === undefined"), f"{tab}: no injected script ran")
            body = driver.find_element(By.TAG_NAME, "body").text
            for text in hostile_texts:
                prefix, shown = text.split(":", 1)
                if prefix == kind:
                    check(shown in body, f"{tab}: the hostile name {shown!r} is shown as text")

        # A phone: nothing wider than the screen but the tables' own scrollers.
        driver.set_window_size(390, 844)
        open_page(driver, f"{base}/models/{urllib.parse.quote(model)}?range=15m", "phone-model", artifacts)
        width = driver.execute_script("return document.documentElement.scrollWidth")
        check(width <= 400, f"the model page fits a phone's width: {width}px")
    finally:
        driver.quit()


def signin(base, artifacts, token):
    driver = browser()
    try:
        driver.get(base + "/alerts?range=6h")
        WebDriverWait(driver, 20).until(lambda d: "/signin" in d.current_url)
        check("/signin" in driver.current_url, "a page without a token leads to the sign-in")
        driver.save_screenshot(f"{artifacts}/signin.png")
        console_errors(driver, "signin")
        driver.find_element(By.NAME, "token").send_keys("not-a-token")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".problem"))
        check("not valid" in driver.find_element(By.CSS_SELECTOR, ".problem").text, "a wrong token is refused with a message")
        driver.get_log("browser")  # the refusal's 401 is expected
        driver.find_element(By.NAME, "token").send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, 20).until(lambda d: "/signin" not in d.current_url)
        check("/alerts?range=6h" in driver.current_url, f"signing in returns to the page asked for: {driver.current_url}")
        console_errors(driver, "signed-in-alerts")
        driver.get(base + "/")
        console_errors(driver, "signed-in-models")
        check(driver.find_element(By.TAG_NAME, "h1").text == "Models", "signed in, the models page shows")
        cookie = driver.get_cookie("vigil_token")
        check(cookie is not None and cookie.get("httpOnly") is True and cookie.get("sameSite") == "Strict", f"the cookie is HttpOnly and SameSite=Strict: {cookie}")
        status = driver.execute_script(
            "return fetch('/v1/silences', {method: 'POST', credentials: 'include', headers: {'Content-Type': 'application/json'},"
            " body: JSON.stringify({matchers: ['alertname=X'], endsAt: '2099-01-01T00:00:00Z', createdBy: 'x', comment: 'x'})}).then(r => r.status)"
        )
        check(status == 401, f"the cookie alone does not authorize a change: {status}")
    finally:
        driver.quit()


if __name__ == "__main__":
    mode, base, artifacts = sys.argv[1:4]
    try:
        if mode == "pages":
            pages(base, artifacts, sys.argv[4], sys.argv[5], sys.argv[6:])
        else:
            signin(base, artifacts, sys.argv[4])
    except TimeoutException as error:
        failures.append(f"timed out: {error}")
        print("FAIL: timed out waiting for the page", flush=True)
    print(json.dumps({"checks": checks, "failures": len(failures)}))
    sys.exit(1 if failures else 0)
