"""Run settings: defaults, quick defaults, TOML configs, flags over configs, the config.toml a run
writes, and the one-line errors for bad settings."""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

import pytest

from agent.errors import AgentError
from environments.registry import spec
from agent.run_config import (RunConfig, add_run_arguments, capture_defaults,
                              config_toml, parse_task_set, resolve)

CONFIGS = Path(__file__).resolve().parent.parent / "scripts" / "configs"


def parser_and_defaults():
    parser = argparse.ArgumentParser(prog="rememberer train")
    add_run_arguments(parser)
    return parser, capture_defaults(parser)


def settle(*argv: str, command: str = "train", cwd: Path | None = None):
    parser, defaults = parser_and_defaults()
    return resolve(parser, defaults, parser.parse_args(list(argv)), command)


@pytest.fixture(autouse=True)
def no_openai_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def test_env_alone_gives_the_quick_run_on_the_local_llm():
    inv = settle("--env", "webshop")
    cfg = inv.config
    for name, value in spec("webshop").quick.items():
        assert getattr(cfg, name) == value
    assert cfg.backend == "local" and cfg.policy == "rememberer" and cfg.initial_memory == "E0"
    assert (cfg.lam, cfg.m, cfg.n_step, cfg.update, cfg.gamma) == (0.5, 2, None, "mean", 1.0)
    assert cfg.name.startswith("webshop-rememberer-") and cfg.run_dir == f"runs/{cfg.name}"
    assert cfg.memory_path() == Path(cfg.run_dir) / "memory"
    assert inv.command == "train" and not inv.resume and inv.progress


