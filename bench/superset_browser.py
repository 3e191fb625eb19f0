"""Opens the HDMS dashboard in Superset as a person would (headless Chromium, the system's) and checks
that each chart drew something: a canvas (ECharts), a table with rows, or a big number; no error
and no "No results" in any chart. Saves a screenshot of the whole dashboard.

    python bench/superset_browser.py --url http://127.0.0.1:19288 --password ... --screenshot out.png
        [--user admin] [--dashboard hdms] [--min-charts 6]

Runs with the desk's virtual environment (Playwright's Python package, never a downloaded browser:
CHROMIUM_PATH, default /usr/bin/chromium). Exits 1 if a chart is missing, empty or failed.
"""

import argparse
import os
import sys
import time

from playwright.sync_api import Page, sync_playwright

# What each chart drew, read in the page: its kind, canvases, table rows, big number, error text.
DRAWN = """charts => charts.map(chart => {
  const body = chart.querySelector('.slice_container') || chart;
  const text = body.innerText || '';
  return {
    name: chart.getAttribute('data-test-chart-name'),
    viz: chart.getAttribute('data-test-viz-type'),
    canvases: body.querySelectorAll('canvas').length,
    rows: body.querySelectorAll('table tbody tr').length,
    number: (body.querySelector('.header-line') || {}).innerText || '',
    failed: !!body.querySelector('[role=alert], .alert-danger, .ant-alert-error')
            || /No results were returned|Unexpected error/.test(text),
  };
})"""


def sign_in(page: Page, url: str, user: str, password: str) -> None:
    page.goto(f"{url}/login/")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("[type=submit]")
    page.wait_for_url(lambda address: "/login" not in address, timeout=60_000)


def main() -> int:
    parser = argparse.ArgumentParser(description="Check that every chart of the HDMS dashboard draws in a browser.")
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", required=True)
    parser.add_argument("--dashboard", default="hdms")
    parser.add_argument("--min-charts", type=int, default=6)
    parser.add_argument("--screenshot", required=True)
    args = parser.parse_args()
    url = args.url.rstrip("/")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            sign_in(page, url, args.user, args.password)
            started = time.monotonic()
            page.goto(f"{url}/superset/dashboard/{args.dashboard}/?standalone=1")
            page.wait_for_selector("[data-test-chart-name]", timeout=60_000)
            # Until every chart drew (or a minute passed): loading spinners gone, content there.
            deadline = time.monotonic() + 60
            while True:
                drawn = page.eval_on_selector_all("[data-test-chart-name]", DRAWN)
                done = all(c["canvases"] or c["rows"] or c["number"] or c["failed"] for c in drawn)
                if (done and not page.locator(".loading").count()) or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            seconds = time.monotonic() - started
            page.wait_for_timeout(1000)  # the charts' entry animations, for the picture
            page.screenshot(path=args.screenshot, full_page=True)
        finally:
            browser.close()

    print(f"Dashboard in the browser: {len(drawn)} charts drawn in {seconds:.1f} s; screenshot {args.screenshot}")
    print(f"{'chart':34} {'kind':24} {'drew':24} result")
    failures = passed = 0
    for chart in drawn:
        what = (f"{chart['canvases']} canvas" if chart["canvases"] else f"{chart['rows']} table rows" if chart["rows"]
                else f"number {chart['number']}" if chart["number"] else "nothing")
        ok = not chart["failed"] and what != "nothing"
        failures += not ok
        passed += ok
        print(f"{chart['name']:34} {chart['viz']:24} {what:24} {'pass' if ok else 'FAIL'}")
    if len(drawn) < args.min_charts:
        print(f"FAIL: {len(drawn)} charts on the dashboard, fewer than {args.min_charts}")
        failures += 1
    print(f"{passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
