"""Every projection the service runs: the engine, `scr projections` and the API read from this list."""

from __future__ import annotations

from projections.audit.projection import AuditLogProjection
from projections.base import Projection
from projections.calendar import CalendarProjection
from projections.case_status import CaseStatusProjection
from projections.cost_ledger import CostLedgerProjection
from projections.disposal import DisposalProjection
from projections.dissemination import DisseminationProjection
from projections.inquiry_holds import InquiryHoldsProjection
from projections.learning_actions import LearningActionsProjection
from projections.review_facts import deadline_rules
from projections.search import SearchProjection
from projections.settings import StoreSettings
from projections.statistics import StatisticsProjection
from projections.timeliness import TimelinessProjection


def read_models(settings: StoreSettings) -> list[Projection]:
    """The read models in the order the engine applies them (each is tracked and fails on its own)."""
    # One line per projection class; each takes the settings it needs (e.g. the rule settings).
    rules = deadline_rules(settings)
    return [
        CaseStatusProjection(rules),
        TimelinessProjection(rules),
        CostLedgerProjection(),
        LearningActionsProjection(),
        SearchProjection(),
        DisseminationProjection(),
        StatisticsProjection(),
        CalendarProjection(),
        InquiryHoldsProjection(),
        AuditLogProjection(settings),
        DisposalProjection(),  # last: purges the copies the others took (projections/disposal.py)
    ]
