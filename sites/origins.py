"""Origins as browsers send them: ``scheme://host[:port]``, lower case, without a default port or a path."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
                   r"|^\d{1,3}(?:\.\d{1,3}){3}$|^\[[0-9a-f:]+\]$")


class InvalidOrigin(ValueError):
    """Not an origin a browser could send; the message says what is wrong, in Chinese and English."""


def normalise_origin(value: str) -> str:
    """``https://Example.gov.cn:443/`` → ``https://example.gov.cn``; anything else than an origin is refused."""
    text = value.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidOrigin(f"'{value}' is not a valid origin ({exc}) / “{value}”不是有效的网站来源") from exc
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in DEFAULT_PORTS:
        raise InvalidOrigin(f"'{value}' must start with https:// or http:// / 网站来源须以 https:// 或 http:// 开头")
    if parts.username or parts.password or parts.query or parts.fragment or parts.path not in ("", "/"):
        raise InvalidOrigin(f"'{value}' must be scheme://host[:port] only, without a path, query or user "
                            f"/ 网站来源只能是“协议://域名[:端口]”，不能带路径或参数")
    if host and not host.isascii():  # 司法局.中国 → xn--… as browsers send it
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise InvalidOrigin(f"'{value}' has no valid host name / “{value}”的域名无效") from exc
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    if not host or not _HOST.match(host):
        raise InvalidOrigin(f"'{value}' has no valid host name / “{value}”的域名无效")
    if port is not None and port != DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"
