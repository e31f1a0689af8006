"""A real browser (Debian's Chromium, driven by Playwright) against a real uvicorn serving
demo data. Playwright cannot download browsers here, so it launches /usr/bin/chromium (or
PIEZO_CHROMIUM). Without Chromium the tests skip with how to enable them; under CI=true
they fail instead."""

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from apps.monitoring import services
from tests.plugins.database import IN_CI
from tests.support.server import BASE_DIR, UvicornServer

ARTIFACTS = BASE_DIR / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # This machine has no network beyond loopback: keep Chromium from trying.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    candidate = os.environ.get("PIEZO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else None


@pytest.fixture
def browser(monkeypatch):
    path = chromium_path()
    if path is None:
        message = (
            "Chromium not found: install it (Debian: apt-get install chromium) "
            "or set PIEZO_CHROMIUM."
        )
        if IN_CI:
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop on this thread, which makes Django refuse
    # the test's own (sync) ORM calls. Allow them while the browser is open; the server
    # under test is another process and keeps Django's check.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ConsoleWatcher:
    """Collects console errors and uncaught page errors of every page it watches."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page) -> None:
        page.on(
            "console", lambda m: m.type == "error" and self.errors.append(f"{page.url}: {m.text}")
        )
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))


@pytest.fixture
def pages(browser):
    """New pages in one browser context, each watched for console errors, which the test
    must leave with none."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watcher = ConsoleWatcher()
    created = []

    def new_page():
        page = context.new_page()
        watcher.watch(page)
        created.append(page)
        return page

    new_page.watcher = watcher
    yield new_page
    context.close()
    assert watcher.errors == [], watcher.errors


@pytest.fixture
def site(transactional_db):
    """Demo data served by a real uvicorn (one worker: live events in memory)."""
    services.demo_seed(
        seed=12, wells=40, years=3, transducer_wells=2, transducer_days=60, end=date.today()
    )
    server = UvicornServer().start()
    yield server
    server.stop()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
