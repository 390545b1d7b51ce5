"""The adviser console: server-rendered pages under ``/console/``."""
