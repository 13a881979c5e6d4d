"""The process as it really runs (DOMAIN.md sections 4 and 8) through HTTP, on SQLite and PostgreSQL.

Each test names a finding of issue 11; every refusal answers its code and records nothing."""

from __future__ import annotations

from domain.values import Role
from tests.e2e.bodies import SHA, body, notification
from tests.integration.process_api_support import (  # noqa: F401 (api_fixture: the `api` fixture)
    BOARD,
    CHAIR,
    MANAGER,
    MET,
    PANEL,
    Api,
    accepted,
    api_fixture,
    initiated,
    opened,
    published,
    run_to_acceptance,
)
from tests.integration.test_api_service import bearer

ADMIN = bearer(Role.ADMIN)

# ---- 1. a manager can no longer get round the chair ---------------------------------------------------


def test_a_manager_may_not_correct_a_hold_so_that_it_no_longer_blocks_publication_but_the_chair_may(api: Api) -> None:
    review = accepted(api, "HOLD-1")
    r = f"/reviews/{review}"
    hold = api.post(f"{r}/legal-holds", body("legal-holds"))
    correction = {"corrects_position": hold["position"], "field": "blocks_publication", "value": False, "reason": "x"}
    problem = api.refused(f"{r}/corrections", correction, 403, "forbidden", MANAGER)
    assert "chair" in problem["detail"]
    api.post(f"{r}/corrections", correction, CHAIR)
    assert api.get(r)["active_legal_holds"][0]["blocks_publication"] is False


def test_a_manager_may_not_correct_any_field_of_a_chairs_decision(api: Api) -> None:
    review = opened(api, "DEC-1")
    decided = api.post(f"/reviews/{review}/initiation-decision", body("initiation-decision"))
    fix = {"corrects_position": decided["position"], "field": "decided_on", "value": "2016-03-09", "reason": "Minutes"}
    api.refused(f"/reviews/{review}/corrections", fix, 403, "forbidden", MANAGER)


def test_correcting_a_decision_itself_is_refused_naming_the_field_and_the_command_to_use(api: Api) -> None:
    review = opened(api, "DEC-2")
    decided = api.post(f"/reviews/{review}/initiation-decision", body("initiation-decision"))
    fix = {"corrects_position": decided["position"], "field": "decision", "value": "no_review", "reason": "Minutes"}
    problem = api.refused(f"/reviews/{review}/corrections", fix, 422, "validation_error", CHAIR)
    assert problem["errors"][0]["field"] == "field"
    assert "initiation-reconsidered" in problem["detail"]


# ---- 1. counted wrongly ---------------------------------------------------------------------------------


def test_copies_are_measured_against_an_earlier_actual_publication_and_met_only_when_both_required_recipients_have_one(
    api: Api,
) -> None:
    """Planned 15 Nov 2016, published early on Tue 8 Nov: due 7 days before the actual date, Tue 1 Nov.
    Ofsted's copy went on Mon 31 Oct, DfE's only on Thu 3 Nov (a second copy to Ofsted on 4 Nov changes
    nothing): met on 3 Nov, two days late. Measured as before (plan, first copy): due 8 Nov, met 31 Oct."""
    review = accepted(api, "COPY-1")
    r = f"/reviews/{review}"
    api.post(f"{r}/publication-decision", body("publication-decision", planned_on="2016-11-15"))
    api.post(f"{r}/risk-assessment", body("risk-assessment"))
    api.post(f"{r}/family-impact-check", body("family-impact-check"))
    api.post(f"{r}/pre-publication-copies", {"recipients": ["ofsted"], "sent_on": "2016-10-31"})
    assert api.rules(review)["pre_publication_copy"]["met_on"] is None  # DfE has none yet
    api.post(f"{r}/pre-publication-copies", {"recipients": ["dfe"], "sent_on": "2016-11-03"})
    api.post(f"{r}/publish", body("publish", published_on="2016-11-08"))
    # Copies may be recorded after publication too
    api.post(f"{r}/pre-publication-copies", {"recipients": ["ofsted"], "sent_on": "2016-11-09"})
    copy = api.rules(review)["pre_publication_copy"]
    assert (copy["start_on"], copy["due_on"], copy["met_on"], copy["status"], copy["days_overdue"]) == (
        "2016-11-08",
        "2016-11-01",
        "2016-11-03",
        "met_late",
        2,
    )


