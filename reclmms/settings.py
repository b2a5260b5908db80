"""One typed, frozen settings object, loaded from ``config.toml`` plus ``RECLMMS_*`` overrides.

Precedence: environment > config file > defaults. An override is named
``RECLMMS_<SECTION>_<KEY>`` (``RECLMMS_LLM_BACKEND=openai``). Secrets are read from the
environment only and never from the file.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from reclmms.errors import ConfigError

ENV_PREFIX = "RECLMMS_"
DEFAULT_CONFIG = "config.toml"


_NUMBERS = (int, float, tuple[int, ...])


class _Section(BaseModel):
    # allow_inf_nan=False: "inf", 1e400 or nan for a float setting is "Input should be a finite number"
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """``max_products = true`` is a mistake, not 1 (pydantic would take it as 1)."""
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and field.annotation in _NUMBERS:
            items = value if isinstance(value, list | tuple) else [value]
            if any(isinstance(item, bool) for item in items):
                raise ValueError("must be a number, not true or false")
        return value


class StorageSettings(_Section):
    data_dir: Path = Path("data")

    @field_validator("data_dir", mode="before")
    @classmethod
    def _not_empty(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise ValueError("must not be empty (the default is 'data', next to the config file)")
        return value


class CatalogSettings(_Section):
    bootstrap: Literal["demo", "none"] = "demo"
    text_embedder: str = "use"
    image_embedder: str = "efficientnet"
    device: str = "auto"
    threads: int = Field(default=0, ge=0, le=256)

    @property
    def cpu_threads(self) -> int:
        if self.threads:
            return self.threads
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # pragma: no cover - non-Linux
            return max(1, os.cpu_count() or 1)


class ChromaSettings(_Section):
    mode: Literal["embedded", "http"] = "embedded"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    ssl: bool = False


class LLMSettings(_Section):
    backend: Literal["embedded", "openai", "minicpm", "scripted"] = "embedded"
    base_url: str = "http://127.0.0.1:8080/v1"
    model: str = "openbmb/MiniCPM-Llama3-V-2_5"
    timeout_s: float = Field(default=20.0, gt=0)
    health_timeout_s: float = Field(default=3.0, gt=0, le=60)  # the health check's one-token test completion
    max_tokens: int = Field(default=256, ge=16, le=8192)
    temperature: float = Field(default=0.3, ge=0, le=2)
    model_path: str = ""
    quantize: Literal["none", "int4"] = "none"
    embedded_model: str = "qwen2.5-coder-1.5b"
    context_size: int = Field(default=4096, ge=512)
    # How the model picks a tool: "native" server tool calls, the "json" protocol, or "auto"
    # (openai: native, falling back to json when the server refuses tools; embedded: json).
    tool_calls: Literal["auto", "native", "json"] = "auto"


class AgentSettings(_Section):
    turn_timeout_s: float = Field(default=30.0, gt=0)
    max_products: int = Field(default=5, ge=1, le=10)


TELEGRAM_API_HOST = "api.telegram.org"
WEBHOOK_PORTS = (443, 80, 88, 8443)  # the ports Telegram's Bot API sends webhooks to (setWebhook)


def _webhook_url_problem(url: str, base_url: str) -> str | None:
    """What Telegram would refuse in a webhook URL, or None. Telegram's own Bot API sends webhooks
    over HTTPS to ports 443, 80, 88 and 8443 only; a local telegram-bot-api server (``base_url``
    pointing elsewhere) also takes http:// and any port."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return "its port is not a number from 1 to 65535"
    local = urlsplit(base_url).hostname not in (None, TELEGRAM_API_HOST)
    schemes = ("https", "http") if local else ("https",)
    if parts.scheme.lower() not in schemes or not parts.hostname:
        if local:
            return "must be an https:// or http:// URL with a host, such as https://bot.example.com/tg-hook"
        return ("must be an https:// URL with a host, such as https://bot.example.com/tg-hook "
                "(Telegram sends webhooks over HTTPS only)")
    if not local and port is not None and port not in WEBHOOK_PORTS:
        return f"port {port}: Telegram sends webhooks to ports 443, 80, 88 and 8443 only"
    return None


