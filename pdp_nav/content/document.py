"""A YAML file read as plain data, with the position of every value and key (:class:`Document`).

Apart from :mod:`.yamlio`, which parses: what reads a document (the build, the checks, the
cache) does not import PyYAML, so that a warm load (from the cache) never does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Location, Problem, shown

YamlPath = tuple[str | int, ...]
"""Where a value stands in a document: its keys and list indexes from the top."""


@dataclass
class Document:
    """A YAML file read as plain data, with the position of every value and key."""

    file: str
    """The path as shown in messages."""
    data: Any
    marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    """Non-fatal findings (duplicate keys: the first value is kept), for the linter."""
    digest: str = ""
    """sha256 of the file's bytes."""
    written: dict[YamlPath, str] = field(default_factory=dict)
    """How each value YAML read as a boolean, number or null was written (``yes``, ``~``…)."""

    def shown(self, path: YamlPath, value: Any) -> str:
        """The value at ``path`` as written in the file, for a message (cut if long)."""
        return shown(self.written.get(tuple(path), value))

    def loc(self, path: YamlPath = (), *, key: bool = False) -> Location:
        """Location of the value at ``path`` (of its key with ``key=True``), or its nearest parent."""
        table = self.key_marks if key else self.marks
        if key and path not in table:
            table = self.marks
        p = tuple(path)
        while p:
            if p in table:
                return Location(self.file, *table[p])
            p = p[:-1]
        line, col = self.marks.get((), (1, 1))
        return Location(self.file, line, col)
