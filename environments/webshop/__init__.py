"""WebShop (Yao et al., 2022) offline: a bundled catalogue, BM25 search and WebShop's reward.

    from environments.webshop import WebShopEnv, SPLITS
    env = WebShopEnv()
    observation, info = env.reset(options={"goal": 3})
    observation, reward, terminated, truncated, info = env.step("search[blue shirt]")

The names below are imported on first use, so that looking up the plug-in spec
(`environments.webshop.spec`) does not load the simulator.
"""

from importlib import import_module

_HOMES = {"WebShopEnv": "environments.webshop.env", "SPLITS": "environments.webshop.spec",
          "load_catalogue": "environments.webshop.catalogue",
          "num_goals": "environments.webshop.catalogue"}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