class TelegramSettings(_Section):
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    admin_ids: tuple[int, ...] = ()
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str = ""
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    rate_limit_per_minute: int = Field(default=20, ge=1)

    @field_validator("webhook_url")
    @classmethod
    def _stripped(cls, value: str) -> str:
        return value.strip()  # what Telegram would refuse is checked in webhook mode only (check_webhook)

    @field_validator("admin_ids")
    @classmethod
    def _user_ids(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if bad := [i for i in value if i <= 0]:  # a negative id is a group or channel, never a person
            raise ValueError(f"{bad[0]} is not a Telegram user id: admin ids are users' positive numeric ids "
                             "(a group's or channel's id is negative)")
        return value


class LinkingSettings(_Section):
    code_ttl_s: int = Field(default=86400, ge=60)


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("level", mode="before")
    @classmethod
    def _any_case(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value


_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Secrets(_Section):
    """Read from the environment only."""

    telegram_token: SecretStr | None = None
    llm_api_key: SecretStr | None = None
    link_secret: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None

    @field_validator("telegram_webhook_secret", mode="before")
    @classmethod
    def _stripped(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value  # checked in webhook mode only


def webhook_problems(telegram: TelegramSettings, secrets: Secrets) -> list[tuple[tuple[str, str], str]]:
    """What Telegram would refuse in the webhook settings: ((section, key), why) for each. The secret
    token's value is never in the reason."""
    problems: list[tuple[tuple[str, str], str]] = []
    url = telegram.webhook_url
    if url and (problem := _webhook_url_problem(url, telegram.base_url)):
        problems.append((("telegram", "webhook_url"), problem))
    secret = secrets.telegram_webhook_secret
    if secret is not None and not _SECRET_TOKEN.fullmatch(secret.get_secret_value()):
        problems.append((("secrets", "telegram_webhook_secret"),
                         "must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for a webhook's "
                         "secret token), such as the output of `openssl rand -hex 32`"))
    return problems


_SECRET_ENV = {
    "telegram_token": "RECLMMS_TELEGRAM_TOKEN",
    "llm_api_key": "RECLMMS_LLM_API_KEY",
    "link_secret": "RECLMMS_LINK_SECRET",
    "telegram_webhook_secret": "RECLMMS_TELEGRAM_WEBHOOK_SECRET",
}
# Other RECLMMS_* variables that are not settings: the config file's path, and the test
# suite's shared model cache (tests/llm/conftest.py).
_OTHER_ENV = frozenset({"RECLMMS_CONFIG", "RECLMMS_TEST_MODELS_DIR"})


class Settings(_Section):
    storage: StorageSettings = StorageSettings()
    catalog: CatalogSettings = CatalogSettings()
    chroma: ChromaSettings = ChromaSettings()
    llm: LLMSettings = LLMSettings()
    agent: AgentSettings = AgentSettings()
    telegram: TelegramSettings = TelegramSettings()
    linking: LinkingSettings = LinkingSettings()
    logging: LoggingSettings = LoggingSettings()
    secrets: Secrets = Secrets()
    _origin: str = PrivateAttr(default="settings")  # the config file's path (load_settings)
    _env_sources: dict[tuple[str, str], str] = PrivateAttr(default_factory=dict)  # (section, key) → variable

    def check_webhook(self) -> None:
        """For webhook mode only (the other commands, and ``serve`` by polling, never use these
        settings): ``ConfigError`` in one line naming each webhook setting Telegram would refuse
        (a URL that is not https:// with a host or names a port Telegram does not send to, a secret
        token of other characters) and where it was set, instead of a refusal at ``setWebhook``."""
        items = [(self._env_sources.get(key, self._origin), f"bad value for '{key[0]}.{key[1]}': {why}")
                 for key, why in webhook_problems(self.telegram, self.secrets)]
        if items:
            raise ConfigError(_one_line(items))

    @property
    def data_dir(self) -> Path:
        return self.storage.data_dir

    @property
    def sqlite_path(self) -> Path:
        return self.storage.data_dir / "reclmms.sqlite3"

    @property
    def duckdb_path(self) -> Path:
        return self.storage.data_dir / "analytics.duckdb"

    @property
    def chroma_path(self) -> Path:
        return self.storage.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.storage.data_dir / "models"

    @property
    def checkpoints_path(self) -> Path:
        return self.storage.data_dir / "conversations.sqlite3"


def _env_value(raw: str, annotation: Any) -> Any:
    """Coerce an environment string for a field; pydantic handles scalars, we handle lists."""
    text = raw.strip()
    if "tuple" in str(annotation) or "list" in str(annotation):
        if text.startswith("["):
            return json.loads(text)
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def _override_names() -> dict[str, tuple[str, str, Any]]:
    """``RECLMMS_<SECTION>_<KEY>`` → (section, key, the field's annotation), for every setting."""
    names: dict[str, tuple[str, str, Any]] = {}
    for section_name, section_field in Settings.model_fields.items():
        if section_name == "secrets":
            continue
        model = section_field.annotation
        assert isinstance(model, type) and issubclass(model, BaseModel)
        for key, field in model.model_fields.items():
            names[f"{ENV_PREFIX}{section_name}_{key}".upper()] = (section_name, key, field.annotation)
    return names


def _unknown_env(name: str) -> str:
    rest = name[len(ENV_PREFIX):].lower()
    sections = [s for s in Settings.model_fields if s != "secrets"]
    for section in sections:
        if rest.startswith(section + "_"):
            model = Settings.model_fields[section].annotation
            assert isinstance(model, type) and issubclass(model, BaseModel)
            return (
                f"unknown key '{section}.{rest[len(section) + 1:]}' "
                f"(keys of [{section}]: {', '.join(model.model_fields)})"
            )
    return f"unknown setting; overrides are named RECLMMS_<SECTION>_<KEY>, sections: {', '.join(sections)}"


def _overrides(env: Mapping[str, str]) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], str]]:
    """The overrides found in ``env``, and which variable set each (section, key).

    A ``RECLMMS_*`` variable that is neither a setting, a secret nor RECLMMS_CONFIG is an error.
    """
    names = _override_names()
    known = names.keys() | set(_SECRET_ENV.values()) | _OTHER_ENV
    for name in sorted(env):
        if name.startswith(ENV_PREFIX) and name not in known:
            raise ConfigError(f"invalid configuration ({name}): {_unknown_env(name)}")
    out: dict[str, dict[str, Any]] = {}
    sources: dict[tuple[str, str], str] = {}
    for name, (section, key, annotation) in names.items():
        if name in env:
            try:
                value = _env_value(env[name], annotation)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{name}: not valid JSON ({exc})") from exc
            out.setdefault(section, {})[key] = value
            sources[(section, key)] = name
    return out, sources


