"""Where the API processes' time went: `python -m benchmarks.profile_summary STACKS.txt [N] [COMMANDS]`.

Reads py-spy's raw output (one collapsed stack a line, `frame;frame;... count`; benchmarks/bench_commands.py
writes it under BENCH_PROFILE at 200 samples a second, idle samples included, so shares are of wall time) and
prints, for the samples of requests (the event loop's request handling and the worker threads running
endpoints), the share of time inside each phase a command passes through (a sample counts once in every
phase on its stack) and, given the COMMANDS answered meanwhile, the wall milliseconds per command; then the
N functions with most time inclusive."""

from __future__ import annotations

import sys
from collections import Counter

# Phases of a command, by a function on the stack (py-spy names frames "function (file:line)").
PHASES: dict[str, str | tuple[str, ...]] = {
    "request in all (Starlette app)": "__call__ (starlette/applications.py",
    "endpoint (routing to answer)": "run_endpoint_function (fastapi/routing.py",
    "body parsing and validation": "request_body_to_args (fastapi/dependencies/utils.py",
    "bearer token and actor": "verify (service/tokens.py",
    "load the aggregate: repository.get": "get (eventsourcing/application.py",
    "  of which: SELECT of its events": "select_events (eventsourcing/postgres.py",
    "  of which: deepcopy from the cache": "deepcopy (copy.py",
    "  of which: decode events (mapper)": "to_domain_event (projections/storage.py",
    "domain command (rules + event)": "send (service/api/schemas",
    "save: insert and commit": ("insert_events (eventsourcing/postgres.py", "_insert_in_one_round_trip ("),
    "  of which: waiting on the server": ("wait (psycopg/connection.py",),
    "encode events (mapper)": "to_stored_event (projections/storage.py",
    "response validation and serialisation": "serialize_response (fastapi/routing.py",
    "engine wake": "wake (projections/engine.py",
}


RATE = 200  # samples a second, as bench_commands asks py-spy


def main() -> None:
    path, top = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25
    commands = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    total, phases, inclusive = 0, Counter[str](), Counter[str]()
    for line in open(path):  # noqa: SIM115 - a one-shot script
        stack, _, count_text = line.rstrip().rpartition(" ")
        if "starlette" not in stack and "service/api/commands.py" not in stack:
            continue  # idle threads, the event loop waiting, the pool's housekeeping: not a request's time
        count = int(count_text)
        total += count
        frames = stack.split(";")
        for name, marker in PHASES.items():
            markers = (marker,) if isinstance(marker, str) else marker
            if any(one in frame for frame in frames for one in markers):
                phases[name] += count
        for frame in set(frames):
            inclusive[frame] += count
    print(f"{total} samples in request threads and the event loop")
    for name in PHASES:
        per_command = f"{phases[name] / RATE / commands * 1000:7.2f} ms" if commands else ""
        print(f"{100 * phases[name] / max(total, 1):6.1f}% {per_command}  {name}")
    print()
    for frame, count in inclusive.most_common(top):
        print(f"{100 * count / max(total, 1):6.1f}%  {frame[:150]}")


if __name__ == "__main__":
    main()