def test_the_panel_is_told_of_a_decision_not_to_initiate_only_by_a_notice_that_reaches_it(api: Api) -> None:
    review = initiated(api, "NOT-1", decision="no_review")
    r = f"/reviews/{review}"
    api.post(
        f"{r}/panel-notifications", {"recipients": ["ofsted"], "subject": "not_initiating", "sent_on": "2016-03-12"}
    )
    assert api.rules(review)["panel_told_not_initiating"]["met_on"] is None
    api.post(
        f"{r}/panel-notifications",
        {"recipients": ["national_panel"], "subject": "not_initiating", "sent_on": "2016-03-20"},
    )
    told = api.rules(review)["panel_told_not_initiating"]
    assert (told["start_on"], told["due_on"], told["met_on"], told["status"]) == (
        "2016-03-10",
        "2016-03-24",
        "2016-03-20",
        "met",
    )


def test_a_cspr_may_not_choose_to_publish_nothing(api: Api) -> None:
    review = accepted(api, "CSPR-NP", "cspr-2018")
    problem = api.refused(
        f"/reviews/{review}/publication-decision",
        body("publication-decision", option="not_published"),
        422,
        "validation_error",
    )
    assert problem["errors"][0]["field"] == "option"


def test_only_an_scr_decision_against_the_criteria_is_flagged_and_a_non_statutory_review_is_one(api: Api) -> None:
    non_statutory = initiated(api, "NS-1", decision="initiate_non_statutory")
    cspr = initiated(api, "CSPR-D", "cspr-2018", decision="no_review")
    assert api.get(f"/reviews/{non_statutory}")["contradicts_criteria"] is True
    assert api.get(f"/reviews/{cspr}")["contradicts_criteria"] is False
    # A non-statutory review also starts the 14 days to tell the Panel
    assert api.rules(non_statutory)["panel_told_not_initiating"]["due_on"] == "2016-03-24"
    assert api.get("/timeliness")["national"]["decisions_against_criteria"] == 1


def test_a_looked_after_childs_death_without_suspected_abuse_starts_no_rapid_review_clock(api: Api) -> None:
    incident = {
        **notification("LAC-1")["incident"],
        "nature": "looked_after_death",
        "abuse_or_neglect": "not_suspected",
    }
    review = opened(api, "LAC-1", "cspr-2023", incident=incident)
    assert api.rules(review)["rapid_review"]["status"] == "not_started"
    assert api.get(f"/reviews/{review}")["next_deadline"] is None


def test_website_retention_is_a_keep_until_date_never_late_and_never_the_next_deadline(api: Api) -> None:
    """Published 15 Nov 2016: kept until 15 Nov 2017; withdrawn 1 Mar 2017 (within twelve months): withdrawn_early,
    neither within nor late; republished 1 Apr 2017 with a new address and document."""
    review = published(api, "RET-1")
    r = f"/reviews/{review}"
    kept = api.rules(review)["website_retention"]
    assert (kept["due_on"], kept["status"], kept["met"], kept["days_overdue"]) == ("2017-11-15", "kept", None, 0)
    assert api.get(r)["next_deadline"]["rule"] == "pre_publication_copy"  # never sent: the only one pending
    api.post(f"{r}/withdraw", {"withdrawn_on": "2017-03-01", "reason": "court_order", "rationale": "Order made"})
    assert api.get(r)["stage"] == "withdrawn"
    assert api.rules(review)["website_retention"]["status"] == "withdrawn_early"
    retention = api.get("/timeliness")["national"]["rules"]["website_retention"]
    assert (retention["within_deadline"], retention["late"], retention["withdrawn_early"]) == (0, 0, 1)
    api.post(
        f"{r}/republish",
        {
            "url": "https://example.org/q-v2.pdf",
            "published_on": "2017-04-01",
            "document_sha256": "cd" * 32,
            "reason": "Redacted",
        },
    )
    assert api.get(r)["stage"] == "published"


