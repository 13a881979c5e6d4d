"""Records management (DOMAIN.md section 9): the retention schedule and inquiry holds.

A review's retention class and disposal are review commands (routes_review_commands.py). Inquiry holds
are read from the event store itself (service.application.CaseReviews.inquiry_holds), never from a read
model, so what a reader sees is what the disposal rule sees."""

from __future__ import annotations

from fastapi import APIRouter

from domain.permissions import require_read
from service.api import schemas as s
from service.api.commands import Command, add_commands
from service.api.deps import CurrentActor
from service.api.problems import problem_responses
from service.api.schemas import Row
from service.services import Services

router = APIRouter(tags=["records management"])
READ_PROBLEMS = problem_responses(401, 403, 503)

H = "/inquiry-holds"
COMMANDS = (
    Command(H, s.PlaceInquiryHold, 'Place an inquiry\'s "do not destroy" hold', creates="hold_id"),
    Command(H + "/{hold_id}/lift", s.LiftInquiryHold, "Lift an inquiry hold"),
)
add_commands(router, COMMANDS)


@router.get(
    "/retention-classes",
    summary="The retention classes reviews are kept under",
    response_model=list[Row],
    responses=READ_PROBLEMS,
)
def list_retention_classes(actor: CurrentActor, services: Services) -> list[Row]:
    """Each class: `code` (what POST /reviews/{id}/retention takes), `label`, `years_after_closure`, and
    `default` (the class of a review with none recorded). From SCR_RETENTION_CLASSES, else the defaults."""
    require_read(actor, "retention_classes")
    schedule = services.settings.retention
    return [
        Row.model_validate(
            {
                "code": found.code,
                "label": found.label,
                "years_after_closure": found.years_after_closure,
                "default": found.code == schedule.default_code,
            }
        )
        for found in schedule.classes
    ]


@router.get(H, summary="Inquiry holds", response_model=list[Row], responses=READ_PROBLEMS)
def list_inquiry_holds(actor: CurrentActor, services: Services) -> list[Row]:
    """Every hold for the admin; for a board's chair or auditor, the holds covering its board. Each:
    `hold_id`, `name`, `boards` (null: every board), `placed_on`, `lifted_on` (null while in force)."""
    return [Row.model_validate(hold.model_dump(mode="json")) for hold in services.app.inquiry_holds(actor)]
