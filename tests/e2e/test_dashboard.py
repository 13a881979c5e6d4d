"""The dashboard in a real headless Chromium (Debian's, driven by Playwright) against the real service with the demo.

Each role signs in, opens its pages, and the figures shown are checked against the API's JSON for the same
demo data; another board's review is unreachable; no page logs a browser console error. Screenshots of each
page go to a temporary folder, or to docs/screenshots/ with SCR_SAVE_SCREENSHOTS=1 (`make screenshots`)."""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from domain.values import Role
from service.cli.demo import DEMO_USERS
from service.dashboard.labels import rule_label
from service.dashboard.session import COOKIE
from service.dashboard.tables import long_date, pounds
from service.tokens import issue_token
from tests.e2e.server import SECRET, Client, Server

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
M, C, L, A, P, ADM = (
    Role.BOARD_MANAGER,
    Role.BOARD_CHAIR,
    Role.AGENCY_LEAD,
    Role.AUDITOR,
    Role.NATIONAL_PANEL,
    Role.ADMIN,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The service on an SQLite file with the demo loaded, its read models caught up with the whole log."""
    data = tmp_path_factory.mktemp("dashboard")
    database = data / "scr.sqlite3"
    running = Server(f"sqlite:///{database}", data)
    subprocess.run([sys.executable, "-m", "service.cli", "demo", "load"], env=running.env, check=True)
    with sqlite3.connect(database) as connection:
        (head,) = connection.execute("SELECT MAX(rowid) FROM stored_events").fetchone()
    running.start()
    try:
        with running.client(P) as panel:
            assert panel.get("/reviews", params={"min_position": head}).status_code == 200
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go."""
    if os.environ.get("SCR_SAVE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")


class Visit:
    """A browser tab signed in (or not) as one role, recording every console error and uncaught exception."""

    def __init__(self, browser: Browser, server: Server, shots: Path) -> None:
        self.server, self.shots = server, shots
        self.context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(5_000)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def sign_in(self, role: Role, agency: str | None = None) -> Visit:
        """Sign in by pasting a token into the sign-in form, as the demo user of the role (board roles on Durham)."""
        self.submit_sign_in(demo_token(role, agency))
        return self

    def submit_sign_in(self, pasted: str, status: int = 200) -> Page:
        """Open the sign-in form, paste a token or code and submit it, expecting the final page's status."""
        self.open("/dashboard/sign-in")
        self.page.fill("#token", pasted)
        with self.page.expect_navigation() as navigation:
            self.page.click("button[type=submit]")
        response = navigation.value
        assert response is not None
        assert response.status == status, self.page.content()[:2000]
        if status != 200:
            expected = f"the server responded with a status of {status}"
            self.errors = [error for error in self.errors if expected not in error]
        return self.page

    def session_cookies(self) -> list[Any]:
        """The browser's session cookie, if any (the sign-in form's CSRF nonce cookie is not a session)."""
        return [cookie for cookie in self.context.cookies() if cookie["name"] == COOKIE]

    def open(self, path: str, status: int = 200) -> Page:
        """Open a page, expecting its status; a refusal page's own load error is the only console error allowed."""
        response = self.page.goto(self.server.base + path)
        assert response is not None
        assert response.status == status, self.page.content()[:2000]
        if status != 200:
            expected = f"the server responded with a status of {status}"
            self.errors = [error for error in self.errors if expected not in error]
        return self.page

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    def table(self, name: str) -> list[dict[str, str]]:
        """A table's body rows as {column key: cell text}."""
        return self.page.eval_on_selector_all(
            f"#table-{name} tbody tr",
            """rows => rows.filter(r => r.querySelector('[data-key]')).map(r => Object.fromEntries(
                [...r.querySelectorAll('[data-key]')].map(c => [c.dataset.key, c.innerText.trim()])))""",
        )

    def csv(self, name: str) -> list[dict[str, str]]:
        """The table's CSV download, fetched with this tab's cookie."""
        link = self.page.locator(f"a[href*='/csv/{name}']").first.get_attribute("href")
        response = self.page.request.get(self.server.base + str(link))
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/csv")
        return list(csv.DictReader(io.StringIO(response.body().decode("utf-8-sig"))))

    def close(self) -> None:
        self.context.close()
        assert self.errors == [], self.errors


@pytest.fixture
def visit(browser: Browser, server: Server, shots: Path) -> Iterator[Visit]:
    """A fresh browser tab; after the test, its console must have logged no error."""
    tab = Visit(browser, server, shots)
    yield tab
    tab.close()


def demo_token(role: Role, agency: str | None = None) -> str:
    """A token for the demo user of a role, named as `make run` names them."""
    user, _, board, default_agency = next(user[1:] for user in DEMO_USERS if user[2] is role)
    return issue_token(SECRET, user=user, role=role, board=board, agency=agency or default_agency)


def api(server: Server, role: Role, path: str, **params: Any) -> Any:
    """The API's JSON answer for a role (board roles on Durham; the agency lead leads for the police)."""
    client: Client
    with server.client(role) as client:
        response = client.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()


def review_id(server: Server, case_ref: str) -> str:
    return next(row["review_id"] for row in api(server, P, "/reviews") if row["case_ref"] == case_ref)


def text(page: Page, selector: str) -> str:
    return page.inner_text(selector).strip()


# ---- signing in --------------------------------------------------------------------------------------------


def test_given_a_pasted_token_when_signing_in_then_the_overview_shows_who_you_are_and_sign_out_forgets_it(
    visit: Visit,
) -> None:
    page = visit.open("/dashboard", 200)  # redirected to the sign-in form
    assert page.url.startswith(visit.server.base + "/dashboard/sign-in")
    visit.shot("sign-in")
    page.fill("#token", demo_token(C))
    page.click("button[type=submit]")
    assert text(page, "[data-key=user]") == "chair@durham"
    assert text(page, "[data-key=role]") == "Board chair"
    assert text(page, "[data-key=board]") == "durham"
    (cookie,) = visit.context.cookies()
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/dashboard")
    visit.shot("overview")
    page.click("text=Sign out")
    assert "You have signed out." in page.content()
    assert visit.session_cookies() == []
    visit.open("/dashboard/reviews")
    assert page.url.startswith(visit.server.base + "/dashboard/sign-in")


def test_given_a_forged_token_when_signing_in_then_the_form_says_it_was_refused(visit: Visit) -> None:
    page = visit.submit_sign_in("not-a-token", 401)
    assert "There is a problem" in text(page, ".error-summary")
    assert visit.session_cookies() == []


def test_given_a_cookie_whose_token_no_longer_verifies_a_page_asks_to_sign_in_again(visit: Visit) -> None:
    forged = issue_token("another-secret-that-is-long-enough-for-hs256", user="x", role=C, board="durham")
    visit.context.add_cookies([{"name": COOKIE, "value": forged, "domain": "127.0.0.1", "path": "/dashboard"}])
    page = visit.open("/dashboard/reviews?stage=initiated")
    assert "Your sign-in has expired" in text(page, ".notification")
    assert page.input_value("input[name=next]") == "/dashboard/reviews?stage=initiated"
    assert visit.session_cookies() == []


def test_the_skip_link_is_the_first_thing_the_keyboard_reaches_and_jumps_to_the_main_content(visit: Visit) -> None:
    page = visit.sign_in(M).open("/dashboard/reviews")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


# ---- the reviews board ---------------------------------------------------------------------------------------


def test_given_a_board_chair_the_reviews_board_lists_the_boards_reviews_as_the_api_does(visit: Visit) -> None:
    page = visit.sign_in(C).open("/dashboard/reviews")
    visit.shot("reviews-board-chair")
    expected = api(visit.server, C, "/reviews")
    shown = visit.table("reviews")
    assert [row["case_ref"] for row in shown] == [row["case_ref"] for row in expected]
    for row, answer in zip(shown, expected, strict=True):
        assert row["stage"] == answer["stage"].replace("_", " ").capitalize()
        assert row["child_pseudonym"] == answer["child_pseudonym"]
        assert row["next_deadline_due_on"] == long_date((answer["next_deadline"] or {}).get("due_on"))
        # Overdue rules say so in words, not by colour alone.
        assert row["overdue_rules"].count("Overdue") == len(answer["overdue_rules"])
        assert len([hold for hold in row["active_legal_holds"].splitlines() if hold != "None"]) == len(
            answer["active_legal_holds"]
        )
    assert text(page, "#count-overdue").startswith(str(sum(1 for row in expected if row["overdue_rules"])))


def test_given_the_overdue_filter_the_reviews_board_shows_what_the_api_filters(visit: Visit) -> None:
    page = visit.sign_in(M).open("/dashboard/reviews")
    page.select_option("#filter-overdue", "yes")
    page.select_option("#filter-regime", "cspr-2018")
    page.click("text=Apply filters")
    assert "overdue=yes" in page.url
    expected = api(visit.server, M, "/reviews", overdue="true", regime="cspr-2018")
    assert expected
    assert [row["case_ref"] for row in visit.table("reviews")] == [row["case_ref"] for row in expected]
    assert [row["case_ref"] for row in visit.csv("reviews")] == [row["case_ref"] for row in expected]


def test_given_the_national_panel_the_reviews_board_spans_every_board_without_child_details(visit: Visit) -> None:
    page = visit.sign_in(P).open("/dashboard/reviews")
    visit.shot("reviews-board-national-panel")
    expected = api(visit.server, P, "/reviews")
    shown = visit.table("reviews")
    assert {row["board_id"] for row in shown} == {"birmingham", "bradford", "coventry", "durham"}
    assert [(row["board_id"], row["case_ref"]) for row in shown] == [(r["board_id"], r["case_ref"]) for r in expected]
    assert "Child" not in page.eval_on_selector_all("#table-reviews thead th", "cells => cells.map(c => c.innerText)")
    downloaded = visit.csv("reviews")
    assert len(downloaded) == len(expected)
    assert not [column for column in downloaded[0] if column.startswith("child_")]


# ---- one review ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [C, A])
def test_given_a_chair_or_auditor_a_review_page_shows_facts_timeline_timeliness_costs_and_audit_status_as_the_api(
    visit: Visit, role: Role
) -> None:
    server = visit.server
    found = review_id(server, "DSCP-G")
    page = visit.sign_in(role).open(f"/dashboard/reviews/{found}")
    if role is C:
        visit.shot("review")
    history = api(server, role, f"/reviews/{found}/history")
    assert page.locator("#events > li").count() == len(history)
    assert "Anonymised report agreed with the coroner's officer" in text(page, "#events")
    assert "Coroner inquest (Inquest into the death of Child G): placed" in text(page, ".spans")
    rules = api(server, role, f"/reviews/{found}/timeliness")
    shown = visit.table("timeliness")
    assert [row["status"] for row in shown] == [rule["status"].replace("_", " ").capitalize() for rule in rules]
    assert [row["days_overdue"] for row in shown] == [str(rule["days_overdue"]) for rule in rules]
    assert [row["legal_hold_days"] for row in shown] == [str(rule["legal_hold_days"]) for rule in rules]
    totals = api(server, role, f"/ledger/reviews/{found}")["totals"]
    for key in ("committed_pence", "invoiced_pence", "paid_pence"):
        assert text(page, f"#cost-totals [data-key={key}]") == pounds(totals[key])
    checkpoint = api(server, A, "/audit/checkpoints/latest")
    assert text(page, "#audit-status .tag") == "Verified"
    assert text(page, "#audit-status [data-key=root_hash]") == checkpoint["root_hash"]
    assert text(page, "#audit-status [data-key=checkpoint_size]").startswith(f"{checkpoint['size']} events")
    assert [row["rule"] for row in visit.csv("timeliness")] == [rule["rule"] for rule in rules]


def test_given_the_national_panel_a_review_page_shows_no_child_details_history_or_costs(visit: Visit) -> None:
    found = review_id(visit.server, "DSCP-F")
    page = visit.sign_in(P).open(f"/dashboard/reviews/{found}")
    facts = page.eval_on_selector_all(".summary-list dt", "cells => cells.map(c => c.innerText)")
    assert "Case reference" in facts
    assert "Child" not in facts
    assert "Child F" not in text(page, "#main-content")
    assert "Your role may not see the decision history" in text(page, "#main-content")
    assert "Your role may not see this review's costs" in text(page, "#main-content")
    rules = api(visit.server, P, f"/reviews/{found}/timeliness")
    assert [row["days_overdue"] for row in visit.table("timeliness")] == [str(r["days_overdue"]) for r in rules]


def test_given_a_board_manager_a_review_page_leaves_out_the_history_the_api_keeps_from_managers(
    visit: Visit,
) -> None:
    found = review_id(visit.server, "DSCP-E")
    page = visit.sign_in(M).open(f"/dashboard/reviews/{found}")
    assert "Your role may not see the decision history" in text(page, "#main-content")
    assert page.locator("#events").count() == 0
    assert "Overdue" in text(page, "#overdue-warning")
    assert "Police investigation (Operation Harbour)" in text(page, "#holds-warning")


def test_another_boards_review_is_not_found_in_the_page_and_in_its_csv(visit: Visit) -> None:
    birmingham = review_id(visit.server, "BSCB-2008-01")
    page = visit.sign_in(C).open(f"/dashboard/reviews/{birmingham}", 404)
    assert text(page, "h1") == "Page not found"
    visit.shot("not-found")
    assert visit.page.request.get(f"{visit.server.base}/dashboard/reviews/{birmingham}/csv/timeliness").status == 404
    assert "BSCB-2008-01" not in text(visit.open("/dashboard/reviews"), "#main-content")


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (L, "/dashboard/reviews"),
        (L, "/dashboard/timeliness"),
        (ADM, "/dashboard/reviews"),
        (P, "/dashboard/costs"),
        (A, "/dashboard/costs?board=coventry"),
    ],
)
def test_a_page_the_role_may_not_read_answers_with_a_403_page(visit: Visit, role: Role, path: str) -> None:
    page = visit.sign_in(role).open(path, 403)
    assert text(page, "h1") == "You cannot see this page"
    if role is L and path.endswith("reviews"):
        visit.shot("forbidden")


