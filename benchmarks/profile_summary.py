"""Where the API processes' time went: `python -m benchmarks.profile_summary STACKS.txt [N]`.

Reads py-spy's raw output (one collapsed stack a line, `frame;frame;... count`; benchmarks/bench_commands.py
writes it under BENCH_PROFILE) and prints, for the request threads' samples, the share of time inside each
of the phases a command passes through (a sample counts once in every phase on its stack), then the N
functions with most time inclusive."""

from __future__ import annotations

import sys
from collections import Counter

# Phases of a command, by a function on the stack (py-spy names frames "function (file:line)").
PHASES = {
    "request in all (Starlette app)": "__call__ (starlette/applications.py",
    "endpoint (routing to answer)": "run_endpoint_function (fastapi/routing.py",
    "body parsing and validation": "request_body_to_args (fastapi/dependencies/utils.py",
    "bearer token and actor": "verify (service/tokens.py",
    "load the aggregate: repository.get": "get (eventsourcing/application.py",
    "  of which: SELECT of its events": "select_events (eventsourcing/postgres.py",
    "  of which: deepcopy from the cache": "deepcopy (copy.py",
    "  of which: decode events (mapper)": "to_domain_event (projections/storage.py",
    "domain command (rules + event)": "send (service/api/schemas",
    "save: the library's insert and commit": "insert_events (eventsourcing/postgres.py",
    "  of which: lock table, insert, notify": "_insert_events (eventsourcing/postgres.py",
    "  of which: commit": "commit (psycopg/connection.py",
    "encode events (mapper)": "to_stored_event (projections/storage.py",
    "response validation and serialisation": "serialize_response (fastapi/routing.py",
    "engine wake": "wake (projections/engine.py",
}


def main() -> None:
    path, top = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25
    total, phases, inclusive = 0, Counter[str](), Counter[str]()
    for line in open(path):  # noqa: SIM115 - a one-shot script
        stack, _, count_text = line.rstrip().rpartition(" ")
        if "anyio" not in stack and "starlette" not in stack:
            continue  # the event loop idling, the pool's housekeeping: not a request's time
        count = int(count_text)
        total += count
        frames = stack.split(";")
        for name, marker in PHASES.items():
            if any(marker in frame for frame in frames):
                phases[name] += count
        for frame in set(frames):
            inclusive[frame] += count
    print(f"{total} samples in request threads and the event loop")
    for name in PHASES:
        print(f"{100 * phases[name] / max(total, 1):6.1f}%  {name}")
    print()
    for frame, count in inclusive.most_common(top):
        print(f"{100 * count / max(total, 1):6.1f}%  {frame[:150]}")


if __name__ == "__main__":
    main()
