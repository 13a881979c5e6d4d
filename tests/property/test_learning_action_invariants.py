"""Random command sequences on a learning action keep its status rules, and its stored events rebuild it.

Given an agreed action, when hypothesis sends random progress reports, evidence, target changes,
completion claims, assurance decisions and reopenings (many refused), then after every step: a
refused command changed nothing; the status moved only open -> completed -> assured or back to open
as the tracker allows; the target date is the last one agreed; the store holds versions 1..n; and
replaying the stored events gives the live action's state, field for field."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule

from domain.learning_action import ActionStatus, LearningAction
from domain.values import AssuranceOutcome, Rag
from tests.property.machines import BOARD, EXAMPLES, TODAY, AggregateMachine, Later, context, steps, texts

SHA = "d" * 64
# Each command and the statuses it may start from, with the status it leads to.
MOVES: dict[str, tuple[set[ActionStatus], Any]] = {
    "report_progress": ({ActionStatus.OPEN}, None),
    "add_evidence": (set(ActionStatus), None),
    "change_target": ({ActionStatus.OPEN}, None),
    "claim_completion": ({ActionStatus.OPEN}, ActionStatus.COMPLETED),
    "assess_completion": ({ActionStatus.COMPLETED}, "by outcome"),
    "reopen": ({ActionStatus.COMPLETED, ActionStatus.ASSURED}, ActionStatus.OPEN),
}


class LearningActionMachine(AggregateMachine):
    """One learning action driven by random commands, with its expected status and target beside it."""

    action: LearningAction

    @initialize(late=st.booleans())
    def agree(self, late: bool) -> None:
        self.action = self.aggregate = LearningAction.agree(
            context(),
            review_id=uuid4(),
            board_id=BOARD,
            recommendation_ref="R1",
            text="Audit home visits",
            lead_agency="police",
            owner="DCI Safeguarding",
            target_on=TODAY.replace(year=2017) if late else TODAY,
            success_measure="Audit done",
        )
        self.save()
        self.latest = TODAY.replace(month=1)
        self.expected_status = ActionStatus.OPEN
        self.expected_target = self.action.target_on

    def run(self, command: str, **fields: Any) -> dict[str, Any] | None:
        """Send one command, checking it was allowed from the status the model expects."""
        before = self.action.status
        done = super().run(command, **fields)
        allowed, after = MOVES[command]
        if done is None:
            return None
        assert before in allowed
        if after == "by outcome":
            after = ActionStatus.ASSURED if done["outcome"] is AssuranceOutcome.ASSURED else ActionStatus.OPEN
        self.expected_status = after or before
        if command == "change_target":
            self.expected_target = done["target_on"]
        return done

    @rule(rag=st.sampled_from(Rag), on=steps)
    def report_progress(self, rag: Rag, on: Later) -> None:
        self.run("report_progress", rag=rag, note="Progress", on=on)

    @rule(on=steps, digest=st.sampled_from([SHA, "not-a-digest", SHA.upper()]))
    def add_evidence(self, on: Later, digest: str) -> None:
        self.run("add_evidence", description="Audit report", document_sha256=digest, on=on)

    @rule(to=steps, why=texts)
    def change_target(self, to: Later, why: str) -> None:
        self.run("change_target", target_on=to, reason=why)

    @rule(on=steps)
    def claim_completion(self, on: Later) -> None:
        self.run("claim_completion", on=on, note="Done")

    @rule(outcome=st.sampled_from(AssuranceOutcome), on=steps, why=texts)
    def assess_completion(self, outcome: AssuranceOutcome, on: Later, why: str) -> None:
        self.run("assess_completion", outcome=outcome, on=on, note=why)

    @rule(on=steps, why=texts)
    def reopen(self, on: Later, why: str) -> None:
        self.run("reopen", on=on, reason=why)

    @invariant()
    def the_status_and_target_are_those_the_commands_allowed(self) -> None:
        assert self.action.status is self.expected_status
        assert self.action.target_on == self.expected_target


LearningActionMachine.TestCase.settings = settings(
    max_examples=EXAMPLES or 60, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_random_learning_action_commands_keep_its_status_rules_and_replay_to_the_same_state = LearningActionMachine.TestCase
