"""`rememberer memory ...`: inspect, query, import, export, merge, copy and drop memories.

Every sub-command works on an embedded folder (`--memory`, default ./memory) or a Chroma server
(`--chroma-host`/`--chroma-port`), on the collection `--collection` (default rememberer): the
same location flags as `rememberer train|test`. Commands that only
read (list, stats, show, export) open the folder without the writer lock and without loading an
embedding model; `query` loads the model only when the environment compares tasks by embedding.
All Chroma work goes through `memory_store`; what a query state holds is its environment's
(the spec's state fields, each settable by its own flag, e.g. `--action`, `--instruction`).

A double-Q memory (memory_store/double.py) is read as its merged view; `--side a|b` shows one
side as it is. export writes both sides to one JSONL file (or one view with --side), import
puts such a file back side by side, copy and drop take both sides.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from memory_store.client import DEFAULT_COLLECTION, DEFAULT_PATH, MemoryClient
from memory_store.double import SIDES, open_store
from memory_store.embedding import Embedder
from memory_store.errors import MemoryStoreError
from memory_store.pools import (
    CONFLICT_MODES, FORMATS, copy_collection, export_double, export_pool, format_of,
    is_double_export, merge_collections, read_pool_sides, require_single, write_pool,
)
from environments import registry
from environments.ranking import ranked
from environments.spec import StateField
from memory_store.records import Experience, State, experience_to_json
from memory_store.store import ExperienceStore


# --- opening memories -------------------------------------------------------------------------

class RecordedModel:
    """Stands in for the embedder in commands that never embed: it carries the name and
    dimension the collection recorded, so opening checks pass without loading a model."""

    def __init__(self, name: str, dim: int):
        self.name = name
        self.dim = dim

    def encode(self, texts: Sequence[str]):
        raise MemoryStoreError("this command does not embed text (internal: model not loaded)")

    def encode_one(self, text: str):
        return self.encode([text])


def _connect(args: argparse.Namespace, *, read_only: bool, path=None, host=None, port=None
             ) -> MemoryClient:
    if path is None and host is None and port is None:
        path, host, port = args.path, args.host, args.port
    return MemoryClient.connect(path, host=host, port=port, read_only=read_only,
                                token=getattr(args, "token", None))


def _open(client: MemoryClient, name: str, args: argparse.Namespace, *, needs_model: bool,
          must_exist: bool = True, double: bool | None = None):
    """The memory `name` on `client` (which it does not close): an `ExperienceStore`, or a
    `DoubleMemory` when the collection is double-Q (or `double` says so for a new one)."""
    if needs_model:
        embedder = Embedder(args.embedding_model)
        if must_exist:
            client.summary(name)  # a clear error when it is missing
    else:
        info = client.summary(name)
        model = info["embedding_model"]
        if args.embedding_model:  # given: it must match (checked when the store opens)
            model = Embedder(args.embedding_model).name
        embedder = RecordedModel(model, info["embedding_dim"])
    return open_store(client, name, embedder, double=double)


def _view(store, side: str | None):
    """What a reading command looks at: the memory (a double-Q one merged), or one side."""
    if side in (None, "merged"):
        return store
    if len(store.sides) == 1:
        raise MemoryStoreError(f"{store.name!r} is a single memory; --side applies to double-Q "
                               "memories")
    return store.one_side(side)


def _read_store(args: argparse.Namespace, *, needs_model: bool = False):
    client = _connect(args, read_only=True)
    try:
        return client, _open(client, args.collection, args, needs_model=needs_model)
    except BaseException:
        client.close()
        raise


# --- formatting -------------------------------------------------------------------------------

def _cut(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width - 1] + "…"


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]], right: Sequence[int] = ()
           ) -> str:
    cells = [list(map(str, headers))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for row in cells:
        parts = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def _print(text: str) -> None:
    sys.stdout.write(text + "\n")


# --- list -------------------------------------------------------------------------------------

def cmd_list(args: argparse.Namespace) -> int:
    with _connect(args, read_only=True) as client:
        names = client.list_collections()
        summaries = [client.summary(n) for n in names]
    if args.json:
        _print(json.dumps({"location": client.location, "collections": summaries}, indent=2))
        return 0
    if not summaries:
        _print(f"no collections at {client.location}")
        return 0
    _print(f"{len(summaries)} collection(s) at {client.location}")
    rows = [(s["name"], s["experiences"], s["tasks"], s["episodes"],
             "double-Q" if s["double_q"] else "single",
             s["embedding_model"] or "(not a Rememberer memory)") for s in summaries]
    _print(_table(["COLLECTION", "EXPERIENCES", "TASKS", "EPISODES", "KIND", "EMBEDDING MODEL"],
                  rows, right=(1, 2, 3)))
    if any(s["double_q"] for s in summaries):
        _print("(double-Q: two collections, <name> and <name>.b, counted as their merged view)")
    return 0


# --- stats ------------------------------------------------------------------------------------

def histogram(values: Sequence[float], bins: int) -> list[dict]:
    """Equal-width bins from min to max (the last bin includes max)."""
    if not values:
        return []
    low, high = min(values), max(values)
    if high == low:
        return [{"low": low, "high": high, "count": len(values)}]
    width = (high - low) / bins
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, int((value - low) / width))] += 1
    return [{"low": low + i * width, "high": low + (i + 1) * width, "count": c}
            for i, c in enumerate(counts)]


def memory_stats(store, bins: int = 10) -> dict:
    """Counts and distributions of a memory (or one side, or a double-Q memory's merged view)."""
    experiences = list(store.iter_experiences())
    qs = [e.q for e in experiences]
    return {
        "collection": store.name, "location": store.client.location,
        "double_q": "merged" if len(store.sides) == 2 else store.side,
        "embedding_model": store.embedder.name, "embedding_dim": int(store.embedder.dim),
        "experiences": len(experiences),
        "states": len({e.state.state_id for e in experiences}),
        "tasks": len({e.state.task_id for e in experiences}),
        "episodes": store.episode_count(),
        "visits": sum(e.visits for e in experiences),
        "environments": dict(sorted(Counter(e.state.env for e in experiences).items())),
        "q": {"min": min(qs, default=0.0), "mean": sum(qs) / len(qs) if qs else 0.0,
              "max": max(qs, default=0.0), "histogram": histogram(qs, bins)},
        "patterns": dict(sorted(Counter(f"{e.state.env}/{e.pattern}"
                                        for e in experiences).items())),
        "provenance": dict(ranked(Counter(e.provenance or "(none)" for e in experiences).items(),
                                  score=lambda kv: kv[1], ident=lambda kv: kv[0])),
    }


def _stats_text(stats: dict) -> str:
    lines = [f"memory {stats['collection']!r} at {stats['location']} "
             f"({stats['embedding_model']}, dim {stats['embedding_dim']})"]
    if stats["double_q"]:
        lines.append(f"double-Q memory: {_SHOWN[stats['double_q']]}")
    envs = ", ".join(f"{k} {v}" for k, v in stats["environments"].items()) or "-"
    lines.append(_table(["", ""], [
        ("experiences", stats["experiences"]), ("states", stats["states"]),
        ("tasks", stats["tasks"]), ("visits", stats["visits"]),
        ("episodes applied", stats["episodes"]), ("environments", envs),
    ]).split("\n", 1)[1])
    q = stats["q"]
    if stats["experiences"]:
        lines.append(f"\nQ distribution (min {q['min']:.3f}, mean {q['mean']:.3f}, "
                     f"max {q['max']:.3f})")
        top = max(b["count"] for b in q["histogram"])
        for b in q["histogram"]:
            bar = "#" * round(40 * b["count"] / top)
            lines.append(f"  {b['low']:8.3f} .. {b['high']:8.3f}  {b['count']:6d}  {bar}".rstrip())
    for title, key in (("patterns", "patterns"), ("provenance", "provenance")):
        if stats[key]:
            lines.append(f"\n{title}")
            lines.append(_table(["", ""], [(f"  {k}", v) for k, v in stats[key].items()],
                                right=(1,)).split("\n", 1)[1])
    return "\n".join(lines)


_SHOWN = {"merged": "the merged view of sides a and b (--side a|b: one side)",
          "a": "side a alone", "b": "side b alone"}


def cmd_stats(args: argparse.Namespace) -> int:
    if args.bins < 1:
        raise MemoryStoreError("--bins must be at least 1")
    client, store = _read_store(args)
    with client:
        stats = memory_stats(_view(store, args.side), args.bins)
    _print(json.dumps(stats, indent=2, ensure_ascii=False) if args.json else _stats_text(stats))
    return 0


# --- show -------------------------------------------------------------------------------------

def _where(args: argparse.Namespace) -> dict | None:
    """The filters on state fields, for Chroma (Q is tested after reading: a double-Q memory's
    merged Q is not stored anywhere)."""
    clauses = []
    if args.pattern:
        clauses.append({"pattern": args.pattern})
    if args.env:
        clauses.append({"env": args.env})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def select(store, args: argparse.Namespace) -> list[Experience]:
    """The experiences the filter flags pick, highest Q first."""
    found = store.iter_experiences(_where(args))
    needle = (args.task_contains or "").lower()
    low = float("-inf") if args.min_q is None else float(args.min_q)
    high = float("inf") if args.max_q is None else float(args.max_q)
    chosen = [e for e in found if needle in e.state.task.lower() and low <= e.q <= high]
    return ranked(chosen, score=lambda e: (e.q, e.visits), ident=lambda e: (e.state.task, e.action, e.id))


def cmd_show(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise MemoryStoreError("--limit must be at least 1")
    client, store = _read_store(args)
    with client:
        chosen = select(_view(store, args.side), args)
    shown = chosen[:args.limit]
    if args.json:
        for exp in shown:
            _print(json.dumps(experience_to_json(exp), ensure_ascii=False))
        return 0
    rows = [(f"{e.q:.3f}", e.visits, f"{e.reward:.3f}", e.pattern, _cut(e.action, 36),
             _cut(e.state.task, 48)) for e in shown]
    if rows:
        _print(_table(["Q", "VISITS", "REWARD", "PATTERN", "ACTION", "TASK"], rows,
                      right=(0, 1, 2)))
    _print(f"{len(shown)} of {len(chosen)} matching experience(s)"
           + (f"; --limit {args.limit}" if len(chosen) > len(shown) else ""))
    return 0


# --- query ------------------------------------------------------------------------------------

def _query_fields() -> dict[str, StateField]:
    """Flag destination -> state field, for every field an environment lets `query` set."""
    fields: dict[str, StateField] = {}
    for name in registry.names():
        for item in registry.spec(name).fields:
            if item.flag:
                fields.setdefault(item.flag.lstrip("-").replace("-", "_"), item)
    return fields


def _query_state(args: argparse.Namespace, env: str) -> State:
    if args.observation is not None and args.observation_file is not None:
        raise MemoryStoreError("give --observation or --observation-file, not both")
    observation = args.observation or ""
    if args.observation_file is not None:
        try:
            observation = Path(args.observation_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise MemoryStoreError(
                f"{args.observation_file}: cannot read ({exc.strerror})") from None
    spec = registry.spec(env)
    own = {f.name for f in spec.fields}
    details = {}
    for dest, item in _query_fields().items():
        value = getattr(args, dest, None)
        if value is None:
            continue
        if item.name not in own:
            raise MemoryStoreError(f"{item.flag} does not apply to {env} states")
        details[item.name] = value
    return spec.new_state(args.task, observation, **details)


def _query_env(args: argparse.Namespace, client) -> str:
    """--env, else the one environment the memory holds."""
    if args.env:
        return args.env
    held = client.environments(args.collection)
    if len(held) != 1:
        raise MemoryStoreError(
            f"{args.collection!r} holds {'no' if not held else ', '.join(held)} experiences; "
            f"pass --env ({', '.join(registry.names())})")
    return held[0]


def cmd_query(args: argparse.Namespace) -> int:
    if args.m < 1:
        raise MemoryStoreError(f"-m must be at least 1, got {args.m}")
    if not 0.0 <= args.lam <= 1.0:
        raise MemoryStoreError(f"--lambda must be between 0 and 1, got {args.lam}")
    client = _connect(args, read_only=True)
    with client:
        env = _query_env(args, client)
        state = _query_state(args, env)
        similarity = registry.spec(env).similarity
        store = _view(_open(client, args.collection, args,
                            needs_model=similarity.pattern_similarity is None), args.side)
        found = store.retrieve(state, m=args.m, lam=args.lam)
    pattern = similarity.pattern(state)
    if args.json:
        _print(json.dumps([{
            "rank": rank, "s": r.score, "f_g": r.f_g, "f_o": r.f_o, "pattern": r.pattern,
            "state_id": r.state_id, "task": r.state.task, "observation": r.state.observation,
            "history": list(r.state.history),
            "actions": [{"action": a.action, "q": a.q, "visits": a.visits, "reason": a.reason}
                        for a in r.actions],
        } for rank, r in enumerate(found, start=1)], indent=2, ensure_ascii=False))
        return 0
    lam = args.lam
    _print(f"query: {state.env}, pattern {pattern}, task {_cut(state.task, 60)!r}; "
           f"s = {lam:g}·f_g + {1 - lam:g}·f_o, top {args.m}")
    if not found:
        _print(f"no stored {state.env} states in {store.name!r}")
    for rank, r in enumerate(found, start=1):
        _print(f"\n#{rank}  s {r.score:.3f}  f_g {r.f_g:.3f}  f_o {r.f_o:.3f}  "
               f"pattern {r.pattern}  visits {r.visits}")
        _print(f"    task:        {_cut(r.state.task, 90)}")
        _print(f"    observation: {_cut(r.state.observation, 90)}")
        for item in registry.spec(r.state.env).fields:
            value = r.state.get(item.name)
            if item.identity and value:
                text = " | ".join(value) if isinstance(value, tuple) else str(value)
                _print(f"    {item.name + ':':<13}{_cut(text, 90)}")
        rows = [(f"    {a.q:.3f}", a.visits, _cut(a.action, 36), _cut(a.reason, 50))
                for a in r.actions]
        _print(_table(["       Q", "VISITS", "ACTION", "REASON"], rows, right=(0, 1)))
    return 0


# --- import / export --------------------------------------------------------------------------

def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    fmt = format_of(path, args.format)
    pool = read_pool_sides(path, fmt=fmt, env=args.env, provenance=args.provenance)
    with _connect(args, read_only=False) as client:
        new_memory = args.collection not in client.list_collections()
        store = _open(client, args.collection, args, needs_model=True, must_exist=False,
                      double=is_double_export(pool) if new_memory else None)
        new, existing = write_pool(store, pool, on_conflict=args.on_conflict)
        count = store.count()
    total = sum(map(len, pool.values()))
    done = {"skip": "kept as stored", "merge": "merged", "replace": "replaced"}[args.on_conflict]
    into = " (rows of both sides)" if len(store.sides) == 2 else ""
    _print(f"read {total} experience(s) from {path} ({fmt}): {new} new, {existing} already "
           f"stored ({done}){into}; {args.collection!r} at {client.location} now holds {count}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    path = Path(args.file)
    fmt = format_of(path, args.format)
    client, store = _read_store(args)
    both = len(store.sides) == 2 and args.side is None  # a double-Q memory: its two sides
    with client:
        chosen = ([select(side, args) for side in store.sides] if both
                  else select(_view(store, args.side), args))
    if both:
        written = export_double(chosen, path, fmt=fmt, overwrite=args.force)
        _print(f"wrote both sides of the double-Q memory {args.collection!r} to {path} ({fmt}): "
               f"{written[0]} experience(s) of side a, {written[1]} of side b")
        return 0
    written = export_pool(chosen, path, fmt=fmt, overwrite=args.force)
    _print(f"wrote {written} experience(s) from {args.collection!r} to {path} ({fmt})")
    return 0


# --- merge / copy / drop ----------------------------------------------------------------------

def cmd_merge(args: argparse.Namespace) -> int:
    if args.into in args.sources:
        raise MemoryStoreError(f"--into {args.into!r} is also a source; merge into another name")
    with _connect(args, read_only=False) as client:
        sources = [_open(client, name, args, needs_model=False) for name in args.sources]
        require_single(sources)  # before the target is created
        target = _open(client, args.into, args, needs_model=True, must_exist=False)
        read, new = merge_collections(target, sources)
        count = target.count()
    _print(f"merged {read} experience(s) from {', '.join(args.sources)} into {args.into!r}: "
           f"{new} new row(s); it now holds {count}")
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    remote = args.to_host is not None or args.to_port is not None
    elsewhere = remote or args.to_path is not None
    with _connect(args, read_only=elsewhere) as client:
        source = _open(client, args.source, args, needs_model=False)
        if not elsewhere:
            if args.target in client.list_collections():
                raise MemoryStoreError(f"collection {args.target!r} already exists at "
                                       f"{client.location}; drop it first or choose another name")
            target = open_store(client, args.target, source.embedder,
                                double=len(source.sides) == 2)
            copied = copy_collection(source, target)
            where = client.location
        else:
            dest = (MemoryClient.connect(host=args.to_host, port=args.to_port) if remote
                    else MemoryClient.connect(args.to_path))
            with dest:
                if args.target in dest.list_collections():
                    raise MemoryStoreError(f"collection {args.target!r} already exists at "
                                           f"{dest.location}; drop it first or choose another name")
                target = open_store(dest, args.target, source.embedder,
                                    double=len(source.sides) == 2)
                copied = copy_collection(source, target)
                where = dest.location
    what = (f"the double-Q memory {args.source!r} ({copied} rows of its two sides)"
            if len(source.sides) == 2 else f"{copied} experience(s) from {args.source!r}")
    _print(f"copied {what} at {client.location} to {args.target!r} at {where}")
    return 0


def cmd_drop(args: argparse.Namespace) -> int:
    if not args.yes:
        raise MemoryStoreError(f"dropping {args.name!r} deletes it for good; add --yes to confirm")
    with _connect(args, read_only=False) as client:
        count = client.summary(args.name)["experiences"]
        client.delete_collection(args.name)
    _print(f"dropped {args.name!r} ({count} experience(s)) at {client.location}")
    return 0


# --- the parser -------------------------------------------------------------------------------

def _where_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("filters")
    group.add_argument("--task-contains", metavar="TEXT",
                       help="keep tasks containing TEXT (any case)")
    group.add_argument("--min-q", type=float, metavar="Q", help="keep Q >= this")
    group.add_argument("--max-q", type=float, metavar="Q", help="keep Q <= this")
    group.add_argument("--pattern", help="keep one page / instruction pattern (e.g. item, article)")
    group.add_argument("--env", choices=registry.names(), help="keep one environment")
    return parent


def _side_option(parser: argparse.ArgumentParser, default_text: str) -> None:
    parser.add_argument("--side", choices=("merged", *SIDES), default=None,
                        help=f"a double-Q memory: {default_text}, or one side as it is (a, b)")


def _hidden_aliases(group, aliases: dict[str, tuple[str, type]]) -> None:
    """Older spellings of a flag (`--path` for `--memory` ...): accepted, not shown in --help."""
    for flag, (dest, kind) in aliases.items():
        group.add_argument(flag, dest=dest, type=kind, default=argparse.SUPPRESS,
                           help=argparse.SUPPRESS)


def _location_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("memory location")
    group.add_argument("--memory", dest="path", type=Path, default=DEFAULT_PATH, metavar="PATH",
                       help="embedded memory folder (default: ./memory)")
    group.add_argument("--chroma-host", dest="host", metavar="HOST",
                       help="Chroma server host (use instead of --memory)")
    group.add_argument("--chroma-port", dest="port", type=int, metavar="PORT",
                       help="Chroma server port (default 8000 with --chroma-host)")
    group.add_argument("--chroma-token", dest="token", metavar="TOKEN",
                       help="token sent to the Chroma server (default: CHROMA_TOKEN)")
    _hidden_aliases(group, {"--path": ("path", Path), "--host": ("host", str),
                            "--port": ("port", int)})
    group.add_argument("--collection", default=DEFAULT_COLLECTION,
                       help=f"collection name (default: {DEFAULT_COLLECTION})")
    group.add_argument("--embedding-model", metavar="MODEL",
                       help="sentence-transformers model path (default: the bundled "
                            "all-MiniLM-L6-v2); must match the one the memory was built with")
    return parent


def register(subparsers) -> None:
    """Add `rememberer memory` and its sub-commands."""
    memory = subparsers.add_parser(
        "memory", help="inspect, query, import, export, merge, copy and drop experience memories",
        description="Work with experience memories (Chroma collections) in a folder or on a "
                    "Chroma server.")
    commands = memory.add_subparsers(dest="memory_command", metavar="SUBCOMMAND", required=True)
    location, where = _location_options(), _where_options()

    def add(name: str, func, help_text: str, parents=()) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text, description=help_text,
                                     parents=[location, *parents])
        parser.set_defaults(func=func)
        return parser

    parser = add("list", cmd_list, "list the memory collections at the location")
    parser.add_argument("--json", action="store_true", help="print JSON")

    parser = add("stats", cmd_stats, "counts, Q distribution, patterns and provenance of a memory")
    parser.add_argument("--bins", type=int, default=10, help="histogram bins (default 10)")
    _side_option(parser, "the merged view (merged, the default)")
    parser.add_argument("--json", action="store_true", help="print JSON")

    parser = add("show", cmd_show, "experiences ordered by Q (highest first), filtered", [where])
    parser.add_argument("--limit", type=int, default=20, help="show at most N (default 20)")
    _side_option(parser, "the merged view (merged, the default)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per line")

    parser = add("query", cmd_query, "retrieve the stored states most similar to a given one "
                                     "and show f_g, f_o and s for each")
    parser.add_argument("--env", choices=registry.names(), default=None,
                        help="environment (default: the one the memory holds)")
    parser.add_argument("--task", required=True, help="the task text")
    parser.add_argument("--observation", help="the observation text")
    parser.add_argument("--observation-file", metavar="FILE", help="read the observation from FILE")
    for dest, item in _query_fields().items():
        users = [n for n in registry.names()
                 if any(f.flag == item.flag for f in registry.spec(n).fields)]
        parser.add_argument(item.flag, dest=dest, metavar=dest.upper(),
                            action="append" if item.kind is tuple else "store",
                            help=f"{item.help} ({', '.join(users)})")
    parser.add_argument("-m", "--m", dest="m", type=int, default=2,
                        help="how many states (default 2)")
    parser.add_argument("--lambda", dest="lam", type=float, default=0.5, metavar="LAMBDA",
                        help="λ in s = λ·f_g + (1-λ)·f_o (default 0.5)")
    _hidden_aliases(parser, {"--lam": ("lam", float)})
    _side_option(parser, "the merged view, as the agent retrieves (merged, the default)")
    parser.add_argument("--json", action="store_true", help="print JSON")

    parser = add("import", cmd_import, "add the experiences of a pool file (original YAML or "
                                       "JSONL) to a memory; the file is checked whole first")
    parser.add_argument("file", help="pool file (.yaml/.yml or .jsonl)")
    parser.add_argument("--format", choices=FORMATS, help="file format (default: by extension)")
    parser.add_argument("--env", choices=registry.names(),
                        help="environment of a YAML pool (default: told from its actions)")
    parser.add_argument("--on-conflict", choices=CONFLICT_MODES, default="skip",
                        help="an experience already stored: skip (keep it, default), merge "
                             "(visit-weighted) or replace")
    parser.add_argument("--provenance", help="label for the imported rows (default: file name)")

    parser = add("export", cmd_export, "write a memory (or a filtered part) to a pool file",
                 [where])
    parser.add_argument("file", help="output file (.yaml/.yml: original format, .jsonl: JSONL)")
    parser.add_argument("--format", choices=FORMATS, help="file format (default: by extension)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    _side_option(parser, "both sides to one .jsonl file whose lines name their side (the "
                         "default; import puts them back side by side), the merged view (merged)")

    parser = add("merge", cmd_merge, "combine collections into one (duplicate experiences "
                                     "merged by visit-weighted means; ledgers united)")
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="collections to merge")
    parser.add_argument("--into", required=True, metavar="TARGET",
                        help="collection receiving them (created when missing)")

    parser = add("copy", cmd_copy, "copy a collection unchanged (embeddings included), in place "
                                   "or to another folder or server")
    parser.add_argument("source", help="collection to copy")
    parser.add_argument("target", help="name of the new collection")
    parser.add_argument("--to-memory", dest="to_path", type=Path, metavar="PATH",
                        help="destination folder")
    parser.add_argument("--to-chroma-host", dest="to_host", metavar="HOST",
                        help="destination Chroma server host")
    parser.add_argument("--to-chroma-port", dest="to_port", type=int, metavar="PORT",
                        help="destination Chroma server port (default 8000 with --to-chroma-host)")
    _hidden_aliases(parser, {"--to-path": ("to_path", Path), "--to-host": ("to_host", str),
                             "--to-port": ("to_port", int)})

    parser = add("drop", cmd_drop, "delete a collection and its helper collections")
    parser.add_argument("name", help="collection to delete")
    parser.add_argument("--yes", action="store_true", help="confirm the deletion")
