"""Stop a transformers generation that nobody waits for any more, at its next token.

MiniCPM-Llama3-V-2_5's ``chat(image, msgs, tokenizer, ..., stream=False, **kwargs)`` passes on to
``generate()`` only the sampling settings among its ``**kwargs`` (``top_p``, ``top_k``, ``temperature``,
``do_sample``, ``repetition_penalty``): a ``StoppingCriteria`` given to it is dropped. With ``stream=True``
``generate()`` runs in a thread of the remote code's own, behind a ``TextIteratorStreamer``, where no caller
can reach it. So the stop goes in at the language model itself (``model.llm``): a forward hook that, once
the generation's stop event is set, leaves the end-of-text token as the only choice. ``generate()`` then ends
the way it ends on its own, streamer included, on the next token.
"""

from __future__ import annotations

import threading
from typing import Any


class GenerationStop:
    """A forward hook on a causal language model; set ``current`` to the running generation's stop event."""

    def __init__(self, eos_token_id: int) -> None:
        self.eos_token_id = eos_token_id
        self.current: threading.Event | None = None
        self.stopped = 0  # forward passes turned into an end of text

    def __call__(self, module: Any, args: Any, output: Any) -> None:
        event = self.current
        if event is None or not event.is_set():
            return
        logits = getattr(output, "logits", None)
        if logits is None and isinstance(output, tuple) and output:
            logits = output[0]
        if logits is None or getattr(logits, "dim", lambda: 0)() != 3:
            return
        import torch

        last = logits[:, -1, :]
        # the lowest finite value, not -inf: a processor that bars the end token (min_new_tokens) then
        # leaves a uniform choice instead of NaN
        last.fill_(torch.finfo(last.dtype).min)
        last[:, self.eos_token_id] = 0
        self.stopped += 1


def install(model: Any, tokenizer: Any) -> GenerationStop | None:
    """Hook ``model.llm`` (the language model inside MiniCPM-V), or None where the model has none."""
    llm = getattr(model, "llm", None)
    eos = getattr(tokenizer, "eos_token_id", None)
    if llm is None or not isinstance(eos, int):
        return None
    import torch  # loaded with the model already

    if not isinstance(llm, torch.nn.Module):
        return None
    stop = GenerationStop(eos)
    llm.register_forward_hook(stop)
    return stop
