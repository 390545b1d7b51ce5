"""Search tokens for BM25: jieba with a legal-terms dictionary, English words, and an English→Chinese
glossary so an English question still finds Chinese statutes."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

CONTENT = Path(__file__).parent / "content"
LEGAL_TERMS = CONTENT / "legal_terms.txt"
GLOSSARY = CONTENT / "glossary_en_zh.tsv"
THESAURUS = CONTENT / "thesaurus_zh.tsv"

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


def query_terms(query: str) -> list[str]:
    """BM25 terms for a question: its own tokens plus the statute wording it expands to, once each."""
    return [t for t in dict.fromkeys(tokenize(expand_query(query))) if t not in QUESTION_WORDS]


_SUFFIXES = (
    "ational", "ations", "ation", "ating", "ated", "ates", "ate", "ements", "ement", "ments", "ment",
    "ions", "ion", "ings", "ing", "ies", "ied", "ed", "es", "al", "s", "e", "y",
)


def _stem(word: str) -> str:
    """A crude English stem, so "expropriate", "expropriated" and "expropriation" meet one glossary key."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _stems(text: str) -> str:
    return " ".join(_stem(w) for w in re.sub(r"[^a-z0-9']+", " ", text.lower()).split())


def _pairs(path: Path) -> list[tuple[str, str]]:
    """``key<TAB>terms`` lines, longest key first; ``#`` lines are comments."""
    pairs: list[tuple[str, str]] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, _, terms = line.partition("\t")
            if terms.strip() and not key.startswith("#"):
                pairs.append((key.strip().lower(), terms.strip()))
    pairs.sort(key=lambda p: -len(p[0]))
    return pairs


@lru_cache(maxsize=1)
def glossary() -> list[tuple[str, str]]:
    return _pairs(GLOSSARY)


@lru_cache(maxsize=1)
def _stemmed_glossary() -> list[tuple[str, str]]:
    pairs = [(_stems(en), zh) for en, zh in glossary()]
    return sorted((p for p in pairs if p[0]), key=lambda p: -len(p[0]))


@lru_cache(maxsize=1)
def thesaurus() -> list[tuple[str, str]]:
    return _pairs(THESAURUS)


def is_english(text: str) -> bool:
    letters = len(re.findall(r"[A-Za-z]", text))
    return letters > 0 and len(_CJK.findall(text)) * 3 < letters


_OPENED: dict[str, tuple[list[tuple[str, str]], dict[str, list[int]]]] = {}  # see _opened_by


def _opened_by(name: str, pairs: list[tuple[str, str]], first: Callable[[str], str]) -> dict[str, list[int]]:
    """The places in ``pairs`` (a glossary or thesaurus list, as loaded now) of the keys each ``first(key)`` opens;
    built again when the list is another object (reloaded, or replaced in a test)."""
    kept = _OPENED.get(name)
    if kept is not None and kept[0] is pairs:
        return kept[1]
    index: dict[str, list[int]] = {}
    for i, (key, _) in enumerate(pairs):
        index.setdefault(first(key), []).append(i)
    _OPENED[name] = (pairs, index)
    return index


def expand_query(text: str) -> str:
    """Append the statute wording for everyday words: English phrases through the glossary (matched on
    crude word stems), Chinese colloquialisms through the thesaurus (longest key first; matched text is
    consumed). Only the phrases opened by a word of the question, and the keys opened by one of its characters
    (or holding a space), are tried, in the same order: consuming a match drops words or leaves a space, so it
    makes no other phrase or key appear (the whole lists were tried for every question: 0.1-0.3 ms)."""
    extra: list[str] = []
    if re.search(r"[A-Za-z]", text):
        low = " " + _stems(text) + " "
        glossary_en = _stemmed_glossary()
        by_word = _opened_by("glossary", glossary_en, lambda en: en.split(" ", 1)[0])
        for i in sorted({i for word in set(low.split()) for i in by_word.get(word, ())}):
            en, zh = glossary_en[i]
            if f" {en} " in low:
                extra.append(zh)
                low = low.replace(f" {en} ", " ")
    if _CJK.search(text):
        rest = text
        keys = thesaurus()
        by_char = _opened_by("thesaurus", keys, lambda key: " " if " " in key else key[0])
        for i in sorted({i for ch in {*text, " "} for i in by_char.get(ch, ())}):
            key, terms = keys[i]
            if key in rest:
                extra.append(terms)
                rest = rest.replace(key, " ")
    return text + (" " + " ".join(extra) if extra else "")
