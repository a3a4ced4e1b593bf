"""YAML and JSON record files parsed into dicts and lists that remember their line numbers.

Error messages must say where a problem is, so every mapping keeps the line it starts on and the
line of each of its keys, and every list the line of each item.

YAML is read with a resolver that follows YAML 1.2's core idea rather than PyYAML's 1.1 one:
only `true`/`false` are booleans and only `null`/`~`/empty are null; every other plain scalar
stays the text the researcher typed. So `no` stays "no", `2024-05-02` stays a string that the
schema checks as a date, and `007` keeps its zeros.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from json.decoder import scanstring  # type: ignore[attr-defined]  # absent from typeshed
from json.scanner import py_make_scanner  # type: ignore[attr-defined]  # absent from typeshed
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MERGE_TAG = "tag:yaml.org,2002:merge"


class LineDict(dict[str, Any]):
    """A mapping from a record file, with the line it starts on and the line of each key."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}


class LineList(list[Any]):
    """A list from a record file, with the line it starts on and the line of each item."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


class DocumentError(Exception):
    """The file is not well-formed YAML/JSON (or not UTF-8); `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def decode_utf8(data: bytes) -> str:
    """Decode a whole file, naming the line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DocumentError(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}); "
            "save it as UTF-8",
            line,
        ) from None


# --- YAML -------------------------------------------------------------------------------------


class _LineLoader(yaml.CSafeLoader):
    """libyaml's parser with the constructors and resolvers above."""

    # Start from no implicit resolvers at all instead of PyYAML's YAML 1.1 set.
    yaml_implicit_resolvers = {}  # noqa: RUF012

    def construct_line_map(self, node: Node) -> LineDict:
        if not isinstance(node, MappingNode):
            raise DocumentError("expected a mapping", _line(node))
        seen: dict[str, int] = {}
        for key_node, _value in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != MERGE_TAG:
                first = seen.setdefault(key_node.value, _line(key_node))
                if first != _line(key_node):
                    raise DocumentError(
                        f'field "{key_node.value}" appears twice in one mapping '
                        f"(first on line {first})",
                        _line(key_node),
                    )
        self.flatten_mapping(node)
        data = LineDict(_line(node))
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise DocumentError(
                    f"field names must be text, found {key_node.value!r}", _line(key_node)
                )
            data[key] = self.construct_object(value_node, deep=True)
            data.key_lines[key] = _line(key_node)
        return data

    def construct_line_seq(self, node: Node) -> LineList:
        if not isinstance(node, SequenceNode):
            raise DocumentError("expected a list", _line(node))
        data = LineList(_line(node))
        for item in node.value:
            data.append(self.construct_object(item, deep=True))
            data.item_lines.append(_line(item))
        return data


_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_LineLoader.add_implicit_resolver(MERGE_TAG, re.compile(r"^(?:<<)$"), ["<"])
_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_line_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_line_seq)


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def parse_yaml(text: str) -> object:
    """One YAML document; None for an empty file."""
    loader = _LineLoader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        parts = [p for p in (exc.context, exc.problem) if p]
        message = "; ".join(parts) if parts else "not valid YAML"
        if "expected a single document" in message:
            message = "holds several YAML documents (---); a record file holds one"
        return _raise(f"YAML syntax: {message}", None if mark is None else mark.line + 1)
    except yaml.YAMLError as exc:
        return _raise(f"YAML syntax: {exc}", None)
    finally:
        loader.dispose()


def _raise(message: str, line: int | None) -> object:
    raise DocumentError(message, line)


# --- JSON -------------------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")


class _LineDecoder(json.JSONDecoder):
    """A JSON decoder whose objects and arrays record the lines of their keys and items."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self.parse_object = self._parse_object
        self.parse_array = self._parse_array
        self.scan_once = py_make_scanner(self)

    def _line(self, pos: int) -> int:
        return bisect.bisect_left(self._newlines, pos) + 1

    def _value(self, scan_once: Callable[[str, int], tuple[Any, int]], s: str, end: int) -> Any:
        try:
            return scan_once(s, end)
        except StopIteration as err:
            raise json.JSONDecodeError("Expecting value", s, err.value) from None

    def _parse_object(
        self, s_and_end: tuple[str, int], strict: bool, scan_once: Any, *_: Any
    ) -> tuple[LineDict, int]:
        s, end = s_and_end
        obj = LineDict(self._line(end - 1))
        end = _WS.match(s, end).end()  # type: ignore[union-attr]
        if s[end : end + 1] == "}":
            return obj, end + 1
        while True:
            if s[end : end + 1] != '"':
                raise json.JSONDecodeError("Expecting property name in double quotes", s, end)
            key_line = self._line(end)
            key, end = scanstring(s, end + 1, strict)
            end = _WS.match(s, end).end()  # type: ignore[union-attr]
            if s[end : end + 1] != ":":
                raise json.JSONDecodeError("Expecting ':' delimiter", s, end)
            end = _WS.match(s, end + 1).end()  # type: ignore[union-attr]
            value, end = self._value(scan_once, s, end)
            if key in obj:
                first = obj.key_lines[key]
                raise DocumentError(
                    f'field "{key}" appears twice in one object (first on line {first})', key_line
                )
            obj[key] = value
            obj.key_lines[key] = key_line
            end = _WS.match(s, end).end()  # type: ignore[union-attr]
            delimiter = s[end : end + 1]
            end += 1
            if delimiter == "}":
                return obj, end
            if delimiter != ",":
                raise json.JSONDecodeError("Expecting ',' delimiter", s, end - 1)
            end = _WS.match(s, end).end()  # type: ignore[union-attr]

    def _parse_array(self, s_and_end: tuple[str, int], scan_once: Any) -> tuple[LineList, int]:
        s, end = s_and_end
        items = LineList(self._line(end - 1))
        end = _WS.match(s, end).end()  # type: ignore[union-attr]
        if s[end : end + 1] == "]":
            return items, end + 1
        while True:
            items.item_lines.append(self._line(end))
            value, end = self._value(scan_once, s, end)
            items.append(value)
            end = _WS.match(s, end).end()  # type: ignore[union-attr]
            delimiter = s[end : end + 1]
            end += 1
            if delimiter == "]":
                return items, end
            if delimiter != ",":
                raise json.JSONDecodeError("Expecting ',' delimiter", s, end - 1)
            end = _WS.match(s, end).end()  # type: ignore[union-attr]


def parse_json(text: str) -> object:
    if not text.strip():
        raise DocumentError("the file is empty; expected a JSON object of record kinds", 1)
    try:
        return _LineDecoder(text).decode(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"JSON syntax: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except RecursionError:
        raise DocumentError("JSON nesting is too deep", None) from None
