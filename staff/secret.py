"""The server's signing secret: ``QIFA_SECRET_KEY`` when set, else a random key made at first start.

The generated key is kept in ``<data dir>/secret_key`` (mode 0600) so that tokens survive a restart and every
worker sharing the data dir uses the same key. A stored key that is too short or was published is refused.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from config import Settings
from config.settings import MIN_SECRET_BYTES, PUBLISHED_SECRETS

FILE_NAME = "secret_key"


class SecretKeyError(Exception):
    """The signing secret cannot be used; ``str(exc)`` says why and what to do."""


def _usable(value: str, where: str) -> str:
    if value in PUBLISHED_SECRETS:
        raise SecretKeyError(f"{where} is a value printed in qifa's documentation; set a random one "
                             "/ 密钥为文档中公开的示例值，请改用随机值")
    if len(value.encode()) < MIN_SECRET_BYTES:
        raise SecretKeyError(f"{where} is shorter than {MIN_SECRET_BYTES} bytes "
                             f"/ 密钥短于 {MIN_SECRET_BYTES} 字节")
    return value


def secret_file(settings: Settings) -> Path:
    return settings.data_dir / FILE_NAME


def signing_secret(settings: Settings) -> bytes:
    """The secret that signs login tokens (see the module docstring)."""
    if settings.secret_key is not None:
        return _usable(settings.secret_key.get_secret_value(), "QIFA_SECRET_KEY").encode()
    path = secret_file(settings)
    try:
        return _usable(_stored(path), str(path)).encode()
    except OSError as exc:
        raise SecretKeyError(f"cannot keep the signing key in {path}: {exc.strerror or exc} "
                             f"/ 无法在数据目录中保存签名密钥") from exc


def _stored(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # written whole to a private temporary file, then linked into place: another worker starting at the same
        # moment either wins the link or reads the complete key of the one that did
        tmp = path.with_name(f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_urlsafe(48))
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
    return path.read_text(encoding="utf-8").strip()
