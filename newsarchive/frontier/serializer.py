"""Requests in the shared queue as JSON, not pickle: readable, and no code runs when loading.

scrapy-redis takes any module with `dumps` and `loads` (SCHEDULER_SERIALIZER). Requests arrive
as `Request.to_dict()`; the only non-JSON parts are bytes (headers, body) and the chain.
"""

from __future__ import annotations

import json
from typing import Any

from newsarchive.frontier.spider import FrontierChain


def dumps(request: dict[str, Any]) -> str:
    record = dict(request)
    record["headers"] = {
        _text(name): [_text(value) for value in values]
        for name, values in request.get("headers", {}).items()
    }
    record["body"] = _text(request.get("body", b""))
    return json.dumps(record, default=_encode, separators=(",", ":"), sort_keys=True)


def loads(data: bytes | str) -> dict[str, Any]:
    record = json.loads(data, object_hook=_decode)
    record["body"] = record["body"].encode("latin-1")
    return record


def _text(value: bytes | str) -> str:
    """Bytes as text, one character per byte (HTTP header bytes are latin-1)."""
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _encode(value: object) -> object:
    if isinstance(value, FrontierChain):
        return {"__chain__": value.as_json()}
    raise TypeError(f"cannot queue a {type(value).__name__} in a request")


def _decode(obj: dict[str, Any]) -> object:
    if "__chain__" in obj:
        return FrontierChain.from_json(obj["__chain__"])
    return obj
