"""RecLMMs: a conversational fashion shopping assistant."""

__version__ = "0.1.0"
