"""The settings of a training or test run: one dataclass, filled in layers.

    built-in defaults  <  the environment's quick defaults  <  --config FILE (TOML)  <  flags

Every flag of `rememberer train|test` is also a key of the TOML file, spelled as the flag without
its dashes (`train-set = "S0"`, `lambda = 0.5`, `no-random = true`; `train_set` works too). An
unknown key, a value of the wrong type or a missing `env` is a one-line error (exit code 2). The
run folder keeps the resolved settings as `config.toml`, which `--config` reads back to rerun.

API keys are never settings: they come from OPENAI_API_KEY or `--api-key` and are never written;
nor is a Chroma server's token (CHROMA_TOKEN or `--chroma-token`).
"""

from __future__ import annotations

import argparse
import os
import re
import time
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from agent.errors import AgentError
from agent.llm import TEST_BACKEND, add_llm_arguments, backend_names
from agent.policies import ADVICE_POLICIES, POLICY_NAMES, USES_LLM, check_carry
from agent.prompts import DEFAULT_TOKEN_BUDGET
from environments import registry

EXEMPLAR_SETS = ("E0", "E1", "E2")
COMPARE_POLICIES = tuple(name for name in POLICY_NAMES if name != "rememberer")
RUNS_ROOT = Path("runs")
# What `--env NAME` alone runs is the environment's quick setting (its spec's `quick`): a small
# first run that finishes in minutes on a laptop CPU with the embedded Gemma model
# (scripts/configs/<env>-quick.toml spells out the same values).

# Flags that steer this invocation only; they are not settings of the run and not TOML keys.
CONTROL_DESTS = ("config", "resume", "no_progress", "api_key", "chroma_token", "help")
# Settings a resumed run may change without changing what it computes (test_every: test passes
# never change the memory, so it only decides which of them are still played).
RESUMABLE_CHANGES = ("run_dir", "concurrency", "threads", "timeout", "max_retries", "base_url", "chroma_host",
                     "chroma_port", "llm_cache", "no_cache", "ray_address", "test_every")
# Settings only `train` has (`test` neither shows the flags nor minds the keys in a config file).
TRAIN_ONLY = ("workers", "ray_address")
_RANGE = re.compile(r"^\s*(\d+)\s*:\s*(\d+)\s*$")
_SINGLE = re.compile(r"^\s*(\d+)\s*$")


