"""The adviser console: server-rendered pages under ``/console/`` (issue 5)."""
