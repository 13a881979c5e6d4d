"""How every command route runs: idempotency, the body's command, the engine nudge, the typed answer.

Routes are generated from tables (routes_review_commands, routes_action_commands): one row per API.md
command, naming its request model, whose typed `send` names the domain method and each of its fields."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Concatenate, Generic, TypeVar
from uuid import UUID

from fastapi import APIRouter, Request, Response

from domain.base import Context
from service import idempotency
from service.api.deps import CommandContext, IdempotencyKey, IfMatch
from service.api.problems import problem_responses
from service.api.schemas import Body, CommandResponse, CreatedId, Sender
from service.application import CommandResult
from service.services import Services

B = TypeVar("B", bound=Body)


@dataclass(frozen=True)
class Command(Generic[B]):
    """One command route: its path, request model and documentation; `creates` answers 201, and a
    CommandResponse field name carries the id the command created. `send` is the model's own unless
    the model serves several commands (DatedReason)."""

    path: str
    model: type[B]
    summary: str
    creates: bool | CreatedId = False
    send: Callable[Concatenate[B, Sender, ...], CommandResult] | None = None


def run_command(
    services: Services,
    ctx: Context,
    request: Request,
    response: Response,
    key: str | None,
    body: Body,
    creates: bool | CreatedId,
    execute: Callable[[], CommandResult],
) -> CommandResponse:
    """Run a command once per Idempotency-Key and answer its id, version, position and created id."""
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
    created = {creates: result.created} if isinstance(creates, str) else {}
    answer = CommandResponse.model_validate(
        {"id": result.id, "version": result.version, "position": result.position, **created}
    )
    response.status_code = 201 if creates else 200
    if reservation is not None:
        reservation.complete(response.status_code, answer.model_dump(mode="json"))
    return answer


COMMAND_PROBLEMS = problem_responses(401, 403, 404, 409, 412, 422, 503)


def add_commands(router: APIRouter, commands: Iterable[Command[Any]]) -> None:
    """Add one POST route per command; the path's ids follow the sender into the body's `send`."""
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


def _endpoint(command: Command[Any]) -> Callable[..., CommandResponse]:
    """An endpoint whose signature FastAPI reads: the path's ids, the body model, then the dependencies."""
    path_names = re.findall(r"{(\w+)}", command.path)
    send = command.send or command.model.send

    def endpoint(
        *,
        body: Body,
        services: Services,
        ctx: CommandContext,
        request: Request,
        response: Response,
        if_match: IfMatch,
        key: IdempotencyKey,
        **path: Any,
    ) -> CommandResponse:
        via = Sender(services.app, ctx, if_match)
        ids = [path[name] for name in path_names]
        return run_command(services, ctx, request, response, key, body, command.creates, lambda: send(body, via, *ids))

    # FastAPI reads each endpoint's own signature: the path's ids are declared here, and the body's model.
    keyword = inspect.Parameter.KEYWORD_ONLY
    ids = [inspect.Parameter(name, keyword, annotation=str if name == "board_id" else UUID) for name in path_names]
    declared = [
        parameter.replace(annotation=command.model) if name == "body" else parameter
        for name, parameter in inspect.signature(endpoint).parameters.items()
        if parameter.kind is keyword
    ]
    endpoint.__signature__ = inspect.Signature([*ids, *declared], return_annotation=CommandResponse)  # type: ignore[attr-defined]
    endpoint.__doc__ = command.summary
    endpoint.__name__ = re.sub(r"\W+", "_", command.summary.lower()).strip("_")
    return endpoint
