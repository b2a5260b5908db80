from pathlib import Path

import pytest
from pydantic import ValidationError

from reclmms.cli import main
from reclmms.errors import ConfigError
from reclmms.settings import load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_relative_data_dir(tmp_path):
    cfg = write(tmp_path, '[storage]\ndata_dir = "state"\n')
    s = load_settings(cfg, env={})
    assert s.data_dir == tmp_path / "state"
    assert s.sqlite_path == tmp_path / "state" / "reclmms.sqlite3"
    assert s.llm.backend == "embedded"
    assert s.secrets.telegram_token is None


def test_env_overrides_are_coerced(tmp_path):
    cfg = write(tmp_path, "[llm]\ntimeout_s = 5\n")
    env = {
        "RECLMMS_LLM_TIMEOUT_S": "7.5",
        "RECLMMS_LLM_BACKEND": "openai",
        "RECLMMS_TELEGRAM_ADMIN_IDS": "1, 2",
        "RECLMMS_CHROMA_SSL": "true",
        "RECLMMS_TELEGRAM_TOKEN": "123:abc",
    }
    s = load_settings(cfg, env=env)
    assert s.llm.timeout_s == 7.5
    assert s.llm.backend == "openai"
    assert s.telegram.admin_ids == (1, 2)
    assert s.chroma.ssl is True
    assert s.secrets.telegram_token is not None
    assert s.secrets.telegram_token.get_secret_value() == "123:abc"
    assert "123:abc" not in repr(s)


def test_frozen(tmp_path):
    s = load_settings(write(tmp_path, ""), env={})
    with pytest.raises(ValidationError):
        s.llm.backend = "openai"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "env", "needle"),
    [
        ("[llm]\nbackend = 'gpt5'\n", {}, "llm.backend"),
        ("[llm]\nbogus = 1\n", {}, "llm.bogus"),
        ("[nosuch]\nx = 1\n", {}, "nosuch"),
        ("", {"RECLMMS_LLM_TIMEOUT_S": "soon"}, "llm.timeout_s"),
        ("", {"RECLMMS_CHROMA_PORT": "0"}, "chroma.port"),
        ("[secrets]\ntelegram_token='x'\n", {}, "environment only"),
        ("[llm\n", {}, "not valid TOML"),
        ("", {"RECLMMS_TELEGRAM_ADMIN_IDS": "900,-5"}, "-5 is not a Telegram user id"),
        ("[telegram]\nadmin_ids = [0]\n", {}, "0 is not a Telegram user id"),
    ],
)
def test_bad_config_names_the_key(tmp_path, text, env, needle):
    with pytest.raises(ConfigError, match=needle.replace(".", r"\.")):
        load_settings(write(tmp_path, text), env=env)


def test_config_path_from_env_and_missing_file(tmp_path):
    cfg = write(tmp_path, "[agent]\nmax_products = 3\n")
    assert load_settings(env={"RECLMMS_CONFIG": str(cfg)}).agent.max_products == 3
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml", env={})


