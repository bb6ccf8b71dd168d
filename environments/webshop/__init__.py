"""WebShop (Yao et al., 2022) offline: a bundled catalogue, BM25 search and WebShop's reward.

    from environments.webshop import WebShopEnv, SPLITS
    env = WebShopEnv()
    observation, info = env.reset(options={"goal": 3})
    observation, reward, terminated, truncated, info = env.step("search[blue shirt]")
"""

from environments.webshop.catalogue import load_catalogue, num_goals
from environments.webshop.env import WebShopEnv

# The paper's goal splits: test on goals 0..99, train on S0 / S1. Any range can be used.
SPLITS = {"test": range(0, 100), "S0": range(500, 510), "S1": range(510, 520)}

__all__ = ["SPLITS", "WebShopEnv", "load_catalogue", "num_goals"]