# ---- figures -------------------------------------------------------------------------------------------------


def test_given_the_national_panel_timeliness_per_rule_and_board_matches_the_api(visit: Visit) -> None:
    page = visit.sign_in(P).open("/dashboard/timeliness")
    visit.shot("timeliness-national-panel")
    expected = api(visit.server, P, "/timeliness")
    national = expected["national"]
    shown = {row["rule"]: row for row in visit.table("rules")}
    assert len(shown) == len(national["rules"])
    for rule, counts in national["rules"].items():
        row = next(row for label, row in shown.items() if label == rule_label(rule))
        assert (row["within_deadline"], row["late"]) == (str(counts["within_deadline"]), str(counts["late"]))
    boards = {row["board_id"]: row for row in visit.table("boards")}
    assert set(boards) == {figures["board_id"] for figures in expected["boards"]}
    for figures in expected["boards"]:
        accepted = figures["days_initiation_to_acceptance"]
        assert boards[figures["board_id"]]["acceptance_count"] == str(accepted["count"])
    accepted = national["days_initiation_to_acceptance"]
    assert f"median {accepted['median']:g} days to acceptance" in text(page, "#durations-summary")
    # The charts are drawn on the server and say what they show; their bars count the same reviews.
    label = page.get_attribute("#chart-acceptance svg", "aria-label") or ""
    assert sum(int(count) for count in words_counts(label)) == accepted["count"]
    assert page.locator("#chart-rules svg[role=img]").count() == 1
    rows = visit.csv("board_rules")
    assert {row["board_id"] for row in rows} == {figures["board_id"] for figures in expected["boards"]}


