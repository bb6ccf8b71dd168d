"""The README stays a short front door, its links and the docs pages' links point at files that
exist, and every docs page is in the site's navigation (mkdocs checks the same in CI; this runs
without mkdocs)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
CODE = re.compile(r"`[^`\n]*`")


def local_links(page: Path) -> list[str]:
    """Relative link targets of a Markdown page, code blocks and code spans left out."""
    text = CODE.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))
    return [t for t in LINK.findall(text) if not re.match(r"^[a-z]+:|^#", t)]


def test_readme_is_a_short_front_door():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines; move details into docs/"


def test_links_point_at_files_that_exist():
    pages = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
    broken = [(page.relative_to(ROOT), target) for page in pages for target in local_links(page)
              if not (page.parent / target.split("#")[0]).exists()]
    assert not broken
    assert "docs/getting-started.md" in local_links(ROOT / "README.md")


def _nav_pages(entries) -> list[str]:
    pages = []
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages += _nav_pages(value) if isinstance(value, list) else [value]
    return pages


def test_every_docs_page_is_in_the_navigation():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = _nav_pages(config["nav"])
    on_disk = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))
    assert sorted(nav) == on_disk
    assert len(nav) == len(set(nav))