def test_the_period_filter_selects_each_rule_by_its_own_start_date_and_says_so(api: Api) -> None:
    """A CSPR notified 3 Mar 2016 whose rapid review was done but which was never initiated: in a period
    of March 2016 its rapid review counts (notification date); by initiation date it dropped out."""
    review = opened(api, "PER-1", "cspr-2018")
    api.post(f"/reviews/{review}/rapid-review", body("rapid-review", completed_on="2016-03-08"))
    march = api.get("/timeliness", **{"from": "2016-03-01", "to": "2016-03-31"})
    assert march["national"]["rules"]["rapid_review"]["within_deadline"] == 1
    assert march["national"]["reviews"] == 1
    assert march["filters"]["period_applies_to"]["rapid_review"].startswith("notified_on")
    april = api.get("/timeliness", **{"from": "2016-04-01", "to": "2016-04-30"})
    assert "rapid_review" not in april["national"]["rules"]


# ---- 1. looser than it should be ----------------------------------------------------------------------


def test_a_draft_needs_a_commissioned_reviewer(api: Api) -> None:
    review = initiated(api, "DRAFT-1")
    api.refused(f"/reviews/{review}/report/draft", body("draft"), 409, "reviewer_required")


def test_acceptance_needs_a_lead_reviewer_or_overview_author_not_only_a_panel_chair(api: Api) -> None:
    review = initiated(api, "ACC-1")
    r = f"/reviews/{review}"
    api.post(f"{r}/terms-of-reference", body("terms-of-reference"))
    api.post(f"{r}/reviewers", body("reviewers", role="panel_chair"))
    api.post(f"{r}/report/draft", body("draft"))
    api.refused(f"{r}/report/accept", body("accept"), 409, "reviewer_required")
    api.post(f"{r}/reviewers", body("reviewers", role="overview_author"))
    api.post(f"{r}/report/accept", body("accept"))


def test_no_decision_is_dated_before_the_notification(api: Api) -> None:
    review = opened(api, "ORDER-1")
    problem = api.refused(
        f"/reviews/{review}/initiation-decision",
        body("initiation-decision", decided_on="2016-03-02"),
        422,
        "date_order",
    )
    assert problem["errors"][0]["field"] == "decided_on"


def test_requested_on_and_agreed_on_are_taken_from_the_request(api: Api) -> None:
    review = opened(api, "REQ-1")
    r = f"/reviews/{review}"
    # A chronology may be asked for from notification (a rapid review needs it), with the date it was asked
    api.post(
        f"{r}/agency-reports",
        {"agency": "police", "kind": "chronology", "due_on": "2016-03-20", "requested_on": "2016-03-04"},
    )
    api.refused(f"{r}/agency-reports", body("agency-reports"), 409, "invalid_transition")  # an IMR: initiate first
    history = api.get(f"{r}/history")
    requested = next(e for e in history if e["type"] == "AgencyReportRequested")
    assert requested["data"]["requested_on"] == "2016-03-04"
    # A learning action agreed at the board's meeting, recorded later
    done = accepted(api, "REQ-2")
    api.post(f"/reviews/{done}/recommendations", body("recommendations"))
    action = api.post("/learning-actions", body("learning-actions", review_id=done, agreed_on="2016-10-20"))
    assert api.get(f"/learning-actions/{action['id']}")["agreed_on"] == "2016-10-20"


# ---- 2. the new commands ----------------------------------------------------------------------------


def test_a_reconsidered_decision_after_the_panel_disagreed_starts_the_completion_clock_from_its_own_date(
    api: Api,
) -> None:
    """Notified 3 Mar 2016; no review decided 10 Mar (criteria met: against the criteria); the Panel told
    on 14 Mar (due 24 Mar: met) and disagreed; reconsidered to initiate on Fri 1 Apr.
    initiation_decision: due 3 Apr, met 10 Mar by the first decision and stays so. complete_review: starts
    1 Apr, due 1 Oct 2016. The flag follows the decision in force: no longer against the criteria."""
    review = initiated(api, "RECON-1", decision="no_review")
    r = f"/reviews/{review}"
    api.post(
        f"{r}/panel-notifications",
        {"recipients": ["national_panel"], "subject": "not_initiating", "sent_on": "2016-03-14"},
    )
    api.post(
        f"{r}/panel-advice",
        {"subject": "not_initiating", "view": "disagreed", "advice": "Hold an SCR", "received_on": "2016-03-25"},
    )
    api.refused(  # the manager may not reconsider: it is the chair's decision
        f"{r}/initiation-reconsidered",
        {
            "decision": "initiate",
            "criteria": MET,
            "reason": "panel_disagreed",
            "rationale": "x",
            "decided_on": "2016-04-01",
        },
        403,
        "forbidden",
        MANAGER,
    )
    api.post(
        f"{r}/initiation-reconsidered",
        {
            "decision": "initiate",
            "criteria": MET,
            "reason": "panel_disagreed",
            "rationale": "Panel advice accepted",
            "decided_on": "2016-04-01",
        },
    )
    row = api.get(r)
    assert (row["stage"], row["decision"], row["decided_on"], row["contradicts_criteria"]) == (
        "initiated",
        "initiate",
        "2016-04-01",
        False,
    )
    assert row["process"]["reconsidered"] == {
        "first_decision": "no_review",
        "first_decided_on": "2016-03-10",
        "reason": "panel_disagreed",
    }
    rules = api.rules(review)
    assert (rules["initiation_decision"]["met_on"], rules["initiation_decision"]["status"]) == ("2016-03-10", "met")
    assert (rules["panel_told_not_initiating"]["met_on"], rules["panel_told_not_initiating"]["status"]) == (
        "2016-03-14",
        "met",
    )
    assert (rules["complete_review"]["start_on"], rules["complete_review"]["due_on"]) == ("2016-04-01", "2016-10-01")
    assert api.get("/timeliness")["national"]["initiated"] == 1