def words_counts(label: str) -> list[str]:
    """The counts said in a duration chart's description: 'durham: 0 up to 6 months, 2 6 to 12 months, ...'."""
    counts = []
    for series in label.split(". ", 1)[1].split("; "):
        counts += [part.split()[0] for part in series.split(": ", 1)[1].split(", ")]
    return counts


@pytest.mark.parametrize(
    ("role", "board", "year"),
    [(M, "durham", "2025-26"), (M, "durham", "2013-14"), (ADM, "coventry", "2012-13")],
)
def test_the_cost_ledger_shows_contributions_against_spend_as_the_api_reports_them(
    visit: Visit, role: Role, board: str, year: str
) -> None:
    query = f"financial_year={year}" + ("" if role is M else f"&board={board}")
    page = visit.sign_in(role).open(f"/dashboard/costs?{query}")
    expected = api(visit.server, role, f"/ledger/boards/{board}", financial_year=year)
    assert text(page, "#ledger-totals [data-key=contributions]") == pounds(expected["contributions"]["total_pence"])
    for key in ("committed_pence", "invoiced_pence", "paid_pence"):
        assert text(page, f"#ledger-totals [data-key={key}]") == pounds(expected["spend"]["totals"][key])
    assert text(page, "#ledger-totals [data-key=balance_pence]").startswith(pounds(expected["balance_pence"]))
    assert [row["case_ref"] for row in visit.table("spend_by_review")] == [
        row["case_ref"] for row in expected["spend"]["by_review"]
    ]
    rows = [row for row in visit.csv("spend_by_review") if row["case_ref"] != "Total"]
    assert [(row["case_ref"], int(row["invoiced_pence"])) for row in rows] == [
        (row["case_ref"], row["invoiced_pence"]) for row in expected["spend"]["by_review"]
    ]
    contributions = {row["agency"]: int(row["amount_pence"]) for row in visit.csv("contributions")}
    assert contributions == {
        **expected["contributions"]["by_agency"],
        "Total": expected["contributions"]["total_pence"],
    }
    if role is ADM:
        visit.shot("cost-ledger")


