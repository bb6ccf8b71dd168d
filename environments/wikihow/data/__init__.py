"""Bundled WikiHow data files (corpus.json.gz, tasks.json.gz); a package so they ship as package data."""
