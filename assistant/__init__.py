"""The conversation: the engine (understand -> answer | menu | order | hand off | fallback), sessions and
messages, replies, answer writing (extractive or LLM), the menu, and ``qifa eval``'s measurements. Orders and
hand-offs plug in through the protocols of ``assistant.ports``; this package imports neither."""
