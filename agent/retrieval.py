"""The ``act`` node: run the planned tool, publish the products at once, update the memory.

``ProductsReady`` is written to the graph's custom stream as soon as the tool returns, before
any model prose. Expected failures (a bad photo, an unknown position, a catalog error) become
a short outcome for the reply node instead of an exception. A search that cannot run because the
search index (a Chroma server) is down is the outcome ``unavailable``, logged as one line; like
every failed call, it leaves the conversation's shown products and last search as they were.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Any

from langchain.tools import ToolRuntime
from langgraph.runtime import Runtime

from agent.context import AgentContext
from agent.focus import focus_update
from agent.state import ConversationState, compact, remember
from agent.tools import TOOLS, ToolOutput
from agent.tools._output import details_observation
from agent.turn import ProductsReady
from reclmms.errors import (
    BadImageError,
    BadQueryError,
    NoImageIndexError,
    NotFoundError,
    ReclmmsError,
    SearchUnavailableError,
    describe_error,
)

logger = logging.getLogger(__name__)

# Tool kinds after which the shown list changes ("the second one" then refers to the new list).
_REPLACES_SHOWN = ("products", "history", "recommend", "popular")
MAX_PAGED = 35  # the ids of earlier pages kept for "show me more" (seven pages of five)


async def invoke_tool(name: str, args: dict[str, Any], state: ConversationState, runtime: Runtime[AgentContext],
                      limit_s: float) -> ToolOutput:
    """Run tool ``name`` on ``args`` through ``BaseTool.ainvoke`` (its schema checks the arguments, callbacks see
    the call) with the turn's context injected. The tools type their runtime ``ToolRuntime[AgentContext]``, so
    pydantic serialises the injected context without warning: no per-call warnings filter, which would swap the
    process's filter list under concurrent turns."""
    tool = TOOLS[name]
    tool_runtime = ToolRuntime(state=state, context=runtime.context, config={}, stream_writer=runtime.stream_writer,
                               tool_call_id=uuid.uuid4().hex, store=None)
    async with asyncio.timeout(limit_s):
        result = await tool.ainvoke({**args, "runtime": tool_runtime})
    return result if isinstance(result, ToolOutput) else ToolOutput(kind="error", observation=str(result))


def record_tool_call(ctx: AgentContext, name: str, args: dict[str, Any], output: ToolOutput) -> None:
    """Add a tool call to the turn's trace (``ask --json``'s ``tool_calls``): its arguments, what kind of
    answer it gave, the ids of its products and the start of its observation."""
    ctx.record.tool_calls.append({"tool": name, "args": args, "kind": output.kind,
                                  "results": [a.article_id for a in output.articles],
                                  "observation": output.observation[:300]})


async def _speculated_or_invoke(name: str, args: dict[str, Any], plan: dict[str, Any], state: ConversationState,
                                runtime: Runtime[AgentContext], limit_s: float) -> ToolOutput:
    """The speculative default search when the plan is that search, else a fresh tool call."""
    speculative = runtime.context.record.speculative
    runtime.context.record.speculative = None
    if speculative is not None:
        spec_plan, task = speculative
        if spec_plan == plan:
            return await task  # type: ignore[no-any-return]
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
    return await invoke_tool(name, args, state, runtime, limit_s)


def _new_items(output: ToolOutput, seen: set[str], cheaper: bool) -> list[Any]:
    """The articles not shown yet; none for "cheaper" when the tool had to drop the price cap to find any."""
    if cheaper and "max_price" in (output.extra.get("relaxed") or ()):
        return []
    return [a for a in output.articles if a.article_id not in seen]


def _keep_new(output: ToolOutput, seen: set[str], cheaper: bool) -> int:
    """Keep ``_new_items`` of the output; its observation then says how many were left out. Returns how many
    the tool found."""
    before = len(output.articles)
    output.articles = _new_items(output, seen, cheaper)
    if len(output.articles) < before:
        output.observation += f"; {before - len(output.articles)} left out as shown already, {len(output.articles)} new"
    return before


async def _has_matches(name: str, args: dict[str, Any], state: ConversationState, runtime: Runtime[AgentContext],
                       limit_s: float) -> bool:
    """Whether the refined request matches anything at all without its price cap: only then are the
    products shown "already the cheapest" (a request that matches nothing is not)."""
    uncapped = {key: value for key, value in args.items() if key not in ("max_price", "min_price")}
    output = await invoke_tool(name, uncapped, state, runtime, limit_s)
    return bool(output.articles) and not output.extra.get("relaxed")


