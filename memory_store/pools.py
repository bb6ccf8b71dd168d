"""Moving memories in and out: original REMEMBERER YAML pools, JSONL, merging and copying.

Original pools (the YAML the published code saved) map a state key to its record; which three
strings make the key is the environment's own (its spec's `PoolLayout`), e.g.

    ? !!python/tuple [observation, "Instruction: <task>", "available\\nactions"]   # WebShop
    ? !!python/tuple [screen, command, step instruction]                        # WikiHow
    : action_dict:
        ? !!python/tuple [action, reason]          # WikiHow: [action, element html]
        : {number: 3, qvalue: 0.6, reward: 0.0}
      other_info: {action_history: [*id001, ...], last_reward: 0.0, total_reward: 0.0, number: 3}
      id: 0

They are read with `PoolLoader`, a `yaml.SafeLoader` that accepts one extra tag,
`tag:yaml.org,2002:python/tuple`; any other tag is an error (the original read these files with
PyYAML's unsafe loader, which runs code named in the file). Actions that differ only in their
reason become one experience (visits summed, Q visit-weighted). `export_yaml` writes the same
format back (tuple keys, shared action tuples as anchors and aliases), loadable by the original.

Mapping to the memory's records:
- the key <-> state conversion is the environment's (WebShop, for one, removes the key's
  "Instruction: " prefix on import and adds it on export: `State.task` holds the bare request);
- `action_history` tuples become `State.history` strings "<action>: <reason>"
  (`environments.state.history_text`; whitespace in the reason collapsed), split back on export at
  the first ": " that follows a complete action (`history_pair`). The agent's own history holds
  the actions alone, and prompts show only the action of an entry.
- The state's `number` and the record `id` are not stored: on export `number` is the sum of the
  action visits and `id` numbers the states oldest first.

JSONL: one experience per line, `records.experience_to_json` with its key order, lines sorted by
(env, task, state id, action); timestamps are kept, so export -> import -> export is identical.
A double-Q memory (double.py) exports both sides: every line then ends with `"side": "a"` or
`"side": "b"` (side A's lines first), and such a file imports side by side into a double-Q
memory. A pool without sides written into a double-Q memory goes into both sides.

Every import parses and checks the whole file before anything is written; problems are reported
as `MemoryStoreError("<file>: <entry>: <problem>")`.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import yaml

from environments import registry
from environments.state import history_pair, history_text
from memory_store.double import SIDES
from memory_store.errors import MemoryStoreError
from memory_store.records import (
    Experience, experience_from_json, experience_to_json, is_empty,
    normalize_action,
)
from memory_store.store import ExperienceStore

TUPLE_TAG = "tag:yaml.org,2002:python/tuple"
FORMATS = ("yaml", "jsonl")
CONFLICT_MODES = ("skip", "merge", "replace")


# --- YAML: loading and dumping ---------------------------------------------------------------

class PoolLoader(yaml.SafeLoader):
    """Safe YAML loading plus `!!python/tuple` (built as a tuple); every other tag is refused."""


def _construct_tuple(loader: PoolLoader, node: yaml.Node) -> tuple:
    if not isinstance(node, yaml.SequenceNode):
        raise yaml.constructor.ConstructorError(
            None, None, "a !!python/tuple must be a sequence", node.start_mark)
    return tuple(loader.construct_sequence(node, deep=True))


PoolLoader.add_constructor(TUPLE_TAG, _construct_tuple)


class PoolDumper(yaml.SafeDumper):
    """Safe dumping that writes tuples as `!!python/tuple`, as PyYAML's full Dumper does."""


PoolDumper.add_representer(
    tuple, lambda dumper, data: dumper.represent_sequence(TUPLE_TAG, list(data)))


def load_yaml(path: Path) -> object:
    return loads_yaml(_read_text(path), source=str(path))


