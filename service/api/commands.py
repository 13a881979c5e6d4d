"""How every command route runs: idempotency, the body's command, the engine nudge, the typed answer.

Routes are generated from tables (routes_review_commands, routes_action_commands): one row per API.md
command, naming its request model, whose typed `send` names the domain method and each of its fields."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Concatenate, Generic, NoReturn, ParamSpec, TypeVar, cast
from uuid import UUID

import orjson
from fastapi import APIRouter, Request, Response

from domain.base import Context
from domain.permissions import require_permitted
from service import idempotency
from service.api.deps import CommandContext, IdempotencyKey, IfMatch
from service.api.problems import problem_responses
from service.api.schemas import Body, CommandResponse, CreatedId, Sender
from service.application import ActionCommand, CaseReviews, CommandResult, ReviewCommand
from service.services import Services

B = TypeVar("B", bound=Body)
P = ParamSpec("P")


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
    command: str,
) -> CommandResponse:
    """Run a command once per Idempotency-Key and answer its id, version, position and created id.

    The role is checked before any key is looked at: a replay answers only a client that may send the
    command (`command` is the domain method's name, the key of domain.permissions.COMMAND_ROLES)."""
    require_permitted(ctx.actor, command)
    reservation = None
    if key is not None:
        reservation, replay = _reserve(services, ctx, request, key, body, creates)
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


def _reserve(
    services: Services, ctx: Context, request: Request, key: str, body: Body, creates: bool | CreatedId
) -> tuple[idempotency.Reservation | None, idempotency.Answer | None]:
    """Reserve the key for this claimant, or the first answer; a dead attempt is resolved against the log."""
    user = ctx.actor.user
    attempt = idempotency.Attempt(
        key=key,
        fingerprint=idempotency.fingerprint(request.method, request.url.path, user, body.model_dump(mode="json")),
        correlation_id=ctx.correlation_id,
        log_head=int(services.app.recorder.max_notification_id() or 0),
    )

    def recovery(correlation_id: UUID, after: int) -> idempotency.Answer | None:
        return _recorded_answer(services, correlation_id, after, creates)

    return idempotency.reserve_or_replay(
        services.db,
        idempotency.Claimant.of(ctx.actor),
        attempt,
        stale_after=services.settings.idempotency_stale_seconds,
        recovery=recovery,
    )


def _recorded_answer(
    services: Services, correlation_id: UUID, after: int, creates: bool | CreatedId
) -> idempotency.Answer | None:
    """The answer a dead attempt would have given, rebuilt from its last recorded event, if it was recorded."""
    found = idempotency.recorded_with(services.app.recorder, correlation_id, after)
    if not found:
        return None
    last = found[-1]
    answer: dict[str, Any] = {"id": str(last.originator_id), "version": last.originator_version, "position": last.id}
    if isinstance(creates, str):
        # A created aggregate's id is its own (an action); a created part's is named in its event (a hold).
        state = orjson.loads(last.state)
        answer[creates] = state.get(creates, str(last.originator_id))
    return (201 if creates else 200), CommandResponse.model_validate(answer).model_dump(mode="json")


class _Named(Exception):
    """Raised by the naming sender: carries the name of the command a body sends."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _NamingApplication:
    """Stands in for the application: the first command a body calls on it is named, nothing runs."""

    def __getattr__(self, name: str) -> Callable[..., NoReturn]:
        def named(*args: object, **fields: object) -> NoReturn:
            raise _Named(name)

        return named


@dataclass(frozen=True)
class _NamingSender(Sender):
    """A sender that names the domain command a body's `send` calls instead of running it."""

    def review(self, review_id: UUID, command: ReviewCommand[P], /, *args: P.args, **fields: P.kwargs) -> CommandResult:
        raise _Named(command.__name__)

    def action(self, action_id: UUID, command: ActionCommand[P], /, *args: P.args, **fields: P.kwargs) -> CommandResult:
        raise _Named(command.__name__)


def command_name(send: Callable[..., CommandResult], body: Body, ctx: Context, ids: list[Any]) -> str:
    """The domain method a body's `send` calls (its key in COMMAND_ROLES), found without running it: the
    body's own call names it, so a route can never be checked against another command's roles."""
    try:
        send(body, _NamingSender(cast(CaseReviews, _NamingApplication()), ctx, None), *ids)
    except _Named as named:
        return named.name
    raise TypeError(f"{type(body).__name__}.send called no command")


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
        name = command_name(send, body, ctx, ids)
        return run_command(
            services, ctx, request, response, key, body, command.creates, lambda: send(body, via, *ids), name
        )

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
