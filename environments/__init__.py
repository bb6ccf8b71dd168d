"""The worlds the agent acts in: one sub-package per task set, each a Gymnasium environment plus
its plug-in spec (environments/spec.py). The bundled task sets register here, by entry-point
strings so that importing this package stays light; installed plug-ins are found through the
`rememberer.environments` entry-point group (environments/registry.py)."""

from gymnasium.envs.registration import register as register_gym

from environments.registry import register

register(id="webshop", entry_point="environments.webshop.spec:SPEC")
register(id="wikihow", entry_point="environments.wikihow.spec:SPEC")

register_gym(id="rememberer/WebShop-v0", entry_point="environments.webshop.env:WebShopEnv")
register_gym(id="rememberer/WikiHow-v0", entry_point="environments.wikihow.env:WikiHowEnv")
