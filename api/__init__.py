"""The HTTP channel: JSON in, engine call, JSON out."""