def test_a_revised_report_is_accepted_again_and_completion_stays_with_the_first_acceptance(api: Api) -> None:
    review = accepted(api, "REV-1")
    r = f"/reviews/{review}"
    api.post(
        f"{r}/report/revisions",
        {"version_label": "v2", "received_on": "2016-12-01", "document_sha256": SHA, "reason": "Trial evidence"},
    )
    assert api.get(r)["process"]["revision_pending"] is True
    api.post(f"{r}/report/accept", body("accept", accepted_on="2016-12-10"))
    row = api.get(r)
    assert (row["accepted_on"], row["process"]["revision_accepted_on"], row["process"]["revision_pending"]) == (
        "2016-10-01",
        "2016-12-10",
        False,
    )
    assert api.rules(review)["complete_review"]["met_on"] == "2016-10-01"


def test_deposit_evaluation_and_links_are_recorded_and_shown(api: Api) -> None:
    review = published(api, "REC-1")
    other = opened(api, "REC-2")
    r = f"/reviews/{review}"
    api.post(f"{r}/nspcc-deposit", {"deposited_on": "2016-11-20", "reference": "NSPCC-1"})
    api.post(
        f"{r}/evaluations", {"evaluator": "peer", "rating": "good", "evaluated_on": "2016-12-01", "summary": "Clear"}
    )
    api.refused(  # the Panel was formed in June 2013
        f"{r}/evaluations",
        {"evaluator": "national_panel", "rating": "good", "evaluated_on": "2012-12-01"},
        422,
        "validation_error",
    )
    api.post(f"{r}/links", {"kind": "linked_review", "other_review_id": other, "linked_on": "2016-11-21"})
    api.post(f"{r}/links", {"kind": "joint_sar", "external_ref": "SAR-7", "linked_on": "2016-11-21"})
    api.refused(f"{r}/links", {"kind": "joint_sar", "linked_on": "2016-11-21"}, 422, "validation_error")
    process = api.get(r)["process"]
    assert process["nspcc_deposited_on"] == "2016-11-20"
    assert process["evaluations"] == [{"evaluator": "peer", "rating": "good", "evaluated_on": "2016-12-01"}]
    assert [link["kind"] for link in process["links"]] == ["linked_review", "joint_sar"]


def test_a_link_names_a_review_of_this_service_the_board_can_see_or_one_kept_elsewhere(api: Api) -> None:
    """An id that names no review, or another board's review, is an unknown reference (another board's review is
    named by external_ref, as a review kept elsewhere is): 422 unknown_reference naming other_review_id."""
    review = opened(api, "LINK-1")
    api.post("/boards", {"board_id": "gateshead", "name": "Gateshead SCP", "local_authority": "Gateshead"}, ADMIN)
    theirs = api.post("/reviews", notification("GH-1"), bearer(Role.BOARD_MANAGER, "gateshead"))["id"]
    for other in ("00000000-0000-4000-8000-000000000000", theirs):
        link = {"kind": "linked_review", "other_review_id": other, "linked_on": "2016-03-09"}
        problem = api.refused(f"/reviews/{review}/links", link, 422, "unknown_reference")
        assert problem["errors"][0]["field"] == "other_review_id"
    api.post(
        f"/reviews/{review}/links",
        {"kind": "linked_review", "external_ref": "Gateshead GH-1", "linked_on": "2016-03-09"},
    )


