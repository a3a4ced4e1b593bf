"""Canned research queries: `.rq` files with a `#+` YAML header, served over HTTP and the CLI.

`load_registry(folder)` validates every file (a broken one raises `HeaderError`); `bind` turns
request values into typed RDF terms; `run_page` runs a query over a viewer's dataset and returns
one stable page; `app.canned.render` and `app.canned.html` turn a page into JSON, CSV or HTML.
"""

from app.canned.header import HeaderError, ParameterSpec, QueryHeader
from app.canned.params import Binding, ParameterError, bind
from app.canned.registry import CannedQuery, QueryRegistry, load_registry
from app.canned.results import Page, run_page

__all__ = [
    "Binding",
    "CannedQuery",
    "HeaderError",
    "Page",
    "ParameterError",
    "ParameterSpec",
    "QueryHeader",
    "QueryRegistry",
    "bind",
    "load_registry",
    "run_page",
]
