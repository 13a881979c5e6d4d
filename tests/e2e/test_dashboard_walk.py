"""Every dashboard page each role can reach, on an empty store, the demo and a larger store.

As each demo role (board roles on the store's busiest board) and signed out, the walk starts from the overview,
every page of the navigation (also those the role may not read: their refusal page is a page too) and the pages
the filter forms reach (a search, a reporting year), and follows every dashboard link it finds, breadth first,
with the role's session cookie. A page of a shape already seen is opened once (a review page per stage would be
hundreds). It fails on any 5xx, of a page or of a CSV download. Then, in one Chromium, axe-core checks each page
shape of the empty store and of the demo for WCAG 2.2 AA (tags wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa),
as the first role that reached it, and the walk fails on any violation. (The larger store's pages are the demo's
shapes, only longer: they are walked for 5xx only, which keeps the walk within its minute.)

axe-core comes from PyPI, since npm is not reachable here: axe-playwright-python bundles axe.min.js (0.1.8:
axe-core 4.12.1). The pages allow no script, so axe is evaluated through the DevTools protocol (Playwright's
evaluate); nothing is added to the pages."""

from __future__ import annotations

import html
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from benchmarks.dataset import generate
from domain.values import Role
from service.application import open_application
from service.cli.demo_data import load_demo
from service.dashboard.routes import PAGES
from service.dashboard.session import COOKIE, PATH
from service.tokens import issue_token
from tests.e2e.server import SECRET, Server

AXE = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ROLES = [
    (Role.BOARD_MANAGER, None),
    (Role.BOARD_CHAIR, None),
    (Role.AGENCY_LEAD, "police"),
    (Role.AUDITOR, None),
    (Role.NATIONAL_PANEL, None),
    (Role.ADMIN, None),
]
# Pages reached by the filter forms rather than by links
FORMS = [
    "/dashboard/search?q=fathers",
    "/dashboard/search?theme=working_with_fathers",
    "/dashboard/search?q=joint+working",
    "/dashboard/statistics?year=2013-14",
    "/dashboard/annual-report?year=2013-14",
    "/dashboard/reviews?overdue=yes",
    "/dashboard/reviews/00000000-0000-4000-8000-000000000000",  # not found
]
PER_SHAPE = 1
_HREF = re.compile(r'href="([^"]+)"')
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Store:
    """A running service on one store, and the board its board roles sign in to."""

    name: str
    server: Server
    board: str


@dataclass
class Findings:
    """What the walk found: server errors, axe violations, and how much it saw."""

    server_errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    pages: int = 0
    checked: int = 0


def start(data: Path, name: str, board: str) -> Store:
    """The service on the store at data/scr.sqlite3, its read models caught up with the whole log."""
    database = data / "scr.sqlite3"
    server = Server(f"sqlite:///{database}", data)
    server.start()
    with sqlite3.connect(database) as connection:
        (head,) = connection.execute("SELECT COALESCE(MAX(rowid), 0) FROM stored_events").fetchone()
    with server.client(Role.NATIONAL_PANEL) as panel:
        assert panel.get("/reviews", params={"min_position": head}, timeout=120).status_code == 200
    return Store(name, server, board)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Store]]:
    """An empty store; the demo (`scr demo load`); the demo and about 80 synthetic reviews through every stage
    on three more boards (board roles read the busiest, board-000)."""
    empty = tmp_path_factory.mktemp("walk-empty")
    demo = tmp_path_factory.mktemp("walk-demo")
    large = tmp_path_factory.mktemp("walk-large")
    loading = Server(f"sqlite:///{demo / 'scr.sqlite3'}", demo)
    subprocess.run([sys.executable, "-m", "service.cli", "demo", "load"], env=loading.env, check=True)
    app = open_application(f"sqlite:///{large / 'scr.sqlite3'}")
    try:
        load_demo(app)
        generate(app, 8_000, boards=3)
    finally:
        app.close()
    running: list[Store] = []
    try:
        running.append(start(empty, "empty", "durham"))
        running.append(start(demo, "demo", "durham"))
        running.append(start(large, "large", "board-000"))
        yield running
    finally:
        for store in running:
            store.server.stop()


