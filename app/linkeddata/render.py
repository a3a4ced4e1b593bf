"""Renders the linked-data pages from the Jinja templates in `app/templates/ld/`.

Autoescaped, no JavaScript: a page reads the same in any browser, a screen reader or a crawler.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.linkeddata.links import Linker
from app.linkeddata.pages import ResourcePage

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "ld"
STYLESHEET_FILE = TEMPLATES / "ld.css"


class Renderer:
    def __init__(self, folder: Path = TEMPLATES) -> None:
        self._env = Environment(
            loader=FileSystemLoader(str(folder)),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def resource(self, page: ResourcePage, linker: Linker, extras: dict[str, Any]) -> str:
        return self._render("resource.html", page=page, linker=linker, **extras)

    def kind_index(self, **values: Any) -> str:
        return self._render("kind.html", **values)

    def home(self, **values: Any) -> str:
        return self._render("home.html", **values)

    def not_found(self, message: str, linker: Linker) -> str:
        return self._render("not_found.html", message=message, linker=linker)

    def _render(self, name: str, **values: Any) -> str:
        return self._env.get_template(name).render(**values)


def stylesheet() -> bytes:
    return STYLESHEET_FILE.read_bytes()