@dataclass
class RunConfig:
    """Everything that decides what a run computes (see `add_run_arguments` for the meanings)."""

    env: str
    policy: str
    train_set: str
    test_set: str
    epochs: int
    max_steps: int
    compare: str  # none, or a baseline policy that also plays the test tasks (the memory's effect)
    initial_memory: str
    memory: str | None  # embedded Chroma folder; None = <run_dir>/memory (unless chroma_host)
    chroma_host: str | None
    chroma_port: int | None
    collection: str
    embedding_model: str | None
    lam: float
    m: int
    token_budget: int
    max_tokens: int | None  # None: the policy's own (128 for advice, 192 for ReAct)
    no_random: bool
    no_discouraged: bool
    useful_exemplars: bool  # retrieve states where some action has a positive Q first
    task_sim_only: bool
    obs_sim_only: bool
    n_step: int | None
    explore: float  # training passes: chance that a step takes a random valid action instead
    gamma: float
    update: str
    alpha: float
    double_q: bool  # double Q-learning: two sides, each episode updates one (memory_store/double.py)
    double_q_order: str  # which side an episode updates: turn (alternate) | random (seeded)
    backend: str
    model: str | None
    base_url: str | None
    api: str
    temperature: float
    timeout: float
    max_retries: int
    seed: int
    llm_cache: str | None
    no_cache: bool
    guided: str  # how the openai backend sends the answer constraint: none | vllm | llamacpp
    free_text: bool  # no constrained decoding: the model writes free text, the parser reads it
    concurrency: int
    threads: int | None  # torch CPU threads (local LLM, embeddings); None: `default_threads()`
    name: str  # the run's name: part of every episode id, so it never changes on resume
    run_dir: str
    workers: int = 1  # training episodes per synchronous round (1: sequential, the paper's order)
    ray_address: str | None = None  # play the rounds on Ray workers (auto or HOST:PORT)
    test_every: int = 1  # a test pass after every N-th epoch, and always after the last
    greedy_test: bool = False  # test passes: useful exemplars and no random advice (set_pass)
    carry_over: bool = False  # list the exemplars' good actions as they apply to the new state
    carry_choices: bool = False  # with carry_over: a step the remembered action had behind it first
    explore_choices: float = 0.0  # training passes: chance of taking the state's open choice

    @property
    def tested_epochs(self) -> list[int]:
        """The epochs followed by a test pass: every `test_every`-th, and the last."""
        return [e for e in range(1, self.epochs + 1) if e % self.test_every == 0 or e == self.epochs]

    @property
    def effective_lambda(self) -> float:
        """λ after the ablations: task similarity only is λ = 1, observation only is λ = 0."""
        if self.task_sim_only:
            return 1.0
        if self.obs_sim_only:
            return 0.0
        return self.lam

    @property
    def learns(self) -> bool:
        return self.policy == "rememberer"

    @property
    def asks_llm(self) -> bool:
        """Some pass of the run asks the model (a random-policy run never does)."""
        return self.policy in USES_LLM or self.compare in USES_LLM

    def memory_path(self) -> Path | None:
        """The embedded memory folder, or None when the memory lives on a Chroma server."""
        if self.chroma_host is not None or self.chroma_port is not None:
            return None
        return Path(self.memory) if self.memory else Path(self.run_dir) / "memory"

    def memory_location(self) -> str:
        path = self.memory_path()
        if path is None:
            return f"chroma server {self.chroma_host or '127.0.0.1'}:{self.chroma_port or 8000}"
        return str(path)


# --- flags ------------------------------------------------------------------------------------

def add_run_arguments(parser: argparse.ArgumentParser, command: str | None = None) -> None:
    """The flags of `rememberer train` / `test` (and `scripts/train.py`); `command` None: those
    of both. Their actions are kept as `parser.run_actions` (argparse lists a parser's actions
    only privately)."""
    actions: list[argparse.Action] = []
    _add_settings(parser, actions, command)
    parser.run_actions = actions  # type: ignore[attr-defined]


