"""Dependency aliases: the runtime built at start-up, and its parts."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.engine import Assistant
from composition import Runtime


def get_runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    rt.refresh()  # catalogue edits and intent examples from another process (a version check at most once a second)
    return rt


def get_assistant(request: Request) -> Assistant:
    return get_runtime(request).assistant


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
