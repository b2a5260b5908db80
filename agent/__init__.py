"""The shopping agent: a LangGraph graph over catalog tools, behind ``ShoppingService``.

One turn (``agent/graph.py``): ``route`` -> ``act`` -> ``respond``.

- ``routing.py``   language (lingua), rules (``intents.py``), catalog vocabulary (``vocabulary.py``),
                   ordinals against the shown products, requests for what the shop does not sell
                   (``scope.py``); the model's JSON intent only as a fallback.
- ``retrieval.py`` runs one tool (``tools/``) and publishes ``ProductsReady`` at once.
- ``reply.py``     a short reply in the user's language, streamed sentence by sentence through the
                   grounding check (``grounding.py``), with fixed replies per language as the fallback;
                   fixed sentences from the tool result around it (``notes.py``: a relaxed search,
                   repeat purchases).
- ``state.py``     per-session memory (shown products, last search, grounded ids), saved by the
                   LangGraph SQLite checkpointer; ``context.py`` the per-turn injected context.
- ``service.py``   ``ShoppingService`` (stream / ask / reset / health); ``factory.py`` builds it.
- ``llm/``         the model backends (``base.ChatBackend``), including ``scripted`` for tests.
"""
