"""What the loader reports when study records are wrong: one `RecordError` per problem."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Past this many problems the rest are counted, not listed: a broken 200,000-row table would
# otherwise bury the first, most useful messages.
MAX_ERRORS = 100


@dataclass(frozen=True)
class RecordError:
    file: str
    message: str
    record: str | None = None  # "impositions IMP16"
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = self.record or ""
        if self.field is not None:
            what = f"{what}, field {self.field}" if what else f"field {self.field}"
        return f"{where}: {what}: {self.message}" if what else f"{where}: {self.message}"


class LoadError(Exception):
    """A study could not be loaded; nothing was written. `errors` lists every problem found."""

    def __init__(self, errors: Iterable[RecordError], omitted: int = 0) -> None:
        self.errors: list[RecordError] = list(errors)
        self.omitted = omitted
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [str(e) for e in self.errors]
        if self.omitted:
            lines.append(f"... and {self.omitted} more errors")
        return "\n".join(lines)


class ErrorList:
    """Collects errors up to MAX_ERRORS; `full` tells long loops when to stop looking."""

    def __init__(self) -> None:
        self.errors: list[RecordError] = []
        self.omitted = 0

    def add(self, error: RecordError) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)
        else:
            self.omitted += 1

    @property
    def full(self) -> bool:
        return len(self.errors) >= MAX_ERRORS

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise LoadError(self.errors, self.omitted)
