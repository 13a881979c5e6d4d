"""The serious case review domain: aggregates, events, rules and deadlines. Pure: no I/O."""
