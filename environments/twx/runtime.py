"""Starting the TextWorldExpress engine (a JVM behind py4j), with one-line errors when the
package or a Java runtime is missing."""

from __future__ import annotations

import importlib
import shutil
from typing import Any

from environments.errors import EnvironmentDataError

INSTALL_HINT = "pip install -e '.[textworld]'"
JAVA_HINT = "install a Java runtime (e.g. apt-get install default-jre-headless)"
# TextWorldExpress ends an episode after this many moves on its own; the adapter's max_steps
# is what limits episodes, so the engine's limit is set out of reach.
ENGINE_STEP_LIMIT = 10**9


class TextWorldExpressUnavailable(EnvironmentDataError):
    """The textworld-express package or the Java runtime it needs is missing."""


def require() -> Any:
    """The `textworld_express` module, after checking that it and `java` are there."""
    try:
        module = importlib.import_module("textworld_express")
    except ImportError:
        raise TextWorldExpressUnavailable(
            f"the TextWorldExpress environments need the textworld-express package: {INSTALL_HINT}") from None
    if shutil.which("java") is None:
        raise TextWorldExpressUnavailable(
            f"TextWorldExpress runs on Java, and no `java` was found on PATH: {JAVA_HINT}")
    return module


def start_engine() -> Any:
    """A running `textworld_express.TextWorldExpressEnv` (one JVM; close() stops it)."""
    module = require()
    try:
        return module.TextWorldExpressEnv(envStepLimit=ENGINE_STEP_LIMIT)
    except Exception as exc:  # noqa: BLE001 - py4j/JVM start-up fails in many ways
        raise TextWorldExpressUnavailable(
            f"could not start the TextWorldExpress engine ({type(exc).__name__}: {exc}); "
            f"check that `java -version` works, or {JAVA_HINT}") from None