def test_a_review_closed_as_subsumed_has_its_open_deadlines_not_applicable(api: Api) -> None:
    """Notified 3 Mar 2016 under CSPR 2018: rapid review due 24 Mar (15 working days, Easter 25 and 28 Mar
    after it). Closed as subsumed on 10 Mar, unmet: not_applicable, never overdue, neither within nor late."""
    review = opened(api, "SUB-1", "cspr-2018")
    r = f"/reviews/{review}"
    api.refused(f"{r}/close", {"on": "2016-03-10", "reason": "Subsumed", "outcome": "subsumed"}, 409, "link_required")
    api.post(
        f"{r}/links", {"kind": "subsumed_into", "external_ref": "National review 2016-1", "linked_on": "2016-03-09"}
    )
    api.post(f"{r}/close", {"on": "2016-03-10", "reason": "Subsumed into the national review", "outcome": "subsumed"})
    rapid = api.rules(review)["rapid_review"]
    assert (rapid["due_on"], rapid["status"], rapid["met"], rapid["days_overdue"]) == (
        "2016-03-24",
        "not_applicable",
        None,
        0,
    )
    assert api.get(r)["overdue_rules"] == []
    assert api.get("/reviews", overdue="true") == []
    counts = api.get("/timeliness")["national"]["rules"]["rapid_review"]
    assert (counts["not_applicable"], counts["within_deadline"], counts["late"], counts["open"]) == (1, 0, 0, 0)


def test_an_extension_is_reported_beside_the_statutory_due_date(api: Api) -> None:
    """Initiated 10 Mar 2016: complete_review due 10 Sep 2016; extension to 31 Dec agreed with the Panel;
    accepted 1 Oct: met_late (21 days), met_within_extension true."""
    review = initiated(api, "EXT-1")
    r = f"/reviews/{review}"
    extension = {
        "rule": "complete_review",
        "new_due_on": "2016-12-31",
        "agreed_with": "national_panel",
        "reason": "Trial",
        "agreed_on": "2016-06-01",
    }
    api.refused(f"{r}/extensions", extension, 403, "forbidden", MANAGER)
    api.refused(f"{r}/extensions", {**extension, "rule": "rapid_review"}, 422, "validation_error")
    api.post(f"{r}/extensions", extension)
    run_to_acceptance(api, review)
    done = api.rules(review)["complete_review"]
    assert (
        done["due_on"],
        done["status"],
        done["days_overdue"],
        done["extended_due_on"],
        done["met_within_extension"],
    ) == (
        "2016-09-10",
        "met_late",
        21,
        "2016-12-31",
        True,
    )


def test_several_children_are_shown_to_the_board_and_none_to_the_panel(api: Api) -> None:
    children = [
        {"pseudonym": "Sibling A", "age_years": 2, "sex": "female", "placement_type": "living_at_home"},
        {
            "pseudonym": "Sibling B",
            "age_years": 5,
            "sex": "male",
            "child_in_need_plan": True,
            "known_to_agencies": True,
        },
    ]
    incident = {
        **notification("SIB-1")["incident"],
        "nature": "serious_harm",
        "la_of_incident": "Durham",
        "la_of_residence": "Gateshead",
    }
    payload = {**notification("SIB-1"), "incident": incident, "children": children, "statistics_child": 1}
    del payload["child"]
    review: str = api.post("/reviews", payload)["id"]
    row = api.get(f"/reviews/{review}")
    assert [child["pseudonym"] for child in row["children"]] == ["Sibling A", "Sibling B"]
    assert (row["statistics_child"], row["la_of_incident"], row["la_of_residence"]) == (1, "Durham", "Gateshead")
    shown = api.get(f"/reviews/{review}", PANEL)
    assert "children" not in shown
    assert "Sibling" not in str(shown)
    # A death is one notification per child; more than four children is refused
    death = {**payload, "case_ref": "SIB-2", "incident": {**incident, "nature": "death"}}
    api.refused("/reviews", death, 422, "validation_error")
    api.refused("/reviews", {**payload, "case_ref": "SIB-3", "children": children * 3}, 422, "validation_error")