def test_cli_reports_config_errors_without_traceback(tmp_path, capsys):
    cfg = write(tmp_path, "[llm]\nbackend = 'nope'\n")
    assert main(["--config", str(cfg), "stats"]) == 2
    err = capsys.readouterr().err
    assert "llm.backend" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"RECLMMS_LLM_BOGUS": "1"}, "(RECLMMS_LLM_BOGUS): unknown key 'llm.bogus'"),
        ({"RECLMMS_NOSUCH": "1"}, "(RECLMMS_NOSUCH): unknown setting"),
        ({"RECLMMS_SECRETS_TELEGRAM_TOKEN": "x"}, "(RECLMMS_SECRETS_TELEGRAM_TOKEN): unknown setting"),
    ],
)
def test_unknown_environment_variable_is_an_error(tmp_path, monkeypatch, capsys, env, needle):
    cfg = write(tmp_path, "")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["--config", str(cfg), "stats"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: invalid configuration ") and needle in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_secrets_and_other_reclmms_variables_are_allowed(tmp_path):
    env = {
        "RECLMMS_TELEGRAM_TOKEN": "1:a",
        "RECLMMS_LLM_API_KEY": "k",
        "RECLMMS_LINK_SECRET": "s",
        "RECLMMS_TELEGRAM_WEBHOOK_SECRET": "w",
        "RECLMMS_TEST_MODELS_DIR": str(tmp_path),
        "RECLMMS_CONFIG": str(write(tmp_path, "")),
        "RECLMMS_TELEGRAM_WEBHOOK_URL": "https://example.org/hook",
    }
    s = load_settings(env=env)
    assert s.secrets.llm_api_key is not None and s.telegram.webhook_url == "https://example.org/hook"


def test_bad_environment_value_names_the_variable(tmp_path, monkeypatch, capsys):
    cfg = write(tmp_path, "[llm]\nbackend = 'openai'\n")
    monkeypatch.setenv("RECLMMS_LLM_BACKEND", "nope")
    assert main(["--config", str(cfg), "stats"]) == 2
    err = capsys.readouterr().err
    assert "invalid configuration (RECLMMS_LLM_BACKEND): bad value for 'llm.backend'" in err
    # a file value and a variable, both bad: each is named with its source
    cfg = write(tmp_path, "[llm]\nbackend = 'nope'\n")
    monkeypatch.delenv("RECLMMS_LLM_BACKEND")
    monkeypatch.setenv("RECLMMS_LLM_TIMEOUT_S", "soon")
    with pytest.raises(ConfigError) as info:
        load_settings(cfg)
    message = str(info.value)
    assert message.startswith("invalid configuration: bad value for 'llm.backend'")
    assert f"({cfg})" in message and "'llm.timeout_s'" in message and "(RECLMMS_LLM_TIMEOUT_S)" in message


@pytest.mark.parametrize("where", ["env", "file"])
def test_empty_data_dir_is_an_error_and_creates_nothing(tmp_path, monkeypatch, capsys, where):
    cfg = write(tmp_path, "" if where == "env" else '[storage]\ndata_dir = ""\n')
    if where == "env":
        monkeypatch.setenv("RECLMMS_STORAGE_DATA_DIR", "")
    assert main(["--config", str(cfg), "stats"]) == 2
    err = capsys.readouterr().err
    assert "bad value for 'storage.data_dir': must not be empty" in err
    assert ("(RECLMMS_STORAGE_DATA_DIR)" in err) == (where == "env")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_config_path_that_is_a_directory(tmp_path, capsys):
    assert main(["--config", str(tmp_path), "stats"]) == 2
    err = capsys.readouterr().err
    assert err == f"error: cannot read the config file {tmp_path}: Is a directory\n"


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ("[agent]\nmax_products = true\n", {}, "bad value for 'agent.max_products': must be a number, not true or false"),
        ("[llm]\ntimeout_s = false\n", {}, "bad value for 'llm.timeout_s': must be a number, not true or false"),
        ("[telegram]\nadmin_ids = [1, true]\n", {}, "bad value for 'telegram.admin_ids': must be a number"),
        ("[agent]\nturn_timeout_s = 1e400\n", {}, "bad value for 'agent.turn_timeout_s': Input should be a finite number"),
        ("", {"RECLMMS_AGENT_TURN_TIMEOUT_S": "inf"}, "(RECLMMS_AGENT_TURN_TIMEOUT_S): bad value for "
         "'agent.turn_timeout_s': Input should be a finite number"),
        ("", {"RECLMMS_LLM_TIMEOUT_S": "-Infinity"}, "'llm.timeout_s': Input should be a finite number"),
        ("[llm]\ntemperature = nan\n", {}, "bad value for 'llm.temperature': Input should be a finite number"),
    ],
)
def test_booleans_and_non_finite_numbers_are_not_numbers(tmp_path, text, env, message):
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, text), env=env)
    assert message in str(info.value)


def test_log_levels_in_any_case(tmp_path):
    assert load_settings(write(tmp_path, ""), env={"RECLMMS_LOGGING_LEVEL": "debug"}).logging.level == "DEBUG"
    assert load_settings(write(tmp_path, "[logging]\nlevel = 'Warning '\n"), env={}).logging.level == "WARNING"
    with pytest.raises(ConfigError, match="logging.level"):
        load_settings(write(tmp_path, "[logging]\nlevel = 'loud'\n"), env={})


