"""How ``qifa serve`` runs uvicorn: proxy headers trusted only from ``QIFA_TRUSTED_PROXIES``, no access log of
uvicorn's own (it would print session ids and query strings; ``api.logs.AccessLog`` writes a safe one) and
JSON logs."""

from __future__ import annotations

from typing import Any

from api.logs import log_config
from config import Settings


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    proxies = settings.trusted_proxy_list
    return {"proxy_headers": bool(proxies), "forwarded_allow_ips": ",".join(proxies) if proxies else "",
            "access_log": False, "log_config": log_config("info", settings.log_format)}


def worker_app() -> Any:
    """The app of one worker of ``qifa serve --workers N`` (uvicorn calls this factory in each worker process);
    the parent has migrated the store and installed the shipped knowledge."""
    from api.app import create_app

    return create_app(Settings(), prepared=True)
