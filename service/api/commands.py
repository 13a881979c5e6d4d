"""How every command route runs: idempotency, the application call, the engine nudge, the typed answer.

Routes are generated from tables (routes_review_commands, routes_action_commands): one row per API.md
command, so each command is parsed by its request model and answered the same way."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response

from domain.base import Context
from service import idempotency
from service.api.deps import CommandContext, IdempotencyKey, IfMatch
from service.api.problems import problem_responses
from service.api.schemas import Body, CommandResponse
from service.application import CaseReviews, CommandResult
from service.services import Services

# Calls the application: (app, ctx, target id, expected version, fields) -> result.
Call = Callable[[CaseReviews, Context, Any, int | None, dict[str, Any]], CommandResult]


@dataclass(frozen=True)
class Command:
    """One command route: its path, request model, the application call and how it is documented."""

    path: str
    model: type[Body]
    call: Call
    summary: str
    creates: bool = False


def run_command(
    services: Services,
    ctx: Context,
    request: Request,
    response: Response,
    key: str | None,
    body: Body,
    creates: bool,
    execute: Callable[[], CommandResult],
) -> CommandResponse:
    """Run a command once per Idempotency-Key and answer its id, version, position and created ids."""
    reservation = None
    if key is not None:
        print_ = idempotency.fingerprint(request.method, request.url.path, ctx.actor.user, body.model_dump(mode="json"))
        reservation, replay = idempotency.reserve_or_replay(services.db, ctx.actor.user, key, print_)
        if replay is not None:
            response.status_code, first = replay
            response.headers["Idempotent-Replayed"] = "true"
            return CommandResponse.model_validate(first)
    try:
        result = execute()
    except BaseException:
        if reservation is not None:
            reservation.release()
        raise
    services.engine.wake()
    answer = CommandResponse(id=result.id, version=result.version, position=result.position, **result.created)
    response.status_code = 201 if creates else 200
    if reservation is not None:
        reservation.complete(response.status_code, answer.model_dump(mode="json"))
    return answer


COMMAND_PROBLEMS = problem_responses(401, 403, 404, 409, 412, 422, 503)


def add_commands(router: APIRouter, commands: list[Command]) -> None:
    """Add one POST route per command; path parameters become the target id and sub-ids."""
    for command in commands:
        router.add_api_route(
            command.path,
            _endpoint(command),
            methods=["POST"],
            summary=command.summary,
            description=command.model.__doc__ or command.summary,
            response_model=CommandResponse,
            response_model_exclude_none=True,
            status_code=201 if command.creates else 200,
            responses=COMMAND_PROBLEMS,
        )


def _endpoint(command: Command) -> Callable[..., CommandResponse]:
    """An endpoint whose signature FastAPI reads: the path's parameters, the body model, the dependencies."""
    path_names = re.findall(r"{(\w+)}", command.path)

    def endpoint(**kw: Any) -> CommandResponse:
        # Shallow: nested value objects (Child, Incident, Criteria) reach the domain as themselves.
        fields = {name: getattr(kw["body"], name) for name in type(kw["body"]).model_fields}
        target = kw[path_names[0]] if path_names else None
        fields.update({name: kw[name] for name in path_names[1:]})
        services, ctx = kw["services"], kw["ctx"]
        return run_command(
            services,
            ctx,
            kw["request"],
            kw["response"],
            kw["key"],
            kw["body"],
            command.creates,
            lambda: command.call(services.app, ctx, target, kw["if_match"], fields),
        )

    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter(name, keyword, annotation=str if name == "board_id" else UUID) for name in path_names
    ]
    parameters += [
        inspect.Parameter(name, keyword, annotation=annotation)
        for name, annotation in [
            ("body", command.model),
            ("services", Services),
            ("ctx", CommandContext),
            ("request", Request),
            ("response", Response),
            ("if_match", IfMatch),
            ("key", IdempotencyKey),
        ]
    ]
    endpoint.__signature__ = inspect.Signature(parameters, return_annotation=CommandResponse)  # type: ignore[attr-defined]
    endpoint.__doc__ = command.summary
    endpoint.__name__ = re.sub(r"\W+", "_", command.summary.lower()).strip("_")
    return endpoint


def on_review(name: str) -> Call:
    """A call of `CaseReviews.act_on_review` for the CaseReview command `name`."""

    def call(app: CaseReviews, ctx: Context, review_id: UUID, version: int | None, fields: dict[str, Any]) -> Any:
        return app.act_on_review(ctx, name, review_id, expected_version=version, **fields)

    return call


def on_action(name: str) -> Call:
    """A call of `CaseReviews.act_on_action` for the LearningAction command `name`."""

    def call(app: CaseReviews, ctx: Context, action_id: UUID, version: int | None, fields: dict[str, Any]) -> Any:
        return app.act_on_action(ctx, name, action_id, expected_version=version, **fields)

    return call