def shape(url: str) -> str:
    """A page's shape: its path with ids replaced, and its query's names (not their values)."""
    parts = urlsplit(url)
    names = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return _ID.sub("{id}", parts.path) + ("?" + "&".join(names) if names else "")


def token(store: Store, role: Role, agency: str | None) -> str:
    board = store.board if role in (Role.BOARD_MANAGER, Role.BOARD_CHAIR, Role.AGENCY_LEAD, Role.AUDITOR) else None
    return issue_token(SECRET, user=f"{role}@walk", role=role, board=board, agency=agency)


def crawl(store: Store, role: Role | None, agency: str | None, findings: Findings) -> list[str]:
    """Every page the role reaches (at most PER_SHAPE of a shape) and each kind of CSV download, fetched as the
    browser would (with the role's cookie); the pages that answered HTML, in the order reached."""
    cookies = {} if role is None else {COOKIE: token(store, role, agency)}
    who = f"{store.name}/{role or 'signed out'}"
    seeds = ["/dashboard/sign-in"] if role is None else ["/dashboard", *(PATH + path for _, path, _ in PAGES), *FORMS]
    queue, seen, shapes, pages = list(seeds), set(seeds), Counter[str](), []
    with httpx.Client(base_url=store.server.base, cookies=cookies, timeout=60, follow_redirects=True) as client:
        while queue:
            path = queue.pop(0)
            if shapes[shape(path)] >= PER_SHAPE:
                continue
            shapes[shape(path)] += 1
            response = client.get(path)
            findings.pages += 1
            if response.status_code >= 500:
                findings.server_errors.append(f"{who} {path}: {response.status_code}")
                continue
            if "/csv/" in path or not response.headers["content-type"].startswith("text/html"):
                continue
            pages.append(path)
            for href in _HREF.findall(response.text):
                target = urlsplit(urljoin(store.server.base + path, html.unescape(href)))
                found = target.path + (f"?{target.query}" if target.query else "")
                if (
                    target.netloc == urlsplit(store.server.base).netloc
                    and target.path.startswith(PATH)
                    and not target.path.endswith(("/sign-out", ".css"))
                    and found not in seen
                ):
                    seen.add(found)
                    queue.append(found)
    return pages


def axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 AA violations on the page as it stands."""
    page.evaluate(AXE)
    found: list[dict[str, Any]] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(results => results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
        WCAG_22_AA,
    )
    return found


def audit(
    browser: Browser, store: Store, reached: list[tuple[Role | None, str | None, str]], findings: Findings
) -> None:
    """axe on each page shape of the store, opened in Chromium as the first role that reached it."""
    audited: set[str] = set()
    tabs: dict[Role | None, tuple[BrowserContext, Page]] = {}
    try:
        for role, agency, path in reached:
            if shape(path) in audited:
                continue
            audited.add(shape(path))
            if role not in tabs:
                context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
                context.set_default_timeout(30_000)
                if role is not None:
                    cookie = {"name": COOKIE, "value": token(store, role, agency), "domain": "127.0.0.1", "path": PATH}
                    context.add_cookies([cookie])
                tabs[role] = (context, context.new_page())
            page = tabs[role][1]
            page.goto(store.server.base + path)
            findings.checked += 1
            findings.violations += [f"{store.name}/{role or 'signed out'} {path}: {v}" for v in axe(page)]
    finally:
        for context, _ in tabs.values():
            context.close()


def test_every_page_every_role_reaches_answers_without_a_server_error_and_meets_wcag_2_2_aa(
    browser: Browser, stores: list[Store]
) -> None:
    findings = Findings()
    for store in stores:
        reached = [
            (role, agency, path)
            for role, agency in [(None, None), *ROLES]
            for path in crawl(store, role, agency, findings)
        ]
        if store.name != "large":  # the larger store's pages have the demo's shapes, only longer: 5xx only
            audit(browser, store, reached, findings)
    assert findings.server_errors == []
    assert findings.violations == [], "\n".join(findings.violations)
    assert findings.checked > 2 * len(PAGES)  # axe saw the pages of both stores, not only refusals
