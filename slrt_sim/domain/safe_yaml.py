"""A bounded, safe YAML reader for scenario files and ``--set`` values.

A scenario is user input: an alias bomb (``&a [*a, *a, ...]``), 5,000-deep nesting or a
file with millions of nodes must end in one line of error, quickly, not a hang, a
``RecursionError`` or a ``MemoryError``. :func:`safe_load` refuses aliases and bounds depth
and node count; duplicate keys are refused and dates stay text (pydantic parses them and
reports an impossible date with its field path).
"""
from __future__ import annotations

from typing import Any

import yaml

from slrt_sim.i18n import t

MAX_FILE_BYTES = 2_000_000        # a scenario file (the shipped ones are 3-21 kB)
MAX_YAML_DEPTH = 64               # nesting of mappings and lists in a scenario file
MAX_YAML_NODES = 200_000          # nodes in a scenario file


class _Loader(yaml.SafeLoader):
    """A SafeLoader that leaves dates as text and refuses duplicate keys.

    pydantic then parses dates, so an impossible date (2025-13-01) is reported with its
    field path instead of escaping as a ``ValueError`` from PyYAML.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        """Refuse aliases (``*x``: an alias bomb grows without bound) and bound depth and size."""
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, t("err.scenario.alias"), event.start_mark)
        self._nodes += 1
        if self._nodes > MAX_YAML_NODES:
            raise yaml.composer.ComposerError(None, None, t("err.scenario.too_many_nodes", n=MAX_YAML_NODES),
                                              self.peek_event().start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(None, None, t("err.scenario.too_deep", n=MAX_YAML_DEPTH),
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):  # noqa: D401 - PyYAML hook
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, t("err.scenario.duplicate_key", key=key), key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def safe_load(text: str) -> Any:
    """Parse YAML text with :class:`_Loader` (raises ``yaml.YAMLError`` subclasses)."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
