"""A load generator for the HTTP benchmarks, run as its own process: N clients on keep-alive connections.

`python -m benchmarks.http_load PLAN.json` reads {"host", "port", "clients", "seconds", "requests"} where
`requests` is a list per client of [method, path, headers, body-or-null] sent round-robin until the
time is up; prints one JSON line: requests, seconds, statuses, p50_ms, p99_ms. Plain http.client keeps
the generator's own cost low (it shares the machine with the service)."""

from __future__ import annotations

import http.client
import json
import resource
import statistics
import sys
import threading
import time
from collections import Counter
from typing import Any


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def client(plan: dict[str, Any], requests: list[list[Any]], start: threading.Barrier, out: dict[str, Any]) -> None:
    connection = http.client.HTTPConnection(plan["host"], plan["port"], timeout=30)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    encoded = [(m, p, h, json.dumps(b).encode() if b is not None else None) for m, p, h, b in requests]
    start.wait()
    deadline = time.perf_counter() + plan["seconds"]
    number = 0
    while (now := time.perf_counter()) < deadline:
        method, path, headers, body = encoded[number % len(encoded)]
        number += 1
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - now)
        statuses[response.status] += 1
    connection.close()
    out["latencies"], out["statuses"] = latencies, statuses


def run(plan: dict[str, Any]) -> dict[str, Any]:
    """Send the plan's requests from its clients until its seconds are up; latencies and statuses."""
    start = threading.Barrier(plan["clients"] + 1)
    results: list[dict[str, Any]] = [{} for _ in range(plan["clients"])]
    threads = [
        threading.Thread(target=client, args=(plan, plan["requests"][n], start, results[n]))
        for n in range(plan["clients"])
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    latencies = sorted(value for result in results for value in result["latencies"])
    statuses = sum((result["statuses"] for result in results), Counter())
    return {
        "requests": len(latencies),
        "seconds": seconds,
        "per_s": len(latencies) / seconds,
        "statuses": {str(status): count for status, count in statuses.items()},
        "p50_ms": 1000 * percentile(latencies, 0.50),
        "p99_ms": 1000 * percentile(latencies, 0.99),
        "mean_ms": 1000 * statistics.fmean(latencies) if latencies else 0.0,
        "cpu_seconds_self": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 2),
    }


if __name__ == "__main__":
    with open(sys.argv[1]) as plan_file:
        print(json.dumps(run(json.load(plan_file))))
