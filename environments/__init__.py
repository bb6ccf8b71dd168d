"""The worlds the agent acts in (Gymnasium environments), registered with string entry points
so importing this package stays light."""

from gymnasium.envs.registration import register

register(id="rememberer/WebShop-v0", entry_point="environments.webshop.env:WebShopEnv")
register(id="rememberer/WikiHow-v0", entry_point="environments.wikihow.env:WikiHowEnv")