def _add_settings(parser: argparse.ArgumentParser, actions: list[argparse.Action],
                  command: str | None) -> None:
    actions.append(parser.add_argument("--config", type=Path, metavar="FILE",
                        help="TOML file with any of the settings below (flags override it); "
                             "see scripts/configs/"))
    tasks = _Recording(parser.add_argument_group("environment and task sets"), actions)
    tasks.add_argument("--env", choices=registry.names(), default=None,
                       help="environment (required here or in the config file)")
    tasks.add_argument("--policy", choices=POLICY_NAMES, default="rememberer",
                       help="rememberer (learns), or the baselines llm-only / react (default rememberer)")
    tasks.add_argument("--train-set", metavar="SET", default=None,
                       help="training tasks: a split name (S0, S1) or a range A:B of task "
                            "indices, B excluded (default: the environment's quick set)")
    tasks.add_argument("--test-set", metavar="SET", default=None,
                       help="test tasks: a range A:B or a split name (test) (default: quick set)")
    tasks.add_argument("--epochs", type=int, default=None,
                       help="train-then-test rounds (default: quick setting, 1)")
    tasks.add_argument("--test-every", type=int, metavar="N", default=1,
                       help="test after every N-th epoch and always after the last (default 1: "
                            "after every epoch, the learning curve; N >= --epochs: only after "
                            "the last, which saves the other test passes)")
    tasks.add_argument("--max-steps", type=int, default=None,
                       help="steps before an episode is cut off (default: the quick setting, 8; "
                            "the paper's is 15)")
    tasks.add_argument("--compare", choices=("none", *COMPARE_POLICIES), default="none",
                       help="after the last test pass, play the same test tasks with this "
                            "baseline (same LLM, fixed exemplars) and print the memory's effect: "
                            "the paired difference with a 95%% interval (default none)")

    memory = _Recording(parser.add_argument_group("experience memory"), actions)
    memory.add_argument("--initial-memory", metavar="E0|E1|E2|none|PATH", default="E0",
                        help="what an empty memory starts with: a bundled exemplar set, nothing, "
                             "or a pool file (.jsonl/.yaml); the baselines use E0-E2 as their "
                             "fixed exemplars (default E0)")
    memory.add_argument("--memory", metavar="PATH", default=None,
                        help="embedded Chroma folder (default: <run dir>/memory)")
    memory.add_argument("--chroma-host", metavar="HOST", default=None,
                        help="use a Chroma server instead of a folder")
    memory.add_argument("--chroma-port", type=int, metavar="PORT", default=None,
                        help="Chroma server port (default 8000 with --chroma-host)")
    memory.add_argument("--chroma-token", metavar="TOKEN", default=None,
                        help="token sent to the Chroma server with every request (default: "
                             "CHROMA_TOKEN; never written to the run folder)")
    memory.add_argument("--collection", default="rememberer",
                        help="collection name (default rememberer)")
    memory.add_argument("--embedding-model", metavar="MODEL", default=None,
                        help="sentence-transformers model folder for task embeddings (default: "
                             "the bundled all-MiniLM-L6-v2)")

    retrieval = _Recording(parser.add_argument_group("retrieval and prompt"), actions)
    retrieval.add_argument("--lambda", dest="lam", type=float, default=0.5, metavar="LAMBDA",
                           help="λ in s = λ·f_task + (1-λ)·f_observation (default 0.5)")
    retrieval.add_argument("--m", type=int, default=2, help="exemplars per prompt (default 2)")
    retrieval.add_argument("--token-budget", type=int, default=DEFAULT_TOKEN_BUDGET,
                           help=f"tokens for exemplars + input (default {DEFAULT_TOKEN_BUDGET})")
    retrieval.add_argument("--max-tokens", type=int, metavar="N", default=None,
                           help="tokens the LLM may write per answer (default: the quick setting, "
                                "48, enough for one advice line; ReAct 192; the paper configs 128)")
    retrieval.add_argument("--free-text", action="store_true", default=False,
                           help="do not constrain answers to the valid actions of the state (the "
                                "local model and --guided servers otherwise can only write a valid "
                                "action); the parser alone reads what the model wrote")
    retrieval.add_argument("--no-random", action="store_true", default=False,
                           help="ablation: advice = top and bottom recorded actions, no random exploration")
    retrieval.add_argument("--no-discouraged", action="store_true", default=False,
                           help="ablation: show only Encouraged actions")
    retrieval.add_argument("--useful-exemplars", action="store_true", default=False,
                           help="not in the paper: show exemplars of states where some action "
                                "has a positive Q, topped up with the others when there are "
                                "fewer than m (a small model copies the advice of states where "
                                "nothing worked)")
    retrieval.add_argument("--greedy-test", action="store_true", default=False,
                           help="not in the paper: training keeps the paper's advice (random "
                                "actions explore), test passes exploit the memory (as "
                                "--useful-exemplars and --no-random together)")
    retrieval.add_argument("--carry-over", action="store_true", default=False,
                           help="not in the paper: under the new input, list the exemplars' "
                                "actions with Q > 0 as the environment carries them over to it "
                                "(WikiHow: the element with the same label, the requested "
                                "article for the requested article; WebShop: the k-th result for "
                                "the k-th result, the option this request names for the option "
                                "that one named); an action recorded elsewhere names things of "
                                "its own page")
    retrieval.add_argument("--carry-choices", action="store_true", default=False,
                           help="not in the paper, with --carry-over: an action remembered with "
                                "its task's choices settled is carried, where one of this task's "
                                "is still open, as making it (WebShop: a purchase made with no "
                                "requested option left open becomes a click on the open option "
                                "this request names)")
    retrieval.add_argument("--task-sim-only", action="store_true", default=False,
                           help="ablation: rank exemplars by task similarity only (λ = 1)")
    retrieval.add_argument("--obs-sim-only", action="store_true", default=False,
                           help="ablation: rank exemplars by observation similarity only (λ = 0)")

    update = _Recording(parser.add_argument_group("Q updates (RLEM)"), actions)
    update.add_argument("--n-step", type=int, metavar="N", default=None,
                        help="n-step bootstrapped returns (default: full-episode Monte Carlo returns)")
    update.add_argument("--explore", type=float, metavar="EPS", default=0.0,
                        help="not in the paper: in training passes each step takes a random valid "
                             "action with probability EPS instead of the model's (drawn from the "
                             "--seed and the episode; test passes never explore). A greedy model "
                             "repeats itself from epoch to epoch, so Q-learning sees nothing new "
                             "(default 0: the paper)")
    update.add_argument("--explore-choices", type=float, metavar="P", default=0.0,
                        help="not in the paper: in training passes a step where the task names a "
                             "choice the state leaves open (WebShop: an option the request names, "
                             "not chosen yet) makes it with probability P instead of asking the "
                             "model, so the memory records choosing it (test passes never do; "
                             "default 0: the paper)")
    update.add_argument("--gamma", type=float, default=1.0, help="discount factor (default 1.0)")
    update.add_argument("--update", choices=("mean", "const"), default="mean",
                        help="mean: Q += (G-Q)/visits; const: Q += α(G-Q) (default mean)")
    update.add_argument("--alpha", type=float, default=0.1, help="α of --update const (default 0.1)")
    update.add_argument("--double-q", action="store_true", default=False,
                        help="double Q-learning: the memory keeps two sides (collections <name> "
                             "and <name>.b); each training episode updates one, bootstrapping "
                             "from the other; the agent reads both merged (policies without "
                             "a memory ignore it). A memory is double-Q or single from its "
                             "first run on: later runs on it must match")
    update.add_argument("--double-q-order", choices=("turn", "random"), default="turn",
                        help="which side a training episode updates: turn (the run's episodes "
                             "0, 2, 4, ... side A, 1, 3, 5, ... side B) or random (drawn from "
                             "the --seed and the episode's number) (default turn)")

    test_note = (f", or {TEST_BACKEND} (the test suite's stand-in)"
                 if TEST_BACKEND in backend_names() else "")
    actions += add_llm_arguments(
        parser, backend_flag="--llm", hidden_aliases=("--backend",),
        choices=[b for b in ("local", "openai", "llamacpp", TEST_BACKEND) if b in backend_names()],
        backend_help="LLM backend: local (embedded Gemma 3 270M), openai (any OpenAI-compatible "
                     f"server), llamacpp{test_note} (default: openai when OPENAI_API_KEY is set, "
                     "else local)",
        seed_help="seed of the exploration advice and of local sampling (default 0)")

    control = _Recording(parser.add_argument_group("run folder"), actions)
    control.add_argument("--name", default=None,
                         help="run name (default: the --run-dir folder's name, else "
                              "<env>-<policy>-<date>-<time>)")
    control.add_argument("--run-dir", metavar="DIR", default=None,
                         help="run folder (default runs/<name>)")
    control.add_argument("--resume", action="store_true",
                         help="continue the run in --run-dir after its last finished episode")
    control.add_argument("--concurrency", type=int, metavar="N", default=1,
                         help="test episodes played at once in threads, for server LLMs (the "
                              "memory is frozen during tests" + (
                                  "" if command == "test" else "; training episodes at once: "
                                  "--workers") + "; default 1)")
    if command != "test":
        control.add_argument("--workers", type=int, metavar="N", default=1,
                             help="training episodes played at once in synchronous rounds: N "
                                  "episodes play against the memory as it stood at the round's "
                                  "start, then their updates are applied in task order (default 1: "
                                  "sequential); threads, or Ray workers with --ray-address")
        control.add_argument("--ray-address", metavar="auto|HOST:PORT", default=None,
                             help="play the training rounds on --workers Ray actors of this "
                                  "cluster (auto: the one running on this machine); needs the ray "
                                  "extra (default: threads in this process)")
    control.add_argument("--threads", type=int, metavar="N", default=None,
                         help="CPU threads for the local LLM and the embeddings (default: half "
                              "the CPU cores, at least 1: on a busy machine more threads than free "
                              "cores make the model several times slower)")
    control.add_argument("--no-progress", action="store_true", help="no progress bars")


