"""The one place that reads the environment: :class:`Settings` (prefix ``QIFA_``)."""

from config.settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]
