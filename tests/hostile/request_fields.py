"""The fields of a route's request body as the OpenAPI document describes them: free text and numbers.

Used to aim hostile values at every text field and every number of every command, from the same
document clients are built from, so a new field is covered without editing a list."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

Schema = dict[str, Any]


def resolve(spec: Schema, schema: Schema) -> Schema:
    """A schema with its $ref followed (one level: components refer to components)."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def leaves(spec: Schema, schema: Schema, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Schema]]:
    """(field path, schema) of every scalar field, through nested objects and nullable unions."""
    schema = resolve(spec, schema)
    if "properties" in schema:
        for name, child in schema["properties"].items():
            yield from leaves(spec, child, (*path, name))
        return
    options = [resolve(spec, option) for option in schema.get("anyOf", [schema])]
    objects = [option for option in options if "properties" in option]
    if objects:
        yield from leaves(spec, objects[0], path)
        return
    yield path, {"anyOf": options}


def is_free_text(schema: Schema) -> bool:
    """A plain string: no enum, format or pattern (those are refused for any other text anyway)."""
    return any(o.get("type") == "string" and not ({"enum", "format", "pattern"} & set(o)) for o in schema["anyOf"])


def is_number(schema: Schema) -> bool:
    return any(option.get("type") in ("integer", "number") for option in schema["anyOf"])


def body_schema(spec: Schema, path: str) -> Schema | None:
    """The JSON request body schema of a POST route, if it takes one."""
    content = spec["paths"][path]["post"].get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def with_values(base: dict[str, Any], paths: list[tuple[str, ...]], value: Any) -> dict[str, Any]:
    """A copy of a body with each field path set to `value` (nested objects created as needed)."""
    changed = copy.deepcopy(base)
    for path in paths:
        node = changed
        for name in path[:-1]:
            node = node.setdefault(name, {})
        node[path[-1]] = value
    return changed