def test_given_the_national_panel_learning_actions_come_overdue_first_with_counts_as_the_api(visit: Visit) -> None:
    visit.sign_in(P).open("/dashboard/learning-actions")
    visit.shot("learning-actions-national-panel")
    expected = api(visit.server, P, "/learning-actions")
    shown = visit.table("actions")
    assert len(shown) == len(expected)
    statuses = [row["status"] for row in shown]
    overdue = sum(1 for action in expected if action["status"] == "overdue")
    assert statuses[:overdue] == ["Overdue"] * overdue
    assert "Overdue" not in statuses[overdue:]
    by_agency = {row["agency"]: row for row in visit.table("by_agency")}
    for agency in {action["lead_agency"] for action in expected}:
        assert by_agency[agency]["total"] == str(sum(1 for a in expected if a["lead_agency"] == agency))


def test_given_an_agency_lead_the_learning_actions_page_shows_only_its_agencys_actions(visit: Visit) -> None:
    page = visit.sign_in(L, agency="police").open("/dashboard/learning-actions")
    visit.shot("learning-actions-agency-lead")
    expected = api(visit.server, L, "/learning-actions")
    assert expected
    assert {action["lead_agency"] for action in expected} == {"police"}
    shown = visit.table("actions")
    assert [row["lead_agency"] for row in shown] == ["police"] * len(expected)
    assert page.locator("#filter-agency").count() == 0
    assert [row["lead_agency"] for row in visit.csv("actions")] == ["police"] * len(expected)
    assert page.eval_on_selector_all("nav a", "a => a.map(x => x.innerText)") == [
        "Overview",
        "Learning actions",
    ]


