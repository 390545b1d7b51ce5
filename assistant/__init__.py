"""The conversation engine: understand -> answer | menu | order | hand off | fallback."""
