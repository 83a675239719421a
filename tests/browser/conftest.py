"""Real Chromium (Debian's) driven by Playwright against the app served on 127.0.0.1.

The server is a second app instance with CSRF on, sharing the test database, so tests seed
data through the ``db`` fixture, commit, and then browse like an officer would.
"""
from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from oversight.app import create_app
from tests.conftest import PASSWORD, config_for_tests

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(app):
    server_app = create_app(config_for_tests(WTF_CSRF_ENABLED=True))
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:  # make test installs it; never skip silently
        pytest.fail("Chromium saknas: installera Debians paket 'chromium' (make test gör det som root).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def sign_in(page, live_server):
    def _sign_in(username: str, password: str = PASSWORD):
        page.goto(f"{live_server}/login")
        page.get_by_label("Användarnamn").fill(username)
        page.get_by_label("Lösenord").fill(password)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(f"{live_server}/")
    return _sign_in


@pytest.fixture
def sign_out(page):
    def _sign_out():
        page.get_by_role("button", name="Logga ut").click()
        page.wait_for_url("**/login")
    return _sign_out


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(page, axe):
    """axe-core on the current page: no serious or critical WCAG 2.1 A/AA violations."""
    def _check():
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": [
            "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        details = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad]
        assert not bad, f"{page.url}: {details}"
    return _check