# ---- learning and reporting ------------------------------------------------------------------------------------


def test_given_the_national_panel_a_search_from_the_form_finds_what_the_api_finds_with_matches_marked(
    visit: Visit,
) -> None:
    page = visit.sign_in(P).open("/dashboard/search")
    page.fill("#filter-q", "fathers")
    page.click("button:has-text('Search')")
    assert "q=fathers" in page.url
    visit.shot("search-national-panel")
    expected = api(visit.server, P, "/search", q="fathers")
    assert expected["total"] > 0
    assert text(page, "#match-count").startswith(f"{expected['total']} match")
    shown = page.locator(".search-result").count()
    assert shown == len(expected["results"])
    assert page.locator(".search-result__snippet mark").count() >= shown
    assert not re.search(r"\bChild [A-Z]\b", text(page, ".search-results"))  # no pseudonym (Child F) for the Panel


def test_the_statistics_page_shows_the_dfe_and_panel_counts_the_api_reports(visit: Visit) -> None:
    page = visit.sign_in(P).open("/dashboard/statistics?year=2025-26")
    visit.shot("statistics-national-panel")
    expected = api(visit.server, P, "/statistics/notifications", reporting_year="2025-26")
    assert expected["notifications_dfe"] > 0
    figures = page.eval_on_selector_all(".summary-list__row dd", "cells => cells.map(c => c.innerText.trim())")
    assert figures == [str(expected["notifications_dfe"]), str(expected["notifications_panel"])]
    total = next(row for row in visit.table("breakdowns") if row["breakdown_topic"] == "Total")
    assert total["total"] == str(expected["notifications_dfe"])
    header = visit.page.request.get(visit.server.base + "/dashboard/statistics/csv/dfe?year=2025-26").text()
    assert header.lstrip("\ufeff").splitlines()[0].startswith("time_period,time_identifier,geographic_level")


def test_given_a_board_chair_the_dissemination_page_lists_the_learning_the_api_lists(visit: Visit) -> None:
    visit.sign_in(C).open("/dashboard/dissemination")
    visit.shot("dissemination-board-chair")
    expected = api(visit.server, C, "/dissemination")
    assert expected["items"]
    assert [row["case_ref"] for row in visit.table("dissemination")] == [i["case_ref"] for i in expected["items"]]


def test_the_annual_report_prints_the_boards_year_as_the_api_reports_it(visit: Visit) -> None:
    page = visit.sign_in(P).open("/dashboard/annual-report?board=coventry&year=2013-14")
    visit.shot("annual-report")
    expected = api(visit.server, P, "/boards/coventry/annual-report", year="2013-14")
    counts = [row["count"] for row in visit.table("reviews")]
    assert counts == [str(value["count"]) for value in expected["reviews"].values()]
    for name in ("reviews", "timeliness", "costs", "actions", "themes", "dissemination"):
        assert page.locator(f"#table-{name}").count() == 1
    page.emulate_media(media="print")
    assert not page.locator(".service-nav").is_visible()  # the print stylesheet leaves the page's content only
