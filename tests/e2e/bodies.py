"""Valid request bodies for every command of API.md, keyed by the last part of its path."""

from __future__ import annotations

from typing import Any

SHA = "ab" * 32


def notification(case_ref: str, regime: str = "scr-2015", occurred_on: str = "2016-03-01") -> dict[str, Any]:
    """A serious incident notification: a child died after known neglect."""
    return {
        "case_ref": case_ref,
        "regime": regime,
        "child": {"pseudonym": "Child Q", "age_years": 3, "sex": "male", "looked_after": False},
        "incident": {
            "nature": "death",
            "abuse_or_neglect": "known",
            "occurred_on": occurred_on,
            "la_aware_on": occurred_on,
            "description": "Died at home",
        },
        "notified_on": "2016-03-03",
    }


CRITERIA = {"abuse_or_neglect": True, "died": True, "seriously_harmed": False, "concern_about_joint_working": True}

BODIES: dict[str, dict[str, Any]] = {
    "boards": {"board_id": "durham", "name": "Durham SCP", "local_authority": "Durham County Council"},
    "contributions": {"agency": "police", "financial_year": "2016-17", "amount_pence": 1_000_000},
    "reviews": notification("Q-1"),
    "rapid-review": {"completed_on": "2016-03-20", "outcome": "lcspr", "rationale": "Learning for agencies"},
    "initiation-decision": {
        "criteria": CRITERIA,
        "decision": "initiate",
        "rationale": "The child died; neglect was known",
        "decided_on": "2016-03-10",
    },
    "panel-notifications": {
        "recipients": ["ofsted", "national_panel"],
        "subject": "initiation",
        "sent_on": "2016-03-11",
    },
    "panel-advice": {"subject": "initiation", "view": "agreed", "advice": "Agreed", "received_on": "2016-03-15"},
    "terms-of-reference": {
        "scope_from": "2014-01-01",
        "scope_to": "2016-03-01",
        "methodology": "Systems",
        "equality_considerations": "Disability",
        "agreed_on": "2016-03-20",
    },
    "reviewers": {
        "name": "A. Reviewer",
        "role": "lead_reviewer",
        "procurement_route": "framework",
        "contract_value_pence": 900_000,
        "independence_declared": True,
        "commissioned_on": "2016-03-21",
    },
    "agency-reports": {"agency": "police", "kind": "imr", "due_on": "2099-06-01"},
    "received": {"on": "2016-05-01"},
    "declined": {"on": "2016-05-01", "reason": "No records held"},
    "legal-holds": {
        "kind": "criminal_proceedings",
        "reference": "R v X",
        "blocks_publication": True,
        "placed_on": "2016-03-05",
    },
    "lift": {"lifted_on": "2016-09-01", "outcome": "Sentenced"},
    "costs": {
        "entry": "invoice",
        "category": "lead_reviewer",
        "amount_pence": 450_000,
        "paying_agency": "local_authority",
        "on": "2016-06-01",
        "description": "First stage",
    },
    "staff-time": {"agency": "health", "activity": "meeting", "hours": "6.5", "on": "2016-04-01"},
    "draft": {"version_label": "v1", "received_on": "2016-08-01", "document_sha256": SHA},
    "accept": {"accepted_on": "2016-10-01", "board_response": "Accepted in full"},
    "recommendations": {"ref": "R1", "text": "Check home visits", "scope": "local"},
    "publication-decision": {
        "option": "full",
        "rationale": "Public interest",
        "planned_on": "2016-11-15",
        "decided_on": "2016-10-05",
    },
    "risk-assessment": {
        "reputational_risk": "medium",
        "media_interest": "Local press",
        "communications_plan": "Joint statement",
        "assessed_on": "2016-10-10",
    },
    "publication-override": {
        "hold_id": "00000000-0000-0000-0000-000000000000",
        "rationale": "Agreed with police",
        "decided_on": "2016-10-12",
    },
    "pre-publication-copies": {"recipients": ["ofsted", "dfe"], "sent_on": "2016-11-08"},
    "publish": {"url": "https://example.org/q.pdf", "published_on": "2016-11-15", "document_sha256": SHA},
    "corrections": {"corrects_position": 1, "field": "decided_on", "value": "2016-03-10", "reason": "Minutes"},
    "close": {"on": "2017-11-15", "reason": "Actions assured"},
    "initiation-reconsidered": {
        "decision": "initiate",
        "criteria": CRITERIA,
        "reason": "panel_disagreed",
        "rationale": "The Panel's advice accepted",
        "decided_on": "2016-03-20",
    },
    "revisions": {"version_label": "v2", "received_on": "2016-10-20", "document_sha256": SHA, "reason": "Trial"},
    "withdraw": {"withdrawn_on": "2017-01-10", "reason": "court_order", "rationale": "Reporting restriction"},
    "republish": {
        "url": "https://example.org/q-v2.pdf",
        "published_on": "2017-02-10",
        "document_sha256": SHA,
        "reason": "Redacted",
    },
    "nspcc-deposit": {"deposited_on": "2016-11-20", "reference": "NSPCC-1"},
    "evaluations": {"evaluator": "peer", "rating": "good", "evaluated_on": "2016-12-01", "summary": "Clear"},
    "links": {"kind": "joint_dhr", "external_ref": "DHR-1", "linked_on": "2016-03-12", "note": "Joint panel"},
    "extensions": {
        "rule": "complete_review",
        "new_due_on": "2016-12-31",
        "agreed_with": "national_panel",
        "reason": "Trial timetable",
        "agreed_on": "2016-06-01",
    },
    "reopen": {"on": "2017-12-01", "reason": "New information"},
    "learning-actions": {
        "review_id": "00000000-0000-0000-0000-000000000000",
        "recommendation_ref": "R1",
        "text": "Home visit audit",
        "lead_agency": "police",
        "owner": "DCI Safeguarding",
        "target_on": "2017-06-30",
        "success_measure": "Audit done",
    },
    "progress": {"rag": "amber", "note": "Half done", "on": "2017-01-10"},
    "evidence": {"description": "Audit", "document_sha256": SHA, "on": "2017-02-01"},
    "target": {"target_on": "2017-09-30", "reason": "Audit delayed"},
    "complete": {"on": "2017-08-01", "note": "Done"},
    "assure": {"outcome": "assured", "on": "2017-08-15", "note": "Evidence seen"},
    "themes": {"themes": ["neglect", "working_with_fathers"], "tagged_on": "2016-03-12"},
    "findings": {
        "ref": "F1",
        "text": "Practitioners did not think about the father's role",
        "themes": ["working_with_fathers"],
        "recorded_on": "2016-03-12",
    },
    "dissemination": {
        "kind": "seven_minute_briefing",
        "held_on": "2016-03-14",
        "audience_agencies": ["health", "police"],
        "attendees": {"health": 12, "police": 5},
        "note": "Briefing for GP practices",
    },
    "monitoring": {"kind": "time_check", "on": "2016-03-12", "note": "On track"},
    # Records management (issue 13)
    "redactions": {
        "item": "Paragraph 4.2: the name of the school",
        "reason": "identifies_child",
        "agreed_with": ["police"],
        "decided_on": "2016-10-20",
    },
    "family-impact-check": {"on": "2016-10-25", "family_consulted": True, "note": "Mother met the chair"},
    "retention": {"retention_class": "safeguarding_review", "on": "2016-03-10"},
    "dispose": {"on": "2016-12-01", "rationale": "Retention period ended"},
    "inquiry-holds": {"name": "Inquiry into X", "boards": "all", "placed_on": "2016-03-10"},
    "inquiry-lift": {"lifted_on": "2016-12-01"},
    "feed-tokens": {"label": "Outlook"},
    "revoke": {"reason": "Laptop lost"},
}


def body(name: str, **changes: Any) -> dict[str, Any]:
    """The valid body of a command, with some fields changed."""
    return {**BODIES[name], **changes}