def test_openai_is_the_default_backend_when_a_key_is_set(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert settle("--env", "wikihow").config.backend == "openai"


def test_flags_override_the_config_file_which_overrides_defaults(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('env = "wikihow"\nepochs = 4\nlambda = 0.25\nno-random = true\n'
                      'train_set = "S1"\nllm = "fake"\n')
    cfg = settle("--config", str(config), "--epochs", "2", "--run-dir", str(tmp_path / "r")).config
    assert (cfg.env, cfg.epochs, cfg.lam, cfg.no_random, cfg.train_set, cfg.backend) == (
        "wikihow", 2, 0.25, True, "S1", "fake")
    assert cfg.test_set == spec("wikihow").quick["test_set"]  # not set anywhere: quick value
    assert cfg.name == "r"  # the run folder names the run


@pytest.mark.parametrize("text, message", [
    ('env = "webshop"\nepoch = 3\n', "unknown key 'epoch'"),
    ('env = "webshop"\nepochs = "3"\n', "epochs must be a whole number"),
    ('env = "webshop"\nno-random = 1\n', "no-random must be true or false"),
    ('env = "mars"\n', "env must be one of webshop, wikihow"),
    ('env = "webshop"\napi-key = "sk-secret"\n', "unknown key 'api-key'"),
    ('env = "webshop"\nchroma-token = "secret-token"\n', "unknown key 'chroma-token'"),
    ('env = "webshop"\nepochs = \n', "is not valid TOML"),
])
def test_bad_config_files_are_one_clear_error(tmp_path, text, message):
    config = tmp_path / "bad.toml"
    config.write_text(text)
    with pytest.raises(AgentError, match=message):
        settle("--config", str(config))


def test_env_is_required_somewhere(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("epochs = 2\n")
    with pytest.raises(AgentError, match="missing setting 'env'"):
        settle("--config", str(config))
    with pytest.raises(AgentError, match="config file .* does not exist"):
        settle("--config", str(tmp_path / "missing.toml"))


@pytest.mark.parametrize("argv, message", [
    (["--epochs", "0"], "epochs must be at least 1"),
    (["--lambda", "1.5"], "lambda must be between 0 and 1"),
    (["--task-sim-only", "--obs-sim-only"], "exclude each other"),
    (["--policy", "llm-only", "--initial-memory", "none"], "must be E0, E1 or E2"),
    (["--initial-memory", "no/such/pool.jsonl"], "neither E0, E1, E2, none nor an existing"),
    (["--test-set", "9:3"], "is empty"),
    (["--train-set", "S0;S1"], "neither a range A:B nor a split name"),
    (["--memory", "m", "--chroma-host", "localhost"], "either --memory"),
    (["--name", "a b"], "run name"),
])
def test_bad_settings_are_one_clear_error(argv, message):
    with pytest.raises(AgentError, match=message):
        settle("--env", "webshop", *argv)


def test_double_q_from_a_config_file_reads_back_from_config_toml(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('env = "webshop"\ndouble-q = true\ndouble-q-order = "random"\n')
    cfg = settle("--config", str(config), "--run-dir", str(tmp_path / "r")).config
    assert (cfg.double_q, cfg.double_q_order) == (True, "random")
    written = tmp_path / "written.toml"
    written.write_text(config_toml(cfg, parser_and_defaults()[0], command="train",
                                   memory_given=False))
    assert tomllib.loads(written.read_text())["double-q"] is True
    assert settle("--config", str(written)).config == cfg
    assert (settle("--env", "webshop").config.double_q,
            settle("--env", "webshop").config.double_q_order) == (False, "turn")


def test_ablations_set_lambda():
    assert settle("--env", "webshop", "--task-sim-only").config.effective_lambda == 1.0
    assert settle("--env", "webshop", "--obs-sim-only").config.effective_lambda == 0.0
    assert settle("--env", "webshop", "--lambda", "0.3").config.effective_lambda == 0.3


def test_task_sets_by_range_index_or_split_name():
    splits = {"test": range(0, 70), "S0": range(70, 80)}
    assert parse_task_set("3:7", "test-set", splits) == range(3, 7)
    assert parse_task_set("5", "test-set", splits) == range(5, 6)
    assert parse_task_set("S0", "train-set", splits) == range(70, 80)
    assert parse_task_set("test", "test-set", splits) == range(0, 70)
    with pytest.raises(AgentError, match="unknown --train-set 'S7'"):
        parse_task_set("S7", "train-set", splits)


def test_paper_configs_are_the_papers_setting():
    web = settle("--config", str(CONFIGS / "webshop-paper.toml")).config
    assert (web.env, web.train_set, web.test_set, web.epochs, web.initial_memory) == (
        "webshop", "S0", "0:100", 3, "E0")
    wiki = settle("--config", str(CONFIGS / "wikihow-paper.toml")).config
    assert (wiki.env, wiki.train_set, wiki.test_set, wiki.epochs) == ("wikihow", "S0", "test", 3)
    from environments.wikihow import SPLITS

    assert len(parse_task_set(wiki.test_set, "test-set", SPLITS)) == 70
    for cfg in (web, wiki):
        assert (cfg.m, cfg.lam, cfg.n_step, cfg.update, cfg.gamma, cfg.max_steps) == (
            2, 0.5, None, "mean", 1.0, 15)
        assert cfg.policy == "rememberer" and not (cfg.no_random or cfg.no_discouraged
                                                   or cfg.task_sim_only or cfg.obs_sim_only)


@pytest.mark.parametrize("env", ["webshop", "wikihow"])
def test_paper_configs_spell_out_the_specs_paper_settings(env):
    cfg = settle("--config", str(CONFIGS / f"{env}-paper.toml")).config
    paper = spec(env).paper
    assert paper and {name: getattr(cfg, name) for name in paper} == dict(paper)


@pytest.mark.parametrize("env", ["webshop", "wikihow"])
def test_quick_configs_spell_out_what_env_alone_runs(env):
    from_file = settle("--config", str(CONFIGS / f"{env}-quick.toml"), "--name", "x").config
    from_flag = settle("--env", env, "--name", "x").config
    assert from_file == from_flag


def test_config_toml_reads_back_to_the_same_settings_and_holds_no_secret(tmp_path):
    parser, _ = parser_and_defaults()
    inv = settle("--env", "wikihow", "--n-step", "2", "--update", "const", "--no-discouraged",
                 "--api-key", "sk-very-secret", "--llm", "openai", "--run-dir", str(tmp_path / "run"),
                 "--chroma-host", "127.0.0.1", "--chroma-token", "chroma-very-secret")
    assert inv.chroma_token == "chroma-very-secret"
    text = config_toml(inv.config, parser, command="train", memory_given=inv.memory_given)
    assert "sk-very-secret" not in text and "api-key" not in tomllib.loads(text)
    assert "chroma-very-secret" not in text and "chroma-token" not in tomllib.loads(text)
    assert "memory" not in tomllib.loads(text)  # defaulted: stays <run-dir>/memory
    (tmp_path / "config.toml").write_text(text)
    again = settle("--config", str(tmp_path / "config.toml")).config
    assert again == inv.config
    assert isinstance(again, RunConfig) and again.n_step == 2 and again.no_discouraged


def test_resume_reads_the_runs_config_and_refuses_other_settings(tmp_path):
    parser, _ = parser_and_defaults()
    run = tmp_path / "run"
    run.mkdir()
    first = settle("--env", "webshop", "--epochs", "2", "--run-dir", str(run), "--name", "first")
    (run / "config.toml").write_text(config_toml(first.config, parser, command="train",
                                                 memory_given=False))
    resumed = settle("--run-dir", str(run), "--resume", "--concurrency", "3")
    assert resumed.resume and resumed.config.name == "first" and resumed.config.epochs == 2
    assert resumed.config.concurrency == 3  # allowed: does not change what is computed
    with pytest.raises(AgentError, match="cannot resume with epochs = 3"):
        settle("--run-dir", str(run), "--resume", "--epochs", "3")
    with pytest.raises(AgentError, match="--resume needs --run-dir"):
        settle("--env", "webshop", "--resume")
    with pytest.raises(AgentError, match="cannot resume: .* does not exist"):
        settle("--run-dir", str(tmp_path / "nothing"), "--resume")