async def act(state: ConversationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    ctx = runtime.context
    plan = state.get("plan") or {}
    language = state.get("language") or "en"
    update: dict[str, Any] = {}
    output: ToolOutput | None = None
    start = time.monotonic()
    if plan.get("tool"):  # none for small talk or ids the catalog lacks (``routing._named_articles``)
        name, args = plan["tool"], dict(plan.get("args") or {})
        timeout = max(1.0, float(ctx.settings.agent.turn_timeout_s) / 2)
        try:
            output = await _speculated_or_invoke(name, args, plan, state, runtime, timeout)
            seen = set(plan.get("shown_ids") or ())
            cheaper = bool(plan.get("cheaper") or plan.get("fallback_max_price"))
            found = _keep_new(output, seen, cheaper)  # "cheaper" and "more" = new items
            output.extra["no_more"] = bool(plan.get("more") and found and not output.articles)
            if not output.articles and plan.get("fallback_max_price"):
                args["max_price"] = plan["fallback_max_price"]
                output = await invoke_tool(name, args, state, runtime, timeout)
                _keep_new(output, seen, cheaper)
                if output.articles:  # none below the cheapest shown: these cost less than most of them
                    output.extra["cheaper_than_most"] = True
            if not output.articles and cheaper:  # nothing new below the price: are those shown the cheapest?
                output.extra["no_cheaper"] = await _has_matches(name, args, state, runtime, timeout)
        except SearchUnavailableError as exc:  # not the shopper's words: nothing was searched
            logger.warning("tool %s: %s", name, describe_error(exc))
            output = ToolOutput(kind="unavailable", observation="the catalog search is unavailable right now")
        except BadImageError as exc:
            output = ToolOutput(kind="bad_image", observation=str(exc))
        except NoImageIndexError as exc:  # a catalog ingested without images: the photo is not "unlike" anything
            output = ToolOutput(kind="no_photo_search", observation=str(exc))
        except NotFoundError as exc:  # e.g. a purchase of a product no longer in the catalog
            output = ToolOutput(kind="gone", observation=str(exc))
        except BadQueryError as exc:
            output = ToolOutput(kind="error", observation=str(exc))
        except TimeoutError:  # busy cores: the catalog did not answer within the tool's share of the turn
            logger.warning("tool %s: the catalog did not answer within %.1f s", name, timeout)
            output = ToolOutput(kind="unavailable", observation="the catalog did not answer in time")
        except ReclmmsError as exc:
            logger.warning("tool %s failed: %s", name, describe_error(exc))
            output = ToolOutput(kind="failed", observation=str(exc))
        except Exception as exc:  # the turn must still answer
            logger.error("tool %s raised", name, exc_info=True)
            output = ToolOutput(kind="failed", observation=type(exc).__name__)
        products = output.articles[: ctx.max_products]
        output.articles = products
        if output.kind == "details" and products:  # the price, kind and colour too, not only the description
            output.observation = details_observation(products)
        record_tool_call(ctx, name, args, output)
        ctx.record.products = products
        if products:
            update["grounded"] = remember(state.get("grounded"), products)
            replaces = output.kind in _REPLACES_SHOWN or bool(output.extra.get("named"))
            update.update(focus_update(name, args, [a.article_id for a in products], replaces))
            # products the shopper named by their ids are the ones "cheaper" and "the first one" then mean
            if replaces:
                update["shown"] = [compact(a) for a in products]
                # "show me more" keeps the pages shown before this one, any other list starts anew
                paged = [*(state.get("paged") or ()), *(str(s.get("article_id")) for s in state.get("shown") or ())]
                update["paged"] = paged[-MAX_PAGED:] if plan.get("more") else []
                source = output.extra.get("source")
                # with the filters the shown look-alikes match, so "cheaper" after "in blue" stays blue
                update["shown_from"] = {"tool": name, "source": source if source != "photo" else None,
                                        "filters": dict(output.extra.get("applied", output.extra.get("filters"))
                                                        or {}),
                                        # "what's popular?": "cheaper ones" then means cheaper popular items
                                        **({"popular": True} if output.kind == "popular"
                                           and output.extra.get("asked") else {})}
        if name == "search_catalog" and products and "query" in output.extra:  # failed refinements are not kept
            # the filters the shown products really match: a follow-up refines what was shown, not what was missing
            filters = output.extra.get("applied", output.extra.get("filters", {}))
            update["last_search"] = {"query": output.extra["query"], "filters": filters}
        if name == "recommend_for_me" and output.extra.get("candidates"):
            update["candidates"] = list(output.extra["candidates"])
    ctx.record.output = output
    ctx.record.retrieval_seconds = time.monotonic() - start
    ctx.record.products_sent = True
    runtime.stream_writer(ProductsReady(products=list(ctx.record.products), tool_calls=list(ctx.record.tool_calls),
                                        language=language))
    return update
