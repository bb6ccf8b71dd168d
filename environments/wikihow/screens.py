"""Pages of the simulated wikiHow app and their rendering as Mobile-Env-style HTML screens.

A page is laid out as a fixed `header`, a scrollable `body` and the status bar. The screen is the
header, a window of the body starting at the page's scroll offset, and the status bar; element ids
are numbered 0..n-1 on every screen. One leaf element per line:
`<tag class="..." alt="..." id="i" clickable="true|false">text</tag>` (`img` and `input` are void
elements without text or closing tag; `input` carries `value` and `type="text"`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from environments.wikihow import topics as T
from environments.wikihow.corpus import Article, Corpus

BULLET = "\u2022"  # •
REF_MARK = "\u2191"  # ↑, as the app prefixes reference links
TRUST_LINK = "Learn why people trust wikiHow"


@dataclass(frozen=True)
class Link:
    """What clicking an element does. kind: back | home | drawer | search | clear | article |
    author | category | about | jump (scroll the page to the body element with `ref` anchor)."""

    kind: str
    ref: int | str | None = None


@dataclass(frozen=True)
class Element:
    tag: str  # p | button | img | input | div
    text: str = ""
    cls: str = ""
    alt: str = ""
    clickable: bool = False
    link: Link | None = None
    typeable: bool = False  # INPUT(i, text) is accepted here
    value: str = ""  # input elements only
    anchor: str = ""  # names a section start: "references", "about_article"


@dataclass
class Page:
    """One entry of the navigation stack; `ref` is the article/author id, category name or
    search query; `offset` is the scroll position (index of the first visible body element)."""

    kind: str  # home | drawer | search | article | author | category | about
    ref: int | str | None = None
    offset: int = 0


@dataclass(frozen=True)
class Layout:
    header: tuple[Element, ...]
    body: tuple[Element, ...]
    window: int  # body elements visible at once
    stride: int  # body elements moved by one scroll
    anchors: dict[str, int] = field(default_factory=dict)

    @property
    def max_offset(self) -> int:
        return max(0, len(self.body) - self.window)

    def clamp(self, offset: int) -> int:
        return min(max(0, offset), self.max_offset)

    def visible(self, offset: int) -> list[Element]:
        start = self.clamp(offset)
        return [*self.header, *self.body[start:start + self.window], STATUS_BAR]


STATUS_BAR = Element("div", cls="statusBarBackground")
LOGO = Element("img", cls="wikihow toolbar logo")
SEARCH_BUTTON = Element("img", cls="search button", alt="Search", clickable=True,
                        link=Link("search"), typeable=True)
NAV_UP = Element("button", alt="Navigate up", clickable=True, link=Link("back"))
PAGE_HEADER = (NAV_UP, LOGO, SEARCH_BUTTON)

WINDOWS = {  # (window, stride) per page kind
    "home": (1, 1), "drawer": (10, 5), "search": (50, 25), "article": (14, 7),
    "author": (8, 4), "category": (22, 11), "about": (10, 5),
}


def _layout(kind: str, header: tuple[Element, ...], body: list[Element]) -> Layout:
    window, stride = WINDOWS[kind]
    anchors = {e.anchor: i for i, e in enumerate(body) if e.anchor}
    return Layout(header, tuple(body), window, stride, anchors)


def short_title(title: str) -> str:
    return title.removeprefix("How to ")


def _home() -> Layout:
    header = (Element("button", alt="Open navigation drawer", clickable=True, link=Link("drawer")),
              LOGO, SEARCH_BUTTON)
    return _layout("home", header, [Element("div", cls="webView", clickable=True)])


def _drawer() -> Layout:
    header = (Element("img", cls="navigation header", alt="wikiHow"),)
    body = [Element("p", "Home", cls="design drawer item", clickable=True, link=Link("home")),
            Element("p", "About wikiHow", cls="design drawer item", clickable=True, link=Link("about"))]
    return _layout("drawer", header, body)


def _search(corpus: Corpus, query: str) -> Layout:
    header = (
        Element("button", alt="Collapse", clickable=True, link=Link("back")),
        Element("input", cls="search src text", value=query, clickable=True, typeable=True),
        Element("img", cls="search close btn", alt="Clear query", clickable=True, link=Link("clear")),
    )
    body: list[Element] = []
    hits = corpus.search(query) if query.strip() else []
    for article_id in hits:
        a = corpus.articles[article_id]
        link = Link("article", article_id)
        row = [("div", a.title), ("div", BULLET), ("p", f"{a.views:,} views"), ("div", BULLET),
               ("p", "Updated"), ("p", a.updated)]
        if a.expert:
            row += [("div", BULLET), ("p", "Expert Co-Authored")]
        body += [Element(tag, text, clickable=True, link=link) for tag, text in row]
    if query.strip() and not hits:
        body.append(Element("p", f"No results for {query.strip()}"))
    return _layout("search", header, body)


def _article(corpus: Corpus, a: Article) -> Layout:
    author = corpus.authors[a.author]
    to_author = Link("author", a.author)
    body = [
        Element("p", a.top.upper(), clickable=True, link=Link("category", a.top)),
        Element("p", a.sub.upper(), clickable=True, link=Link("category", a.sub)),
        Element("div", a.title),
        Element("p", "Co-authored by", clickable=True, link=to_author),
        Element("p", author.name, clickable=True, link=to_author),
        Element("button", f"Last Updated: {a.last_updated}", clickable=True, link=Link("jump", "about_article")),
        Element("p", "References", clickable=True, link=Link("jump", "references")),
        Element("div", a.intro),
    ]
    for n, step in enumerate(a.steps, start=1):
        body.append(Element("img", alt=f"Image titled {short_title(a.title)} Step {n}.jpg"))
        body.append(Element("div", f"{n}\n{step}"))
    body.append(Element("div", "References", anchor="references"))
    body += [Element("p", f"{REF_MARK} {url}", anchor="reference") for url in a.references]
    body += [
        Element("div", "About This Article", anchor="about_article"),
        Element("p", "Co-authored by:"),
        Element("p", author.name, clickable=True, link=to_author),
        Element("p", f"{a.views:,} views"),
        Element("p", TRUST_LINK, clickable=True, link=Link("about")),
        Element("div", "Did this article help you?"),
    ]
    return _layout("article", PAGE_HEADER, body)


def _author(corpus: Corpus, author_id: int) -> Layout:
    author = corpus.authors[author_id]
    written = corpus.by_author.get(author_id, [])
    body = [
        Element("img", alt=author.name),
        Element("p", author.name),
        Element("p", author.role),
        Element("div", author.bio),
        Element("p", f"{len(written)} Articles"),
    ]
    body += [Element("div", corpus.articles[i].title, clickable=True, link=Link("article", i))
             for i in written[:20]]
    return _layout("author", PAGE_HEADER, body)


def _category(corpus: Corpus, name: str) -> Layout:
    ids = corpus.by_category.get(name, [])
    body = [Element("p", name), Element("p", f"{len(ids)} Articles")]
    for i in ids[:20]:
        a = corpus.articles[i]
        link = Link("article", i)
        body += [
            Element("img", alt=f"{short_title(a.title)}.jpg", clickable=True, link=link),
            Element("p", a.title, clickable=True, link=link),
            Element("div", f"{a.views:,} views", clickable=True, link=link),
            Element("div", f"Updated {a.updated}", clickable=True, link=link),
        ]
    return _layout("category", PAGE_HEADER, body)


def _about() -> Layout:
    body = [Element("p", "About wikiHow")]
    body += [Element("div", text) for text in T.ABOUT_PARAGRAPHS]
    body.append(Element("p", "How articles are reviewed"))
    return _layout("about", PAGE_HEADER, body)


def layout_of(corpus: Corpus, page: Page) -> Layout:
    if page.kind == "home":
        return _home()
    if page.kind == "drawer":
        return _drawer()
    if page.kind == "search":
        return _search(corpus, str(page.ref or ""))
    if page.kind == "article":
        return _article(corpus, corpus.articles[int(page.ref)])
    if page.kind == "author":
        return _author(corpus, int(page.ref))
    if page.kind == "category":
        return _category(corpus, str(page.ref))
    if page.kind == "about":
        return _about()
    raise ValueError(f"unknown page kind {page.kind!r}")


def _escape(text: str, attribute: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if attribute:
        text = text.replace('"', "&quot;")
    return text.replace("\n", "&#10;")


def render_element(element: Element, ident: int) -> str:
    attrs = []
    if element.cls:
        attrs.append(f'class="{_escape(element.cls, True)}"')
    if element.alt:
        attrs.append(f'alt="{_escape(element.alt, True)}"')
    if element.tag == "input":
        attrs += [f'value="{_escape(element.value, True)}"', 'type="text"']
    attrs += [f'id="{ident}"', f'clickable="{"true" if element.clickable else "false"}"']
    opening = f"<{element.tag} {' '.join(attrs)}>"
    if element.tag in ("img", "input"):
        return opening
    return f"{opening}{_escape(element.text)}</{element.tag}>"


def render(elements: list[Element]) -> str:
    """The observation: one element per line, ids 0..n-1."""
    return "\n".join(render_element(e, i) for i, e in enumerate(elements))
