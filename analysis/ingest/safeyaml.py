"""A YAML loader for untrusted front matter: safe types only, and no aliases.

Aliases (``*name``) let a kilobyte of YAML describe a structure of billions of nodes ("billion
laughs"): building or rendering it takes minutes and gigabytes. Front matter of real documents never
needs them, so an alias is a parse error and the block is treated as broken front matter.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent

__all__ = ["NoAliasSafeLoader"]


class NoAliasSafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that raises ``yaml.composer.ComposerError`` at the first alias."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"YAML alias *{event.anchor} refused (aliases are not allowed)", event.start_mark
            )
        return super().compose_node(parent, index)
