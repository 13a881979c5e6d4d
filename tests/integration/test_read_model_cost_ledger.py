"""Cost ledger on SQLite and PostgreSQL: commitments, reversals, staff time, and financial years around 1 April."""

from __future__ import annotations

import pytest

from domain.errors import InvalidValue
from projections.cost_ledger import board_ledger, costed_pence, financial_year, review_ledger
from tests.builders import record_bradford_hd, record_daniel_pelka, record_every_event
from tests.integration.read_model_support import ReadModels, models_fixture  # noqa: F401


def test_khyra_ishaqs_ledger_commits_the_reviewer_and_cancels_the_reversed_invoice(models: ReadModels) -> None:
    # Given an overview author commissioned for £12,000, a £2,500 invoice entered then reversed, 6.5 hours at £40
    rid = record_every_event(models.app)

    with models.read() as cursor:
        ledger = review_ledger(cursor, rid)

    assert ledger is not None
    assert ledger["totals"] == {"committed_pence": 1_200_000, "invoiced_pence": 0, "paid_pence": 0}
    assert ledger["by_category"] == {"lead_reviewer": ledger["totals"]}
    assert ledger["by_paying_agency"] == {"board": ledger["totals"]}
    commitment, invoice, reversal = ledger["entries"]
    assert (commitment["entry"], commitment["source"], commitment["paying_agency"]) == (
        "commitment",
        "reviewer_commissioned",
        "board",
    )
    assert (invoice["reversed"], invoice["reversed_by_position"], invoice["counted"]) == (
        True,
        reversal["position"],
        False,
    )
    assert (reversal["entry"], reversal["reverses_position"], reversal["counted"]) == (
        "reversal",
        invoice["position"],
        False,
    )
    assert (ledger["staff_time"]["hours"], ledger["staff_time"]["costed_pence"]) == (6.5, 26_000)
    assert ledger["staff_time"]["by_agency"] == {
        "health": {"hours": 6.5, "uncosted_hours": 0.0, "costed_pence": 26_000}
    }


def test_daniel_pelkas_spend_falls_either_side_of_1_april_2013(models: ReadModels) -> None:
    # Given payments on 31 March and 1 April 2013, an invoice of 29 March reversed on 3 April,
    # and contributions: police £5,000 in each year, the local authority £20,000 in 2013-14
    record_daniel_pelka(models.app)

    with models.read() as cursor:
        before = board_ledger(cursor, "coventry", "2012-13")
        after = board_ledger(cursor, "coventry", "2013-14")

    assert (before["from_on"], before["to_on"]) == ("2012-04-01", "2013-03-31")
    assert before["contributions"] == {"by_agency": {"police": 500_000}, "total_pence": 500_000}
    # 2012-13: the reviewer's £15,000 commitment, his £6,000 invoice, and £120 paid for the venue on 31 March
    assert before["spend"]["totals"] == {"committed_pence": 1_500_000, "invoiced_pence": 600_000, "paid_pence": 12_000}
    # the reversed legal-advice invoice is gone from its own year although reversed in the next
    assert set(before["spend"]["by_category"]) == {"lead_reviewer", "venue_admin"}
    assert before["balance_pence"] == 500_000 - 12_000
    # 2013-14: £6,000 paid to the reviewer on 2 April and £300 for the venue on 1 April
    assert after["contributions"]["total_pence"] == 2_500_000
    assert after["spend"]["totals"] == {"committed_pence": 0, "invoiced_pence": 0, "paid_pence": 630_000}
    assert after["balance_pence"] == 2_500_000 - 630_000
    [review] = after["spend"]["by_review"]
    assert (review["case_ref"], review["paid_pence"]) == ("DP-2012", 630_000)


def test_staff_time_is_costed_per_entry_rounding_half_pence_up(models: ReadModels) -> None:
    # Given 2.5 hours at 333p (832.5p), 0.25 hours at 2p (0.5p) and 3 hours with no rate
    rid = record_daniel_pelka(models.app)

    with models.read() as cursor:
        staff = review_ledger(cursor, rid)["staff_time"]  # type: ignore[index]
        by_year = [board_ledger(cursor, "coventry", year)["staff_time"] for year in ("2012-13", "2013-14")]

    assert staff["by_agency"]["police"] == {"hours": 2.5, "uncosted_hours": 0.0, "costed_pence": 833}
    assert staff["by_agency"]["health"] == {"hours": 0.25, "uncosted_hours": 0.0, "costed_pence": 1}
    assert staff["by_agency"]["education"] == {"hours": 3.0, "uncosted_hours": 3.0, "costed_pence": 0}
    assert (staff["hours"], staff["costed_pence"]) == (5.75, 834)
    assert [(year["hours"], year["costed_pence"]) for year in by_year] == [(2.5, 833), (3.25, 1)]


def test_a_reversed_panel_chair_commitment_leaves_only_the_overview_author(models: ReadModels) -> None:
    rid = record_bradford_hd(models.app)

    with models.read() as cursor:
        ledger = review_ledger(cursor, rid)

    assert ledger is not None
    assert ledger["totals"]["committed_pence"] == 900_000
    assert [(e["category"], e["entry"], e["counted"]) for e in ledger["entries"]] == [
        ("lead_reviewer", "commitment", True),
        ("panel_chair", "commitment", False),
        ("panel_chair", "reversal", False),
    ]


def test_an_unknown_review_has_no_ledger_and_a_malformed_year_is_refused(models: ReadModels) -> None:
    with models.read() as cursor:
        assert review_ledger(cursor, models.app.review_id("nowhere", "none")) is None
        assert board_ledger(cursor, "nowhere", "2014-15")["spend"]["by_review"] == []
        with pytest.raises(InvalidValue):
            board_ledger(cursor, "coventry", "2014-16")


def test_financial_years_run_april_to_march_and_pennies_round_half_up() -> None:
    assert [financial_year(on) for on in ("2014-03-31", "2014-04-01", "2015-01-15")] == [
        "2013-14",
        "2014-15",
        "2014-15",
    ]
    assert financial_year("1999-12-31") == "1999-00"
    assert [costed_pence(hundredths, rate) for hundredths, rate in ((250, 333), (25, 2), (25, 1), (100, 0))] == [
        833,
        1,
        0,
        0,
    ]
