"""Bundled WebShop catalogue and goals (package data, written by scripts/make_webshop_data.py)."""