def loads_yaml(text: str, source: str = "<text>") -> object:
    """Parse pool YAML with `PoolLoader` (safe: standard tags plus `!!python/tuple` only)."""
    loader = PoolLoader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        problem = " ".join(str(exc.problem or exc.context or "malformed YAML").split())
        raise MemoryStoreError(f"{source}: {where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise MemoryStoreError(f"{source}: not valid YAML ({' '.join(str(exc).split())})") from None
    finally:
        loader.dispose()


def _read_text(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MemoryStoreError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise MemoryStoreError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise MemoryStoreError(f"{path}: cannot read ({exc.strerror})") from None


# --- merging duplicates ----------------------------------------------------------------------

def merge_pair(first: Experience, second: Experience) -> Experience:
    """Two records of one experience as one: visits summed, Q visit-weighted (a plain mean when
    neither was visited); reward, reason and state details from the more recently updated one
    (the second on a tie); the earliest creation time and the first one's provenance."""
    visits = first.visits + second.visits
    if visits > 0:
        q = (first.q * first.visits + second.q * second.visits) / visits
    else:
        q = (first.q + second.q) / 2
    latest = first if first.updated_at > second.updated_at else second
    created = [t for t in (first.created_at, second.created_at) if t > 0]
    return replace(
        latest, q=q, visits=visits, provenance=first.provenance or second.provenance,
        created_at=min(created) if created else 0.0,
        updated_at=max(first.updated_at, second.updated_at),
    )


def merge_duplicates(experiences: Iterable[Experience]) -> list[Experience]:
    """One experience per id, duplicates merged in order with `merge_pair`."""
    merged: dict[str, Experience] = {}
    for exp in experiences:
        merged[exp.id] = merge_pair(merged[exp.id], exp) if exp.id in merged else exp
    return list(merged.values())


# --- original YAML pools -> experiences ------------------------------------------------------

def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _string_tuple(value: object, size: int) -> bool:
    return (isinstance(value, tuple) and len(value) == size
            and all(isinstance(v, str) for v in value))


def _pool_layouts() -> dict:
    """name -> PoolLayout of every registered environment that has an original pool format."""
    layouts = {}
    for name in registry.names():
        layout = registry.spec(name).pool
        if layout is not None:
            layouts[name] = layout
    return layouts


def detect_env(data: dict) -> str | None:
    """The environment whose action syntax every action in the pool has (None when no single
    one matches)."""
    actions = [a[0] for record in data.values() if isinstance(record, dict)
               and isinstance(record.get("action_dict"), dict)
               for a in record["action_dict"] if _string_tuple(a, 2)]
    if not actions:
        return None
    matching = [name for name, layout in _pool_layouts().items()
                if all(layout.action.match(a) for a in actions)]
    return matching[0] if len(matching) == 1 else None


def _check_record(record: object) -> str | None:
    """What is wrong with one pool record, or None."""
    if not isinstance(record, dict):
        return f"the record must be a mapping, not {type(record).__name__}"
    unknown = set(record) - {"action_dict", "other_info", "id"}
    if unknown:
        return f"unknown record keys {sorted(map(str, unknown))}"
    actions = record.get("action_dict")
    if not isinstance(actions, dict):
        return "action_dict is missing or not a mapping"
    for action, value in actions.items():
        if not _string_tuple(action, 2):
            return f"action {action!r} is not a !!python/tuple [action, reason] of two strings"
        if not action[0].strip():
            return "an action is empty"
        if not isinstance(value, dict) or set(value) != {"number", "qvalue", "reward"}:
            return f"action {action[0]!r} needs exactly number, qvalue and reward"
        if not isinstance(value["number"], int) or isinstance(value["number"], bool) \
                or value["number"] < 0:
            return f"action {action[0]!r}: number must be a whole number >= 0"
        if not (_is_number(value["qvalue"]) and _is_number(value["reward"])):
            return f"action {action[0]!r}: qvalue and reward must be numbers"
    other = record.get("other_info", {})
    if not isinstance(other, dict):
        return "other_info must be a mapping"
    history = other.get("action_history", [])
    if not isinstance(history, list) or not all(_string_tuple(h, 2) for h in history):
        return "other_info.action_history must be a list of !!python/tuple [action, reason]"
    for name in ("last_reward", "total_reward"):
        if name in other and not _is_number(other[name]):
            return f"other_info.{name} must be a number"
    if "id" in record and not isinstance(record["id"], int):
        return "id must be a whole number"
    return None


def parse_original(data: object, path: Path, *, env: str | None = None,
                   provenance: str = "") -> list[Experience]:
    """Experiences of an original pool already loaded from YAML (checked whole, then built)."""
    if data is None:
        raise MemoryStoreError(f"{path}: the file is empty; an empty pool is written as {{}}")
    if not isinstance(data, dict):
        raise MemoryStoreError(f"{path}: a pool must be a mapping of state keys to records, "
                               f"not a {type(data).__name__}")
    for index, (key, record) in enumerate(data.items()):
        if not _string_tuple(key, 3):
            raise MemoryStoreError(f"{path}: entry {index + 1}: the key must be a !!python/tuple of "
                                   "three strings (observation, task, actions or instruction)")
        problem = _check_record(record)
        if problem:
            raise MemoryStoreError(f"{path}: entry {index + 1} ({_preview(key[0])}): {problem}")
    layouts = _pool_layouts()
    env = env or detect_env(data)
    if env is None and data:
        raise MemoryStoreError(f"{path}: cannot tell which environment the pool comes from by "
                               f"its actions; pass --env (one of {', '.join(layouts)})")
    if env is not None and env not in layouts:
        raise MemoryStoreError(f"{path}: unknown environment {env!r} for an original pool; "
                               f"known: {', '.join(layouts)}")
    out = []
    for key, record in data.items():
        other = record.get("other_info", {})
        history = tuple(history_text(a, r) for a, r in other.get("action_history", []))
        state = layouts[env].state(key, history, other)
        for (action, reason), value in record["action_dict"].items():
            out.append(Experience(state, normalize_action(action), q=float(value["qvalue"]),
                                  visits=value["number"], reward=float(value["reward"]),
                                  reason=reason, provenance=provenance))
    return merge_duplicates(out)


def _preview(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[:width - 1] + "…")


def read_yaml_pool(path: Path, *, env: str | None = None, provenance: str = "") -> list[Experience]:
    return parse_original(load_yaml(path), path, env=env, provenance=provenance)


# --- experiences -> original YAML pools ------------------------------------------------------

def to_original(experiences: Iterable[Experience]) -> dict:
    """The original pool structure; equal action tuples are one object (so they are aliased)."""
    shared: dict[tuple, tuple] = {}

    def pair(action: str, reason: str) -> tuple:
        value = (action, reason)
        return shared.setdefault(value, value)

    states: dict[str, list[Experience]] = {}
    for exp in experiences:
        states.setdefault(exp.state.state_id, []).append(exp)
    ordered = sorted(states.values(), key=lambda rows: (min(r.created_at for r in rows),
                                                          rows[0].state.state_id))
    pool = {}
    for number, rows in enumerate(ordered):
        newest = max(rows, key=lambda r: (r.updated_at, r.id))
        state = newest.state
        layout = registry.spec(state.env).pool
        if layout is None:
            raise MemoryStoreError(f"{state.env} has no original pool format; export as .jsonl")
        last_reward, total_reward = layout.rewards(state)
        pool[layout.key(state)] = {
            "action_dict": {
                pair(r.action, r.reason): {"number": r.visits, "qvalue": float(r.q),
                                           "reward": float(r.reward)}
                for r in sorted(rows, key=lambda r: r.action)
            },
            "other_info": {
                "action_history": [pair(*history_pair(h)) for h in state.history],
                "last_reward": float(last_reward),
                "total_reward": float(total_reward),
                "number": sum(r.visits for r in rows),
            },
            "id": number,
        }
    return pool


def dump_original(experiences: Iterable[Experience]) -> str:
    return yaml.dump(to_original(experiences), Dumper=PoolDumper, allow_unicode=True,
                     default_flow_style=False, sort_keys=True)


# --- JSONL --------------------------------------------------------------------------------

_JSON_COMMON = {"env": str, "task": str, "observation": str, "action": str, "reason": str,
                "pattern": str, "provenance": str, "id": str, "q": float, "reward": float,
                "created_at": float, "updated_at": float, "history": tuple, "visits": int}


def _kind_problem(key: str, value: object, kind: type) -> str | None:
    """What is wrong with a JSON value for a field of this kind, or None."""
    if kind is str and not isinstance(value, str):
        return f"{key} must be a string"
    if kind is float and not _is_number(value):
        return f"{key} must be a number"
    if kind is tuple and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return f"{key} must be a list of strings"
    if kind is int and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        return f"{key} must be a whole number >= 0"
    if kind is bool and not isinstance(value, bool):
        return f"{key} must be true or false"
    return None


def _check_json(data: object) -> str | None:
    if not isinstance(data, dict):
        return "a line must be a JSON object"
    kinds = dict(_JSON_COMMON)
    if "env" in data:
        if data["env"] not in registry.names():
            return f"unknown environment {data['env']!r}; known: {', '.join(registry.names())}"
        kinds.update((f.name, f.kind) for f in registry.spec(data["env"]).fields)
    # files written before specs carried every environment's fields: empty ones are ignored
    unknown = [k for k in data if k not in kinds and not is_empty(data[k])]
    if unknown:
        return f"unknown keys {sorted(unknown)}"
    missing = [k for k in ("env", "task", "observation", "action") if k not in data]
    if missing:
        return f"missing {', '.join(missing)}"
    for key, kind in kinds.items():
        problem = _kind_problem(key, data[key], kind) if key in data else None
        if problem:
            return problem
    if not data["action"].strip():
        return "action is empty"
    return None


def read_jsonl_sides(path: Path, *, provenance: str | None = None) -> dict[str, list[Experience]]:
    """Experiences of a JSONL file (checked whole, then built) by side: {"": [...]} for a plain
    pool, {"a": [...], "b": [...]} for a double-Q export. A `provenance` given replaces the one
    in the file."""
    out: dict[str, list[Experience]] = {}
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise MemoryStoreError(f"{path}: line {number}: not JSON ({exc.msg})") from None
        side = data.pop("side", "") if isinstance(data, dict) else ""
        problem = _check_json(data) or _side_problem(side, out)
        if problem:
            raise MemoryStoreError(f"{path}: line {number}: {problem}")
        exp = experience_from_json(data)
        if provenance is not None:
            exp.provenance = provenance
        out.setdefault(side, []).append(exp)
    return {side: merge_duplicates(exps) for side, exps in out.items()}


def _side_problem(side: object, seen: dict) -> str | None:
    if side != "" and side not in SIDES:
        return f"side must be \"a\" or \"b\", got {side!r}"
    if seen and (side == "") != ("" in seen):
        return "some lines name a side (a double-Q export) and some do not"
    return None


def read_jsonl(path: Path, *, provenance: str | None = None) -> list[Experience]:
    """Experiences of a plain JSONL pool (a double-Q export is refused: see read_pool_sides)."""
    return _one_side(path, read_jsonl_sides(path, provenance=provenance))


def _one_side(path: Path, sides: dict[str, list[Experience]]) -> list[Experience]:
    if sides and "" not in sides:
        raise MemoryStoreError(f"{path} holds the two sides of a double-Q memory; import it into "
                               "a double-Q memory, or export one side with --side a|b|merged")
    return sides.get("", [])


def _export_order(exp: Experience) -> tuple:
    return (exp.state.env, exp.state.task, exp.state.state_id, exp.action)


def dump_jsonl(experiences: Iterable[Experience], side: str = "") -> str:
    """JSONL lines; with `side`, each line names it (one side of a double-Q export)."""
    extra = {"side": side} if side else {}
    return "".join(json.dumps({**experience_to_json(e), **extra}, ensure_ascii=False) + "\n"
                   for e in sorted(experiences, key=_export_order))


# --- files and stores -----------------------------------------------------------------------

def format_of(path: Path, given: str | None = None) -> str:
    """yaml or jsonl: `given`, else by the file extension."""
    if given:
        if given not in FORMATS:
            raise MemoryStoreError(f"unknown format {given!r}; use yaml or jsonl")
        return given
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise MemoryStoreError(f"{path}: cannot tell the format from the extension {suffix or '(none)'};"
                           " use .yaml or .jsonl, or pass --format")


def read_pool_sides(path: Path, *, fmt: str | None = None, env: str | None = None,
                    provenance: str | None = None) -> dict[str, list[Experience]]:
    """Every experience in a pool file, checked and de-duplicated, by side ("" for a plain
    pool; "a" and "b" for a double-Q export); nothing is written. `provenance` labels every
    row; by default YAML rows get the file name and JSONL rows keep the provenance written in
    the file."""
    path = Path(path)
    if format_of(path, fmt) == "yaml":
        label = path.name if provenance is None else provenance
        return {"": read_yaml_pool(path, env=env, provenance=label)}
    sides = read_jsonl_sides(path, provenance=provenance)
    if env is not None:
        sides = {side: [e for e in exps if e.state.env == env] for side, exps in sides.items()}
    return sides


def read_pool(path: Path, *, fmt: str | None = None, env: str | None = None,
              provenance: str | None = None) -> list[Experience]:
    """Every experience in a plain pool file (see `read_pool_sides`)."""
    return _one_side(Path(path), read_pool_sides(path, fmt=fmt, env=env, provenance=provenance))


def is_double_export(pool: dict[str, list[Experience]]) -> bool:
    return bool(pool) and "" not in pool


def write_pool(memory, pool: dict[str, list[Experience]], *,
               on_conflict: str = "skip") -> tuple[int, int]:
    """Write a pool read by `read_pool_sides` into a memory (an `ExperienceStore` or a
    `DoubleMemory`): a plain pool into each of its sides, a double-Q export side by side (into
    a double-Q memory only). Returns (new rows, existing rows) summed over the sides written."""
    if not is_double_export(pool):
        targets = [(side, pool.get("", [])) for side in memory.sides]
    elif len(memory.sides) == 2:
        targets = [(side, pool.get(name, [])) for name, side in zip(SIDES, memory.sides)]
    else:
        raise MemoryStoreError(f"the pool holds the two sides of a double-Q memory, but "
                               f"{memory.name!r} is a single memory; import it into a new "
                               "collection, or export one side with --side a|b|merged")
    counts = [write_experiences(side, exps, on_conflict=on_conflict) for side, exps in targets]
    return sum(new for new, _ in counts), sum(old for _, old in counts)


def write_experiences(store: ExperienceStore, experiences: Sequence[Experience], *,
                      on_conflict: str = "skip") -> tuple[int, int]:
    """Write into the store: (new rows, existing rows skipped / merged / replaced).

    skip keeps what the memory has (idempotent); merge combines visit-weighted with
    `merge_pair`; replace overwrites the stored experience. New rows are numbered (their
    creation sequence, which breaks ranking ties) oldest `created_at` first, else in file order.
    """
    if on_conflict not in CONFLICT_MODES:
        raise MemoryStoreError(f"unknown conflict mode {on_conflict!r}; use skip, merge or replace")
    existing = {e.id: e for e in store.get([e.id for e in experiences])}
    if on_conflict == "merge":
        experiences = [merge_pair(existing[e.id], e) if e.id in existing else e
                       for e in experiences]
    new = store.add(sorted(experiences, key=lambda e: e.created_at),
                    replace=on_conflict != "skip")
    return new, len(existing)


def import_pool(store, path: Path, *, fmt: str | None = None,
                env: str | None = None, on_conflict: str = "skip",
                provenance: str | None = None) -> tuple[int, int, int]:
    """Read a whole pool file, then write it into a memory (`write_pool`): (experiences in the
    file, new rows, existing rows)."""
    pool = read_pool_sides(path, fmt=fmt, env=env, provenance=provenance)
    new, existing = write_pool(store, pool, on_conflict=on_conflict)
    return sum(map(len, pool.values())), new, existing


def export_pool(experiences: Iterable[Experience], path: Path, *, fmt: str | None = None,
                overwrite: bool = False) -> int:
    """Write experiences to a pool file (atomically); returns how many were written."""
    path = Path(path)
    fmt = format_of(path, fmt)
    rows = list(experiences)
    if fmt == "yaml":
        envs = sorted({e.state.env for e in rows})
        if len(envs) > 1:
            raise MemoryStoreError(f"an original-format pool holds one environment, but the memory "
                                   f"has {', '.join(envs)}; pass --env")
        text = dump_original(rows)
    else:
        text = dump_jsonl(rows)
    _write_text(path, text, overwrite)
    return len(rows)


def export_double(sides: Sequence[Iterable[Experience]], path: Path, *, fmt: str | None = None,
                  overwrite: bool = False) -> tuple[int, ...]:
    """Write both sides of a double-Q memory (A's, then B's experiences) to one JSONL file
    whose lines name their side; returns the lines written per side."""
    path = Path(path)
    if format_of(path, fmt) != "jsonl":
        raise MemoryStoreError(f"{path}: both sides of a double-Q memory go to a .jsonl file; "
                               "an original-format pool holds one side (--side a|b|merged)")
    rows = [list(exps) for exps in sides]
    _write_text(path, "".join(dump_jsonl(exps, name) for name, exps in zip(SIDES, rows)),
                overwrite)
    return tuple(map(len, rows))


def _write_text(path: Path, text: str, overwrite: bool) -> None:
    """Write a file atomically (a temporary file renamed over it)."""
    if path.exists() and not overwrite:
        raise MemoryStoreError(f"{path} exists; pass --force to overwrite it")
    if not path.parent.is_dir():
        raise MemoryStoreError(f"{path.parent} is not a folder")
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# --- whole collections ----------------------------------------------------------------------

def copy_collection(source, target, progress: Callable[[int], None] | None = None) -> int:
    """Copy every row — embeddings, documents, metadata, the task index and the episode
    ledger — unchanged into an empty target of the same kind built with the same model (a
    double-Q memory side by side); returns the rows copied (of both sides)."""
    if target.count():
        raise MemoryStoreError(f"collection {target.name!r} at {target.client.location} is not "
                               "empty; copy into a new collection, or use merge")
    if len(source.sides) != len(target.sides):
        raise MemoryStoreError("copy a double-Q memory into a double-Q memory")
    return sum(side.copy_into(into, progress) for side, into in zip(source.sides, target.sides))


def require_single(memories: Sequence) -> None:
    """Merging is for single memories: a double-Q one is refused."""
    for memory in memories:
        if len(memory.sides) != 1:
            raise MemoryStoreError(f"merge combines single memories, and {memory.name!r} is "
                                   "double-Q; copy it, or export it with --side merged and "
                                   "import that")


def merge_collections(target: ExperienceStore,
                      sources: Sequence[ExperienceStore]) -> tuple[int, int]:
    """Merge the sources' experiences into `target` (duplicates, also with the target's own
    rows, combined by visit-weighted means) and union their episode ledgers.
    Returns (experiences read from the sources, rows new to the target)."""
    require_single([*sources, target])
    read: list[Experience] = []
    for source in sources:
        read += list(source.iter_experiences())
    combined = merge_duplicates(read)
    new, _ = write_experiences(target, combined, on_conflict="merge")
    for source in sources:
        target.record_episodes(list(source.episodes()))
    return len(read), new

