"""Search tokens for BM25: jieba with a legal-terms dictionary and English words. The tokens of every shipped text
are stored with the pack (``tokenizer_fingerprint`` hashes this module), so what only shapes a question — query
expansion — lives in :mod:`knowledge.expansion`, and changing it re-tokenises nothing."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

CONTENT = Path(__file__).parent / "content"
LEGAL_TERMS = CONTENT / "legal_terms.txt"

STOPWORDS = frozenset(
    "的 了 是 在 和 与 或 及 等 吗 呢 啊 吧 呀 么 我 我们 你 你们 他 她 它 这 那 这个 那个 有 没有 "
    "什么 怎么 怎么办 怎样 如何 哪些 哪个 多少 可以 能 能否 是否 需要 要 会 就 都 也 还 又 被 把 对 "
    "请问 一下 一个 一些 公司 企业 我司 the a an of to in on for is are be can do does what how "
    "which who when i we you it my our with by as at from or and if any".split()
)
# Words that only shape a question ("can we", "must I", "what should"); dropped from queries, not from
# the index, so they never decide which article wins.
QUESTION_WORDS = frozenset(
    "能不能 要不要 会不会 可不可以 是不是 有没有 不能 不会 应该 还有 还能 直接 谁来 准备 办法 "
    "有个 这种 这样 那么 怎么样 为什么 多久 多长 情况 问题 现在 已经 想要 想 打算 一定 必须 需要".split()
)
_WORD = re.compile(r"[a-z0-9]+(?:[.'-][a-z0-9]+)*")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_lock = threading.Lock()
_ready = False


def _jieba():  # type: ignore[no-untyped-def]
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                if LEGAL_TERMS.exists():
                    jieba.load_userdict(str(LEGAL_TERMS))
                jieba.initialize()
                _ready = True
    return jieba


def tokenizer_fingerprint() -> str:
    """Changes when the tokens of a text could change: this module, the legal-terms dictionary, jieba."""
    import hashlib

    import jieba

    h = hashlib.sha1(Path(__file__).read_bytes())
    h.update(LEGAL_TERMS.read_bytes() if LEGAL_TERMS.exists() else b"")
    h.update(str(getattr(jieba, "__version__", "")).encode())
    return h.hexdigest()[:16]


def warm_up() -> None:
    """Load jieba's dictionary now (about a second) rather than on the first question."""
    _jieba()


def tokenize(text: str) -> list[str]:
    text = text.lower()
    out: list[str] = []
    for tok in _jieba().cut_for_search(text):
        tok = tok.strip()
        if not tok or tok in STOPWORDS:
            continue
        if _CJK.search(tok):
            if len(tok) > 1 or tok in {"税", "罚", "股"}:
                out.append(tok)
        elif _WORD.fullmatch(tok):
            out.append(tok)
    return out


def is_english(text: str) -> bool:
    letters = len(re.findall(r"[A-Za-z]", text))
    return letters > 0 and len(_CJK.findall(text)) * 3 < letters