@pytest.mark.parametrize(("env", "message"), [
    ({"RECLMMS_TELEGRAM_WEBHOOK_URL": "http://bot.example.com/hook"},
     "(RECLMMS_TELEGRAM_WEBHOOK_URL): bad value for 'telegram.webhook_url': must be an https:// URL with a host"),
    ({"RECLMMS_TELEGRAM_WEBHOOK_URL": "bot.example.com/hook"}, "must be an https:// URL with a host"),
    ({"RECLMMS_TELEGRAM_WEBHOOK_URL": "https:///hook"}, "must be an https:// URL with a host"),
    ({"RECLMMS_TELEGRAM_WEBHOOK_URL": "https://bot.example.com:9443/hook"},
     "port 9443: Telegram sends webhooks to ports 443, 80, 88 and 8443 only"),
    ({"RECLMMS_TELEGRAM_WEBHOOK_URL": "https://bot.example.com:8x/hook"}, "its port is not a number"),
    ({"RECLMMS_TELEGRAM_WEBHOOK_SECRET": "not so secret!"},
     "(RECLMMS_TELEGRAM_WEBHOOK_SECRET): bad value for 'secrets.telegram_webhook_secret': "
     "must be 1-256 characters of A-Z, a-z, 0-9, _ and -"),
    ({"RECLMMS_TELEGRAM_WEBHOOK_SECRET": "x" * 257}, "must be 1-256 characters"),
    ({"RECLMMS_TELEGRAM_WEBHOOK_SECRET": "pässword"}, "must be 1-256 characters"),
])
def test_a_webhook_telegram_would_refuse_fails_in_webhook_mode_naming_the_setting(tmp_path, env, message):
    settings = load_settings(write(tmp_path, ""), env=env)  # other commands run: they do not use it
    with pytest.raises(ConfigError) as info:
        settings.check_webhook()
    assert message in str(info.value)
    secret = env.get("RECLMMS_TELEGRAM_WEBHOOK_SECRET")
    assert secret is None or secret not in str(info.value)


def test_a_webhook_url_in_the_file_is_checked_too(tmp_path):
    cfg = write(tmp_path, "[telegram]\nmode = 'webhook'\nwebhook_url = 'http://bot.example.com/hook'\n")
    with pytest.raises(ConfigError, match=rf"\({cfg}\): bad value for 'telegram\.webhook_url': must be an https://"):
        load_settings(cfg, env={}).check_webhook()


@pytest.mark.parametrize(("env", "url"), [
    ({"RECLMMS_TELEGRAM_WEBHOOK_URL": "https://bot.example.com/tg-hook"}, "https://bot.example.com/tg-hook"),
    ({"RECLMMS_TELEGRAM_WEBHOOK_URL": " https://bot.example.com:8443/hook "}, "https://bot.example.com:8443/hook"),
    ({"RECLMMS_TELEGRAM_WEBHOOK_URL": "https://bot.example.com:88/hook"}, "https://bot.example.com:88/hook"),
    # a local telegram-bot-api server takes an http:// webhook on any port
    ({"RECLMMS_TELEGRAM_BASE_URL": "http://127.0.0.1:8081/bot",
      "RECLMMS_TELEGRAM_WEBHOOK_URL": "http://127.0.0.1:9000/hook"}, "http://127.0.0.1:9000/hook"),
    ({}, ""),
])
def test_webhook_urls_telegram_takes(tmp_path, env, url):
    settings = load_settings(write(tmp_path, ""), env={**env, "RECLMMS_TELEGRAM_WEBHOOK_SECRET": "Ab_-09" * 40})
    settings.check_webhook()
    assert settings.telegram.webhook_url == url
    assert settings.secrets.telegram_webhook_secret is not None


def test_serve_with_an_http_webhook_url_stops_at_once_with_one_line(tmp_path, monkeypatch, capsys):
    cfg = write(tmp_path, "")
    monkeypatch.setenv("RECLMMS_TELEGRAM_TOKEN", "123:abc")
    monkeypatch.setenv("RECLMMS_TELEGRAM_WEBHOOK_SECRET", "s3cret")
    monkeypatch.setenv("RECLMMS_TELEGRAM_WEBHOOK_URL", "http://bot.example.com/hook")
    assert main(["--config", str(cfg), "serve", "--webhook"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: invalid configuration (RECLMMS_TELEGRAM_WEBHOOK_URL): bad value for "
                          "'telegram.webhook_url': must be an https:// URL with a host"), err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "data").exists()
