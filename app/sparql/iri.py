"""IRI references: checking them and resolving them against a base (RFC 3986 §5.2)."""

from __future__ import annotations

import re

from pyoxigraph import NamedNode

_PARTS = re.compile(
    r"^(?:([A-Za-z][A-Za-z0-9+.\-]*):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$",
    re.DOTALL,
)


def is_absolute_iri(value: str) -> bool:
    """True when `value` is an absolute IRI the engine accepts as a graph or resource name."""
    try:
        NamedNode(value)
    except ValueError:
        return False
    return True


def resolve(base: str | None, reference: str) -> str | None:
    """`reference` resolved against `base`; None when it is relative and there is no base."""
    ref = _PARTS.match(reference)
    if ref is None:
        return None
    scheme, authority, path, query, fragment = ref.groups()
    if scheme is not None:
        return _join(scheme, authority, _remove_dots(path), query, fragment)
    if base is None:
        return None
    parsed = _PARTS.match(base)
    if parsed is None or parsed.group(1) is None:
        return None
    b_scheme, b_authority, b_path, b_query, _ = parsed.groups()
    if authority is not None:
        return _join(b_scheme, authority, _remove_dots(path), query, fragment)
    if path == "":
        kept_query = query if query is not None else b_query
        return _join(b_scheme, b_authority, b_path, kept_query, fragment)
    merged = path if path.startswith("/") else _merge(b_authority, b_path, path)
    return _join(b_scheme, b_authority, _remove_dots(merged), query, fragment)


def _merge(base_authority: str | None, base_path: str, path: str) -> str:
    if base_authority is not None and base_path == "":
        return "/" + path
    return base_path[: base_path.rfind("/") + 1] + path


def _remove_dots(path: str) -> str:
    output: list[str] = []
    rest = path
    while rest:
        if rest.startswith("../"):
            rest = rest[3:]
        elif rest.startswith(("./", "/./")):
            rest = rest[2:]
        elif rest == "/.":
            rest = "/"
        elif rest.startswith("/../"):
            rest = rest[3:]
            if output:
                output.pop()
        elif rest == "/..":
            rest = "/"
            if output:
                output.pop()
        elif rest in (".", ".."):
            rest = ""
        else:
            cut = rest.find("/", 1)
            segment, rest = (rest, "") if cut < 0 else (rest[:cut], rest[cut:])
            output.append(segment)
    return "".join(output)


def _join(
    scheme: str, authority: str | None, path: str, query: str | None, fragment: str | None
) -> str:
    text = scheme + ":"
    if authority is not None:
        text += "//" + authority
    text += path
    if query is not None:
        text += "?" + query
    if fragment is not None:
        text += "#" + fragment
    return text