class _Recording:
    """An argument group that also records the actions it adds."""

    def __init__(self, group, actions: list[argparse.Action]):
        self.group = group
        self.actions = actions

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = self.group.add_argument(*args, **kwargs)
        self.actions.append(action)
        return action


def setting_actions(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """TOML key (the long flag without dashes) -> the flag's action, for every setting (hidden
    aliases are not keys)."""
    return {flag[2:]: action for action in parser.run_actions  # type: ignore[attr-defined]
            if action.dest not in CONTROL_DESTS and action.help != argparse.SUPPRESS
            for flag in action.option_strings if flag.startswith("--")}


def capture_defaults(parser: argparse.ArgumentParser) -> dict[str, Any]:
    """The flags' defaults by destination, then make the parser leave out flags not given, so
    that a given flag can be told from a default one (flags override the config file)."""
    defaults = {}
    for action in parser.run_actions:  # type: ignore[attr-defined]
        if action.dest not in CONTROL_DESTS:
            defaults.setdefault(action.dest, action.default)
            action.default = argparse.SUPPRESS
    return defaults


# --- TOML -------------------------------------------------------------------------------------

def load_toml(path: Path, kind: str = "config file") -> tuple[str, dict[str, Any]]:
    """A TOML file's text and data; a missing, unreadable or invalid file is one line naming it
    as `kind`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except FileNotFoundError:
        raise AgentError(f"{kind} {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AgentError(f"cannot read {kind} {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise AgentError(f"{kind} {path} is not valid TOML: {exc}") from None


def read_toml(path: Path, parser: argparse.ArgumentParser) -> dict[str, Any]:
    """The settings in a TOML file, by destination, type-checked against the flags."""
    return checked_settings(load_toml(path)[1], parser, where=str(path))


def checked_settings(data: dict[str, Any], parser: argparse.ArgumentParser, *,
                     where: str) -> dict[str, Any]:
    """Settings keyed as in a TOML file, by destination, type-checked against the flags; errors
    name `where` (a file, or a table of one)."""
    actions = setting_actions(parser)
    out: dict[str, Any] = {}
    for key, value in data.items():
        action = actions.get(key) or actions.get(key.replace("_", "-"))
        if action is None and key.replace("-", "_") in TRAIN_ONLY:
            continue  # a train run's config read by `test`: these do not matter there
        if action is None:
            raise AgentError(f"{where}: unknown key {key!r} (keys are the flags of `rememberer train` "
                             f"without dashes, e.g. train-set, lambda, initial-memory)")
        out[action.dest] = _checked_value(where, key, value, action)
    return out


def _checked_value(where: str, key: str, value: Any, action: argparse.Action) -> Any:
    def wrong(kind: str) -> AgentError:
        return AgentError(f"{where}: {key} must be {kind}, got {value!r}")

    if action.nargs == 0:  # store_true
        if not isinstance(value, bool):
            raise wrong("true or false")
        return value
    if action.type is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong("a whole number")
    elif action.type is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise wrong("a number")
        value = float(value)
    elif not isinstance(value, str):
        raise wrong("a text in quotes")
    if action.choices is not None and value not in action.choices:
        raise wrong("one of " + ", ".join(map(str, action.choices)))
    return value


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    import json

    return json.dumps(str(value), ensure_ascii=False)  # JSON string escapes are valid TOML


def config_toml(cfg: RunConfig, parser: argparse.ArgumentParser, *, command: str,
                memory_given: bool) -> str:
    """`config.toml` of a run: every resolved setting, as `--config` reads it back."""
    key_of = {}
    for key, action in setting_actions(parser).items():
        key_of.setdefault(action.dest, key)
    lines = [
        f"# Settings of this `rememberer {command}` run, written {time.strftime('%Y-%m-%d %H:%M:%S')}.",
        f"# Rerun:  rememberer {command} --config {Path(cfg.run_dir) / 'config.toml'} --run-dir NEW_DIR",
        f"# Resume: rememberer {command} --run-dir {cfg.run_dir} --resume",
        "# No API key is stored here: set OPENAI_API_KEY for the openai backend.",
    ]
    if not memory_given and cfg.memory_path() is not None:
        lines.append("# memory: not set, so it is <run-dir>/memory")
    for name, value in asdict(cfg).items():
        if value is None or (name == "memory" and not memory_given) or name not in key_of:
            continue
        lines.append(f"{key_of[name]} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


# --- resolving --------------------------------------------------------------------------------

@dataclass
class Invocation:
    """One command line, resolved: the run's settings plus this invocation's own switches."""

    config: RunConfig
    command: str  # train | test
    resume: bool
    progress: bool
    api_key: str | None
    chroma_token: str | None
    memory_given: bool  # --memory was set (else the memory lives in the run folder)


def resolve(parser: argparse.ArgumentParser, defaults: dict[str, Any], args: argparse.Namespace,
            command: str) -> Invocation:
    """Merge defaults, quick defaults, the config file(s) and the flags into a `RunConfig`."""
    given = {k: v for k, v in vars(args).items() if k not in CONTROL_DESTS and k != "func"}
    from_file = read_toml(args.config, parser) if getattr(args, "config", None) else {}
    resume = bool(getattr(args, "resume", False))
    saved: dict[str, Any] = {}
    if resume:
        run_dir = given.get("run_dir") or from_file.get("run_dir")
        if not run_dir:
            raise AgentError("--resume needs --run-dir: the folder of the run to continue")
        saved_path = Path(run_dir) / "config.toml"
        if not saved_path.is_file():
            raise AgentError(f"cannot resume: {saved_path} does not exist (is {run_dir} a run folder?)")
        saved = read_toml(saved_path, parser)
        for name, value in {**from_file, **given}.items():
            if name in saved and saved[name] != value and name not in RESUMABLE_CHANGES:
                raise AgentError(
                    f"cannot resume with {name.replace('_', '-')} = {value!r}: the run was started with "
                    f"{saved[name]!r} (start a new run with another --run-dir instead)")
    merged = {**defaults, **saved, **from_file, **given}
    env = merged.get("env")
    if env is None:
        raise AgentError(f"missing setting 'env': pass --env {'|'.join(registry.names())} or put "
                         f"env = \"{registry.names()[0]}\" in the --config file")
    for name, value in registry.spec(env).quick.items():
        if merged.get(name) is None and not (name == "max_tokens" and merged["policy"] == "react"):
            merged[name] = value  # (ReAct writes thoughts first: it keeps its own 192 tokens)
    if not merged.get("backend"):
        merged["backend"] = "openai" if os.environ.get("OPENAI_API_KEY") else "local"
    if not merged.get("name"):
        merged["name"] = (Path(merged["run_dir"]).name if merged.get("run_dir") else
                          f"{env}-{merged['policy']}-{time.strftime('%Y%m%d-%H%M%S')}")
    if not re.fullmatch(r"[\w.+-]+", merged["name"]):
        raise AgentError(f"run name {merged['name']!r}: use letters, digits and . _ + - only")
    if not merged.get("run_dir"):
        merged["run_dir"] = str(RUNS_ROOT / merged["name"])
    for name in ("llm_cache", "memory", "run_dir", "embedding_model"):
        if merged.get(name) is not None:
            merged[name] = str(merged[name])
    names = {f.name for f in fields(RunConfig)}
    cfg = RunConfig(**{k: v for k, v in merged.items() if k in names})
    check(cfg)
    return Invocation(cfg, command, resume, not getattr(args, "no_progress", False),
                      getattr(args, "api_key", None), getattr(args, "chroma_token", None),
                      memory_given=cfg.memory is not None)


def default_threads() -> int:
    """Half the CPU cores this process may use, at least 1."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores // 2)


def check(cfg: RunConfig) -> None:
    """Settings that are wrong on their own (task ranges are checked against the data later)."""
    def positive(name: str, value: int | None, low: int = 1) -> None:
        if value is not None and value < low:
            raise AgentError(f"{name.replace('_', '-')} must be at least {low}, got {value}")

    positive("epochs", cfg.epochs)
    positive("test_every", cfg.test_every)
    positive("max_steps", cfg.max_steps)
    positive("m", cfg.m, 0)
    positive("n_step", cfg.n_step)
    positive("concurrency", cfg.concurrency)
    positive("workers", cfg.workers)
    positive("threads", cfg.threads)
    positive("token_budget", cfg.token_budget)
    positive("max_tokens", cfg.max_tokens)
    if not 0.0 <= cfg.lam <= 1.0:
        raise AgentError(f"lambda must be between 0 and 1, got {cfg.lam}")
    if not 0.0 <= cfg.explore <= 1.0:
        raise AgentError(f"explore must be between 0 and 1, got {cfg.explore}")
    if not 0.0 <= cfg.explore_choices <= 1.0:
        raise AgentError(f"explore-choices must be between 0 and 1, got {cfg.explore_choices}")
    if cfg.explore_choices and registry.spec(cfg.env).open_choice is None:
        raise AgentError(f"{cfg.env} names no choices for a task to explore; drop --explore-choices")
    if not 0.0 <= cfg.gamma <= 1.0:
        raise AgentError(f"gamma must be between 0 and 1, got {cfg.gamma}")
    if not 0.0 < cfg.alpha <= 1.0:
        raise AgentError(f"alpha must be in (0, 1], got {cfg.alpha}")
    if cfg.compare != "none" and cfg.policy != "rememberer":
        raise AgentError(f"--compare {cfg.compare} compares Rememberer with a baseline; use it "
                         f"with --policy rememberer, not {cfg.policy}")
    if cfg.carry_over and cfg.policy not in ADVICE_POLICIES:
        raise AgentError(f"--carry-over changes the advice prompt of "
                         f"{' and '.join(ADVICE_POLICIES)}; the {cfg.policy} policy has none: "
                         "drop it")
    check_carry(registry.spec(cfg.env), cfg.carry_over, cfg.carry_choices)
    if cfg.task_sim_only and cfg.obs_sim_only:
        raise AgentError("--task-sim-only and --obs-sim-only exclude each other; pick one")
    if cfg.memory is not None and cfg.chroma_host is not None:
        raise AgentError("give either --memory (a folder) or --chroma-host (a server), not both")
    if cfg.policy != "rememberer" and cfg.initial_memory not in EXEMPLAR_SETS:
        raise AgentError(f"the {cfg.policy} policy uses a fixed exemplar set: --initial-memory "
                         f"must be E0, E1 or E2, not {cfg.initial_memory!r}")
    if cfg.initial_memory not in (*EXEMPLAR_SETS, "none") and not Path(cfg.initial_memory).is_file():
        raise AgentError(f"--initial-memory {cfg.initial_memory!r} is neither E0, E1, E2, none "
                         "nor an existing pool file (.jsonl / .yaml)")
    parse_task_set(cfg.train_set, "train-set")
    parse_task_set(cfg.test_set, "test-set")


def parse_task_set(text: str, flag: str, splits: dict[str, range] | None = None) -> range | str:
    """`A:B` -> range(A, B); `A` -> range(A, A+1); a split name -> that split (or the name when
    `splits` is not given yet). Anything else is an error naming the flag."""
    match = _RANGE.match(text)
    if match:
        start, stop = int(match.group(1)), int(match.group(2))
        if stop <= start:
            raise AgentError(f"--{flag} {text!r} is empty: write A:B with A < B (B is excluded)")
        return range(start, stop)
    match = _SINGLE.match(text)
    if match:
        return range(int(match.group(1)), int(match.group(1)) + 1)
    if splits is None:
        if not re.fullmatch(r"[A-Za-z][\w-]*", text.strip()):
            raise AgentError(f"--{flag} {text!r} is neither a range A:B nor a split name")
        return text.strip()
    if text.strip() in splits:
        return splits[text.strip()]
    raise AgentError(f"unknown --{flag} {text!r}: use a range A:B or one of "
                     f"{', '.join(sorted(splits))}")
