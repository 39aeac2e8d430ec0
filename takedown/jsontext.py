"""Read untrusted JSON text into a JSON object, refusing anything odd with a plain reason.

Every reader of JSON a user sent (a hidden form field, a case file, an API body, a file on
the command line) goes through ``read_object`` (or ``read_value``, for a carried list), so
they all refuse the same things the same way: text that is not UTF-8, lone surrogate
escapes (no UTF-8 text can hold them), NaN and Infinity, numbers too large for a float,
nesting deeper than ``max_depth``, and anything larger than ``max_bytes``. No Flask here.
"""

from __future__ import annotations

import json
import math
import re

MAX_BYTES = 256 * 1024
MAX_DEPTH = 16
# Reasons a caller may answer in its own words.
EMPTY = "is empty"
NOT_AN_OBJECT = "is not a JSON object"

# A JSON string, so that brackets inside strings are not counted as nesting.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


class Unreadable(ValueError):
    """The text is not a JSON object we can read; ``reason`` completes "The text ..."."""

    def __init__(self, reason: str, too_large: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.too_large = too_large


def _reject_constant(name: str):
    raise Unreadable(f"is not valid JSON: {name} is not allowed")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Unreadable("is not valid JSON: it has a number out of range")
    return value


def _depth(text: str) -> int:
    deepest = depth = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _has_lone_surrogate(value) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def read_object(raw: bytes | str, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH,
                byte_order_mark: bool = False) -> dict:
    """Return the JSON object in ``raw``, or raise Unreadable saying what is wrong with it.

    ``byte_order_mark``: allow one at the start, as some editors save files with one.
    """
    data = read_value(raw, max_bytes, max_depth, byte_order_mark)
    if not isinstance(data, dict):
        raise Unreadable(NOT_AN_OBJECT)
    return data


def read_value(raw: bytes | str, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH,
               byte_order_mark: bool = False):
    """Return the JSON value in ``raw`` (an object, a list, ...), or raise Unreadable."""
    if isinstance(raw, bytes):
        if len(raw) > max_bytes:
            raise Unreadable(f"is larger than {max_bytes // 1024} KB", too_large=True)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise Unreadable(f"is not valid UTF-8 (at byte {error.start})") from None
    else:
        text = raw
        if len(text) > max_bytes:
            raise Unreadable(f"is larger than {max_bytes // 1024} KB", too_large=True)
    if byte_order_mark:
        text = text.removeprefix("\ufeff")
    if not text.strip():
        raise Unreadable(EMPTY)
    if _depth(text) > max_depth:
        raise Unreadable("is not valid JSON: it is nested too deeply")
    try:
        data = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        raise Unreadable(f"is not valid JSON: {error.msg} "
                         f"(line {error.lineno}, column {error.colno})") from None
    except RecursionError:
        raise Unreadable("is not valid JSON: it is nested too deeply") from None
    except Unreadable:
        raise
    except ValueError:  # an integer with more digits than Python converts
        raise Unreadable("is not valid JSON: it has a number out of range") from None
    if "\\u" in text and _has_lone_surrogate(data):
        raise Unreadable("is not valid JSON: it has an unpaired surrogate escape such as \\ud800")
    return data