def _merge(base: dict[str, Any], extra: dict[str, dict[str, Any]]) -> dict[str, Any]:
    merged = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for section, values in extra.items():
        current = merged.get(section)
        if current is not None and not isinstance(current, dict):
            raise ConfigError(f"[{section}] must be a table")
        merged[section] = {**(current or {}), **values}
    return merged


def _describe(error: ValidationError, source: str, env_sources: Mapping[tuple[str, str], str]) -> str:
    """One line naming each bad key or value, and where it came from: the file or the variable."""
    items: list[tuple[str, str]] = []
    for item in error.errors():
        loc = ".".join(str(p) for p in item["loc"])
        section_key = (str(item["loc"][0]), str(item["loc"][1])) if len(item["loc"]) > 1 else None
        where = env_sources.get(section_key, source) if section_key else source
        if item["type"] == "extra_forbidden":
            items.append((where, f"unknown key '{loc}'"))
        else:
            msg = str(item["msg"]).removeprefix("Value error, ")
            items.append((where, f"bad value for '{loc}': {msg}"))
    return _one_line(items)


def _one_line(items: list[tuple[str, str]]) -> str:
    """(where, what) of each bad setting as one line: "invalid configuration (where): what; ..."."""
    wheres = list(dict.fromkeys(w for w, _ in items))
    if len(wheres) == 1:
        return f"invalid configuration ({wheres[0]}): " + "; ".join(text for _, text in items)
    return "invalid configuration: " + "; ".join(f"{text} ({where})" for where, text in items)


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Load settings from ``path`` (or ``$RECLMMS_CONFIG``, or ``./config.toml``) and the environment.

    Raises ConfigError naming the bad key or value.
    """
    env = os.environ if env is None else env
    explicit = path or env.get("RECLMMS_CONFIG")
    config_path = Path(explicit) if explicit else Path(DEFAULT_CONFIG)
    data: dict[str, Any] = {}
    if config_path.exists():
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_path}: not valid TOML ({exc})") from exc
        except OSError as exc:  # a directory, no permission
            raise ConfigError(f"cannot read the config file {config_path}: {exc.strerror or exc}") from None
    elif explicit:
        raise ConfigError(f"config file not found: {config_path}")
    if "secrets" in data:
        raise ConfigError(f"{config_path}: secrets are read from the environment only, remove [secrets]")
    overrides, env_sources = _overrides(env)
    data = _merge(data, overrides)
    data["secrets"] = {key: env[name] for key, name in _SECRET_ENV.items() if env.get(name)}
    env_sources.update({("secrets", key): _SECRET_ENV[key] for key in data["secrets"]})
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, str(config_path), env_sources)) from None
    data_dir = settings.storage.data_dir.expanduser()
    if not data_dir.is_absolute():
        base = config_path.resolve().parent if config_path.exists() else Path.cwd()
        data_dir = base / data_dir
    settings = settings.model_copy(update={"storage": StorageSettings(data_dir=data_dir)})
    settings._origin, settings._env_sources = str(config_path), env_sources  # for check_webhook's message
    return settings
