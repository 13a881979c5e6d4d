"""The CaseReviews application: each command loads, checks, records and saves; the unit of work."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeAlias, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Mapper
from pydantic import JsonValue

from domain.base import Aggregate, Context
from domain.board import Board, board_uuid
from domain.errors import Duplicate, NotFound, UnknownReference, VersionConflict
from domain.inquiry_hold import INQUIRY_HOLDS_ID, InquiryHold, InquiryHolds
from domain.learning_action import LearningAction
from domain.permissions import acts_on_action, require_permitted, require_read, sees_board
from domain.retention import RetentionSchedule
from domain.review import CaseReview, review_id_for
from domain.review_values import Child, Incident
from domain.values import Actor, CostCategory, CostEntryKind, LinkKind, Regime
from projections.data_keys import DataKeys, open_data_keys
from projections.sealing import SealingMapper
from projections.storage import DatabaseUrl
from projections.streams import notifications_of

A = TypeVar("A", bound=Aggregate)
P = ParamSpec("P")

# A command of an aggregate, named by reference (`CaseReview.place_legal_hold`): its keyword fields are
# checked by mypy at every call, and its name keys its roles in domain.permissions.COMMAND_ROLES.
ReviewCommand: TypeAlias = Callable[Concatenate[CaseReview, Context, P], UUID | None]
ActionCommand: TypeAlias = Callable[Concatenate[LearningAction, Context, P], None]


@dataclass(frozen=True)
class CommandResult:
    """What every successful command answers: the aggregate, its new version, the event's position and
    the id of what it created inside the aggregate (a hold, a report, a reviewer), if anything."""

    id: UUID
    version: int
    position: int
    created: UUID | None = None


class CaseReviews(Application[UUID]):
    """Serious case reviews, learning actions and boards, stored as events."""

    name = "CaseReviews"
    # The retention schedule in force (SCR_RETENTION_CLASSES, service.settings; set by open_application).
    retention = RetentionSchedule()

    def __init__(self, env: Mapping[str, str] | None = None, keys: DataKeys | None = None) -> None:
        # Each review's personal fields are sealed with its data key (projections/sealing.py); without
        # `keys` (the in-memory property tests) events are stored as they are.
        self.keys = keys
        super().__init__(env=env)

    def construct_mapper(self) -> Mapper[UUID]:
        return SealingMapper(self.keys)

    def close(self) -> None:
        super().close()
        if self.keys is not None:
            self.keys.db.close()

    # ---- boards -------------------------------------------------------------------------------

    def register_board(self, ctx: Context, *, board_id: str, name: str, local_authority: str) -> CommandResult:
        """Register a board (admin)."""
        _permit(ctx, CaseReviews.register_board)
        board = Board.register(ctx, board_id=board_id, name=name, local_authority=local_authority)
        return self._save_new(board, f"board {board_id} is already registered")

    def record_contribution(
        self, ctx: Context, board_id: str, *, agency: str, financial_year: str, amount_pence: int
    ) -> CommandResult:
        """Record a partner agency's contribution for a financial year (admin)."""
        _permit(ctx, CaseReviews.record_contribution)
        board = self.board(board_id)
        board.record_contribution(ctx, agency=agency, financial_year=financial_year, amount_pence=amount_pence)
        return self._save(board)

    def board(self, board_id: str) -> Board:
        """A registered board, or NotFound."""
        return self._get(Board, board_uuid(board_id), f"board {board_id} is not registered")

    # ---- reviews ------------------------------------------------------------------------------

    def open_review(
        self,
        ctx: Context,
        *,
        board_id: str,
        case_ref: str,
        regime: Regime,
        child: Child,
        incident: Incident,
        notified_on: date,
        other_children: tuple[Child, ...] = (),
        statistics_child: int = 0,
    ) -> CommandResult:
        """A serious incident notification opens a review; the same case twice is a duplicate."""
        _permit(ctx, CaseReviews.open_review)
        if not sees_board(ctx.actor, board_id):
            raise NotFound(f"board {board_id} is not registered")
        self.board(board_id)
        review = CaseReview.notify(
            ctx,
            board_id=board_id,
            case_ref=case_ref,
            regime=regime,
            child=child,
            incident=incident,
            notified_on=notified_on,
            other_children=other_children,
            statistics_child=statistics_child,
        )
        return self._save_new(review, f"case {case_ref} of board {board_id} is already notified")

    def act_on_review(
        self,
        ctx: Context,
        command: ReviewCommand[P],
        review_id: UUID,
        expected_version: int | None = None,
        /,
        *args: P.args,
        **fields: P.kwargs,
    ) -> CommandResult:
        """Run one of CaseReview's commands, e.g. `act_on_review(ctx, CaseReview.close, review_id, on=..., ...)`."""
        review = self._permitted_review(ctx, command, review_id)
        self._require_version(review, expected_version)
        return self._save(review, command(review, ctx, *args, **fields))

    def record_cost(
        self,
        ctx: Context,
        review_id: UUID,
        *,
        entry: CostEntryKind,
        category: CostCategory,
        amount_pence: int,
        paying_agency: str,
        on: date,
        description: str = "",
        reverses: int | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        """A ledger entry; a reversal names the position of its entry, which must be this review's."""
        review = self._permitted_review(ctx, CaseReview.record_cost, review_id)
        reverses_version = None
        if reverses is not None and entry is CostEntryKind.REVERSAL:
            reverses_version = self._version_at(review_id, reverses, "reverses")
        self._require_version(review, expected_version)
        review.record_cost(
            ctx,
            entry=entry,
            category=category,
            amount_pence=amount_pence,
            paying_agency=paying_agency,
            on=on,
            description=description,
            reverses_position=reverses,
            reverses_version=reverses_version,
        )
        return self._save(review)

    def correct(
        self,
        ctx: Context,
        review_id: UUID,
        *,
        corrects_position: int,
        field: str,
        value: JsonValue,
        reason: str,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Correct an earlier event of this review, named by its position in the log."""
        review = self._permitted_review(ctx, CaseReview.correct, review_id)
        version = self._version_at(review_id, corrects_position, "corrects_position")
        self._require_version(review, expected_version)
        review.correct(
            ctx,
            corrects_position=corrects_position,
            corrects_version=version,
            field=field,
            value=value,
            reason=reason,
        )
        return self._save(review)

    def link_review(
        self,
        ctx: Context,
        review_id: UUID,
        *,
        kind: LinkKind,
        other_review_id: UUID | None,
        external_ref: str | None,
        linked_on: date,
        note: str = "",
        expected_version: int | None = None,
    ) -> CommandResult:
        """Link a review to another: one of this service's, which must exist and be the caller's to see (another
        board's review is named by `external_ref`), or one kept elsewhere (a DHR, a SAR, a national review)."""
        review = self._permitted_review(ctx, CaseReview.link_review, review_id)
        if other_review_id is not None:
            try:
                self.review(ctx, other_review_id)
            except NotFound:
                raise UnknownReference(
                    f"no review {other_review_id} of this board: name another board's review by external_ref",
                    field="other_review_id",
                ) from None
        self._require_version(review, expected_version)
        review.link_review(
            ctx, kind=kind, other_review_id=other_review_id, external_ref=external_ref, linked_on=linked_on, note=note
        )
        return self._save(review)

    def dispose(
        self, ctx: Context, review_id: UUID, *, on: date, rationale: str, expected_version: int | None = None
    ) -> CommandResult:
        """Dispose of a review's personal data (chair), checked against the inquiry holds in the store as they
        stand: the register records the disposal in the same transaction (domain.inquiry_hold), so a hold
        placed meanwhile makes one of the two a conflict, never a disposal under a hold."""
        review = self._permitted_review(ctx, CaseReview.dispose, review_id)
        self._require_version(review, expected_version)
        register = self._inquiry_register(ctx)
        review.dispose(
            ctx, on=on, rationale=rationale, schedule=self.retention, holds=register.covering(review.board_id)
        )
        register.clear_disposal(ctx, review_id=review_id, board_id=review.board_id, disposed_on=on)
        return self._save(review, also=register)

    def set_retention_class(
        self, ctx: Context, review_id: UUID, *, retention_class: str, on: date, expected_version: int | None = None
    ) -> CommandResult:
        """Keep a review under a class of the retention schedule in force (chair)."""
        return self.act_on_review(
            ctx,
            CaseReview.set_retention_class,
            review_id,
            expected_version,
            retention_class=retention_class,
            on=on,
            schedule=self.retention,
        )

    def review(self, ctx: Context, review_id: UUID) -> CaseReview:
        """A review the actor may see; another board's review is NotFound, never Forbidden."""
        review = self._get(CaseReview, review_id, f"review {review_id} not found")
        if not sees_board(ctx.actor, review.board_id):
            raise NotFound(f"review {review_id} not found")
        return review

    @staticmethod
    def review_id(board_id: str, case_ref: str) -> UUID:
        return review_id_for(board_id, case_ref)

    # ---- learning actions ---------------------------------------------------------------------

    def agree_action(
        self,
        ctx: Context,
        *,
        review_id: UUID,
        recommendation_ref: str,
        text: str,
        lead_agency: str,
        owner: str,
        target_on: date,
        success_measure: str,
        agreed_on: date | None = None,
    ) -> CommandResult:
        """An action from one of the review's recommendations; it answers the new action's id as created."""
        _permit(ctx, CaseReviews.agree_action)
        review = self.review(ctx, review_id)
        if recommendation_ref not in review.recommendations:
            raise UnknownReference(
                f"review {review_id} has no recommendation {recommendation_ref}", field="recommendation_ref"
            )
        action = LearningAction.agree(
            ctx,
            review_id=review_id,
            board_id=review.board_id,
            recommendation_ref=recommendation_ref,
            text=text,
            lead_agency=lead_agency,
            owner=owner,
            target_on=target_on,
            success_measure=success_measure,
            agreed_on=agreed_on,
        )
        return self._save(action, action.id)

    def act_on_action(
        self,
        ctx: Context,
        command: ActionCommand[P],
        action_id: UUID,
        expected_version: int | None = None,
        /,
        *args: P.args,
        **fields: P.kwargs,
    ) -> CommandResult:
        """Run one of LearningAction's commands; an agency lead acts only on its agency's actions."""
        _permit(ctx, command)
        action = self.action(ctx, action_id)
        if not acts_on_action(ctx.actor, action.lead_agency):
            raise NotFound(f"learning action {action_id} not found")
        self._require_version(action, expected_version)
        command(action, ctx, *args, **fields)
        return self._save(action)

    def action(self, ctx: Context, action_id: UUID) -> LearningAction:
        """A learning action the actor may see."""
        action = self._get(LearningAction, action_id, f"learning action {action_id} not found")
        if not sees_board(ctx.actor, action.board_id):
            raise NotFound(f"learning action {action_id} not found")
        return action

    # ---- inquiry holds (domain.inquiry_hold) ---------------------------------------------------

    def place_inquiry_hold(
        self,
        ctx: Context,
        *,
        name: str,
        boards: tuple[str, ...] | None,
        placed_on: date,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Place an inquiry's "do not destroy" hold on registered boards, or on every board (None) (admin)."""
        _permit(ctx, CaseReviews.place_inquiry_hold)
        register = self._inquiry_register(ctx)
        self._require_version(register, expected_version)
        for board_id in boards or ():
            try:
                self.board(board_id)
            except NotFound:
                raise UnknownReference(f"board {board_id} is not registered", field="boards") from None
        hold_id = register.place_hold(ctx, name=name, boards=boards, placed_on=placed_on)
        return self._save(register, hold_id)

    def lift_inquiry_hold(
        self, ctx: Context, hold_id: UUID, *, lifted_on: date, expected_version: int | None = None
    ) -> CommandResult:
        """Lift an inquiry hold (admin)."""
        _permit(ctx, CaseReviews.lift_inquiry_hold)
        register = self._inquiry_register(ctx)
        self._require_version(register, expected_version)
        register.lift_hold(ctx, hold_id=hold_id, lifted_on=lifted_on)
        return self._save(register)

    def inquiry_holds(self, actor: Actor) -> list[InquiryHold]:
        """The holds the actor may see, read from the store (not a read model): every hold for the admin,
        those covering its own board for a board's chair or auditor."""
        require_read(actor, "inquiry_holds")
        return self.inquiry_holds_covering(actor.board)

    def inquiry_holds_covering(self, board_id: str | None) -> list[InquiryHold]:
        """The holds covering a board (None: every hold), lifted ones included, as the store holds them now."""
        register = self._stored_register()
        if register is None:
            return []
        return list(register.holds.values()) if board_id is None else register.covering(board_id)

    def _stored_register(self) -> InquiryHolds | None:
        try:
            return self._get(InquiryHolds, INQUIRY_HOLDS_ID, "no inquiry holds")
        except NotFound:
            return None

    def _inquiry_register(self, ctx: Context) -> InquiryHolds:
        """The store's register of inquiry holds; a new one (saved with its first event) if none is stored."""
        return self._stored_register() or InquiryHolds.open(ctx)

    # ---- the unit of work ---------------------------------------------------------------------

    def _permitted_review(self, ctx: Context, command: Callable[..., object], review_id: UUID) -> CaseReview:
        """The role may send the command and the board may see the review: checked before anything else is
        read (a cost's or a correction's log position), so a caller learns nothing of another board's log."""
        _permit(ctx, command)
        return self.review(ctx, review_id)

    def _get(self, cls: type[A], aggregate_id: UUID, missing: str) -> A:
        """The aggregate as stored now. With the aggregate cache on (open_application) a cached aggregate is
        brought up to date from the log before use (fast-forward: another process's events are read, never
        hidden) and handed out as a deep copy, so a command that fails leaves the cached one untouched."""
        try:
            aggregate: object = self.repository.get(aggregate_id)
            if isinstance(aggregate, CaseReview) and aggregate.disposed_on is not None and self.repository.cache:
                aggregate = self._replayed(aggregate_id, aggregate.version)
        except AggregateNotFoundError:
            raise NotFound(missing) from None
        if not isinstance(aggregate, cls):
            raise NotFound(missing)
        return aggregate

    def _replayed(self, aggregate_id: UUID, version: int) -> object:
        """A disposed review from the store, never from the cache: its cached copy may hold personal data read
        before its data key was destroyed (the key, too, is read again from the store, not this process's key
        cache), and a replay now opens its sealed fields as destroyed."""
        if self.keys is not None:
            self.keys.forget(aggregate_id)
        if self.repository.cache is not None:
            with contextlib.suppress(KeyError):  # another thread may have evicted it first
                self.repository.cache.get(aggregate_id, evict=True)
        return self.repository.get(aggregate_id, version=version)

    @staticmethod
    def _require_version(aggregate: Aggregate, expected: int | None) -> None:
        if expected is not None and aggregate.version != expected:
            raise VersionConflict(f"expected version {expected}, but it is at version {aggregate.version}")

    def _save(
        self, aggregate: Aggregate, created: UUID | None = None, *, also: Aggregate | None = None
    ) -> CommandResult:
        """Save the aggregate's new events (and `also`'s, in the same transaction); answer for the aggregate."""
        return self._store(
            aggregate,
            created,
            VersionConflict("another command changed this record first; read it again and retry"),
            also,
        )

    def _save_new(self, aggregate: Aggregate, duplicate: str) -> CommandResult:
        return self._store(aggregate, None, Duplicate(duplicate))

    def _store(
        self, aggregate: Aggregate, created: UUID | None, conflict: Exception, also: Aggregate | None = None
    ) -> CommandResult:
        together = [aggregate] if also is None else [also, aggregate]  # the answered aggregate's events last
        pending = [list(each.pending_events) for each in together]
        try:
            recordings = self.save(*together)
        except IntegrityError:
            positions = [self._position_if_recorded(events) for events in pending]
            recorded = positions[-1]
            if recorded is None or None in positions:
                raise conflict from None
            position = recorded
        else:
            position = recordings[-1].notification.id
        self._destroy_disposed_keys(pending[-1], position)
        return CommandResult(id=aggregate.id, version=aggregate.version, position=position, created=created)

    def _destroy_disposed_keys(self, events: list[Any], position: int) -> None:
        """A disposal destroys the review's data key as soon as it is stored (the disposal read model does it
        too, in case this process stops first: projections/disposal.py)."""
        if self.keys is not None and any(isinstance(event, CaseReview.Disposed) for event in events):
            self.keys.destroy_now(events[-1].originator_id, position)

    def _position_if_recorded(self, pending: list[Any]) -> int | None:
        """After a conflict, whether the store holds these very events, byte for byte: then the commit went
        through and only its answer was lost (the library retries an insert when the connection drops), so
        the command succeeded and must not be reported as a conflict (a retry would record it twice)."""
        stored = {found.originator_version: found for found in notifications_of(self, pending[-1].originator_id)}
        for event in pending:
            found = stored.get(event.originator_version)
            mine = self.mapper.to_stored_event(event)
            if found is None or (found.topic, bytes(found.state)) != (mine.topic, mine.state):
                return None
        return int(stored[pending[-1].originator_version].id)

    def _version_at(self, review_id: UUID, position: int, field_name: str) -> int:
        """The version of this review's event at a log position, or UnknownReference."""
        found = self.recorder.select_notifications(start=position, limit=1, stop=position) if position > 0 else []
        if not found or found[0].originator_id != review_id:
            raise UnknownReference(f"position {position} is not an event of review {review_id}", field=field_name)
        return int(found[0].originator_version)


def _permit(ctx: Context, command: Callable[..., object]) -> None:
    """Refuse a command the actor's role may not send; its roles are keyed by the command's own name."""
    require_permitted(ctx.actor, command.__name__)


def open_application(
    url: str,
    *,
    fast_inserts: bool = False,
    group_commit: bool = True,
    aggregate_cache: int = 0,
    retention: RetentionSchedule | None = None,
    master_key: Path | None = None,
    keys: DataKeys | None = None,
) -> CaseReviews:
    """The application on the store a database URL names (tables are created if missing), keeping reviews
    under a retention schedule (the defaults of domain.retention unless given), sealing personal fields with
    data keys wrapped by the master key (`master_key`, SCR_MASTER_KEY, or the embedded store's own), keeping
    up to `aggregate_cache` recently used aggregates in memory (0: none; each is fast-forwarded from the log
    before use and handed out as a copy, CaseReviews._get), committing concurrent commands together on
    PostgreSQL unless `group_commit` is off (projections/group_commit.py)."""
    env = DatabaseUrl(url).event_store_env(fast_inserts=fast_inserts, group_commit=group_commit)
    if aggregate_cache > 0:
        # Named in full, so a change of the library's defaults cannot turn off what makes the cache safe.
        env |= {
            "AGGREGATE_CACHE_MAXSIZE": str(aggregate_cache),
            "AGGREGATE_CACHE_FASTFORWARD": "y",
            "AGGREGATE_CACHE_FASTFORWARD_SKIPPING": "n",
            "DEEPCOPY_FROM_AGGREGATE_CACHE": "y",
        }
    app = CaseReviews(env=env, keys=keys or open_data_keys(url, master_key))
    if retention is not None:
        app.retention = retention
    return app
