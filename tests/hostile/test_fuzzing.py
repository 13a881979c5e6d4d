"""Schema-driven fuzzing of every endpoint from the OpenAPI document: no 5xx, answers match their schemas.

schemathesis generates requests from the document (valid and invalid: wrong types, missing fields,
boundary values, odd strings) and checks each answer: never a server error, a documented status,
the documented content type, a body matching the documented schema, and invalid data refused. Not
checked: that schema-valid data is accepted, since API.md refuses with 422 what no schema can express
(dates in the future or out of order, a blank rationale after trimming, an If-Match that is not a version). Every
operation is fuzzed and every failure collected, so one run names all the endpoints at fault."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error, positive_data_acceptance

from domain.values import Role
from tests.hostile.conftest import Target, bearer

EXAMPLES_PER_OPERATION = 8


def is_documented_wait(response: schemathesis.Response) -> bool:
    """API.md: a read whose min_position the projections have not reached answers 503 with Retry-After."""
    problem = response.json() if response.headers.get("content-type") == ["application/problem+json"] else {}
    return (
        response.status_code == 503
        and problem.get("code") == "projection_behind"
        and "retry-after" in {name.lower() for name in response.headers}
    )


def fuzz(operation: schemathesis.APIOperation, headers: dict[str, str]) -> None:
    """Send generated requests to one operation until one fails a check (hypothesis then shrinks it)."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        response = case.call_and_validate(
            headers=headers, excluded_checks=[not_a_server_error, positive_data_acceptance]
        )
        assert response.status_code < 500 or is_documented_wait(response), response.text[:500]

    run()


def test_every_endpoint_answers_fuzzed_requests_without_a_server_error_and_as_documented(target: Target) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", target.api)
    operations = [result.ok() for result in schema.get_all_operations()]
    failures = {}
    for operation in operations:
        try:
            fuzz(operation, bearer(Role.BOARD_CHAIR))
        except (Exception, BaseExceptionGroup) as failure:  # every operation fuzzed; failures reported together
            failures[operation.label] = str(failure)[:1500]
    assert len(operations) > 40
    assert failures == {}, "\n\n".join(f"{label}: {failure}" for label, failure in failures.items())
    assert target.stopped_projections() == []
