"""The environment registry, modelled on Gymnasium's: specs registered by name, found by name.

    register(id="webshop", entry_point="environments.webshop.spec:SPEC")
    spec("webshop")          # the EnvSpec, imported on first use
    names()                  # every registered name, built-ins first

The bundled task sets register in `environments/__init__.py`. A separately installed package
adds its own through the entry-point group `rememberer.environments` (like Gymnasium's
`load_plugin_envs()`): the entry point's name is the environment's name and its value the spec,
e.g. in the plug-in's pyproject.toml

    [project.entry-points."rememberer.environments"]
    textworld = "rememberer_textworld.spec:SPEC"

Plug-ins are discovered once, on the first lookup.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from importlib.metadata import entry_points

from environments.errors import EnvironmentDataError
from environments.spec import EnvSpec

PLUGIN_GROUP = "rememberer.environments"


class UnknownEnvironmentError(EnvironmentDataError):
    """No environment is registered under that name."""


@dataclass
class Registry:
    """Names -> specs (or their "module:attribute" entry points, loaded on first use)."""

    entries: dict[str, EnvSpec | str] = field(default_factory=dict)
    plugins_loaded: bool = False

    def register(self, id: str, entry_point: EnvSpec | str) -> None:  # noqa: A002 - Gymnasium's word
        name = id.strip().lower()
        if not name:
            raise ValueError("an environment needs a non-empty id")
        self.entries[name] = entry_point

    def load_plugins(self) -> None:
        """Register every spec installed under the entry-point group (once)."""
        if self.plugins_loaded:
            return
        self.plugins_loaded = True
        for point in sorted(entry_points(group=PLUGIN_GROUP), key=lambda p: p.name):
            self.entries.setdefault(point.name.strip().lower(), point.value)

    def names(self) -> list[str]:
        self.load_plugins()
        return list(self.entries)

    def spec(self, name: str) -> EnvSpec:
        found = self.entries.get(name)
        if isinstance(found, EnvSpec):  # the common case, on every stored row: keep it cheap
            return found
        self.load_plugins()
        key = name.strip().lower() if isinstance(name, str) else ""
        if key not in self.entries:
            raise UnknownEnvironmentError(
                f"unknown environment {name!r} (known: {', '.join(sorted(self.entries))})")
        entry = self.entries[key]
        if isinstance(entry, str):
            entry = self.entries[key] = _load(key, entry)
        return entry


def _load(name: str, entry_point: str) -> EnvSpec:
    module_name, _, attribute = entry_point.partition(":")
    try:
        loaded = getattr(importlib.import_module(module_name), attribute or "SPEC")
    except (ImportError, AttributeError) as exc:
        raise UnknownEnvironmentError(
            f"environment {name!r}: cannot load its spec {entry_point} ({exc})") from None
    if not isinstance(loaded, EnvSpec) or loaded.name != name:
        raise UnknownEnvironmentError(
            f"environment {name!r}: {entry_point} is not an EnvSpec named {name!r}")
    return loaded


REGISTRY = Registry()  # the process-wide registry, as Gymnasium's `registry`
register = REGISTRY.register
spec = REGISTRY.spec
names = REGISTRY.names
