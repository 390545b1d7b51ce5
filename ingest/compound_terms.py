"""List the statute compounds the search tokenizer splits into common words of other meanings — candidates for
knowledge/content/legal_terms.txt.

A compound jieba does not know (安全出口, 消防车通道) is cut into its parts (安全 + 出口), and a question about it then
matches every article using a part in another sense (出口 = export: the export-control law). This script mines the
shipped texts (the packs and the guides, never an eval set) for such compounds, by one rule, so the list can be
made again when the texts change:

* cohesion — the sequence is 2 or 3 whole jieba words of 2+ characters each, none a word of the statutes' grammar
  (应当, 或者 ...), 3–6 characters in all, and not already one word; it occurs ``--min-count`` times or more, in
  2+ chunks;
* a free unit — no single character precedes (or follows) it in more than ``--max-neighbour`` of its occurrences
  (a run boundary or punctuation counts as a new context each time), so it is not the tail of a longer term
  (派遣单位 inside 劳务派遣单位);
* a term of some statutes — at least ``--min-home`` of its occurrences are in its most frequent document;
* a split that misleads — in ``--min-elsewhere`` documents or more that never use the compound, some chunk has
  every part as a search token: a question naming the compound matches them on all its words (安全 and 出口 both
  run through the export-control law), and only the compound as one token tells them apart.

    python -m ingest.compound_terms [--min-count 5] [--limit 200]

prints one candidate a line, tab-separated: the compound, its parts, occurrences, chunks, documents, the share of
its home document (and which), and the number of documents the split pulls in. The list is for review: only terms
of art (a thing, a role, a body, a document, a legal concept) go into the dictionary — no verb phrases, no clause
fragments, no phrases of an answer. A compound added becomes one word, so the next run lists only what is left.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

_RUN = re.compile(r"[\u4e00-\u9fff]+")
# words of the statutes' grammar (modal, connective, procedural): a sequence with one is a phrase, not a term
_FUNCTION = frozenset(
    "应当 或者 可以 其他 依照 按照 依法 不得 予以 视为 有关 规定 作出 具体 以上 以下 之日 之一 以及 并且 "
    "但是 由于 对于 关于 根据 通过 进行 需要 必须 分别 相应 所有 同时 已经 没有 不予 不能".split()
)


@dataclass
class Candidate:
    term: str
    parts: tuple[str, ...]
    count: int = 0
    chunks: set[int] = field(default_factory=set)
    docs: Counter[str] = field(default_factory=Counter)
    left: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)
    elsewhere: set[str] = field(default_factory=set)  # other documents whose chunks match every part

    @property
    def home(self) -> tuple[str, float]:
        doc, n = self.docs.most_common(1)[0]
        return doc, n / self.count

    def neighbour_share(self) -> float:
        """The largest share of occurrences one character precedes or follows (edges do not count)."""
        shares = [c.most_common(1)[0][1] / self.count for c in (self.left, self.right) if c]
        return max(shares, default=0.0)


def _cut(run: str) -> list[str]:
    from knowledge.termweights import dictionary_cut

    return dictionary_cut(run)


def mine(chunks: Iterable[tuple[str, str]], *, min_count: int = 5, max_neighbour: float = 0.5,
         min_home: float = 0.5, min_elsewhere: int = 3) -> list[Candidate]:
    """``chunks``: (document id, text). Returns the candidates passing every test of the rule, most frequent
    first."""
    from knowledge.tokens import tokenize

    found: dict[str, Candidate] = {}
    texts: list[str] = []
    chunk_doc: list[str] = []
    token_chunks: dict[str, set[int]] = defaultdict(set)  # every search token: the chunks it occurs in
    for i, (doc, text) in enumerate(chunks):
        texts.append(text)
        chunk_doc.append(doc)
        for tok in set(tokenize(text)):
            token_chunks[tok].add(i)
        for m in _RUN.finditer(text):
            run = m.group()
            words = _cut(run)
            starts = [0]
            for w in words:
                starts.append(starts[-1] + len(w))
            for a in range(len(words)):
                for b in range(a + 2, min(a + 3, len(words)) + 1):
                    parts = tuple(words[a:b])
                    term = "".join(parts)
                    if not 3 <= len(term) <= 6 or any(len(p) < 2 or p in _FUNCTION for p in parts):
                        continue
                    c = found.setdefault(term, Candidate(term, parts))
                    c.count += 1
                    c.chunks.add(i)
                    c.docs[doc] += 1
                    s, e = starts[a], starts[b]
                    if s > 0:
                        c.left[run[s - 1]] += 1
                    if e < len(run):
                        c.right[run[e]] += 1
    out: list[Candidate] = []
    for c in found.values():
        if c.count < min_count or len(c.chunks) < 2 or len(_cut(c.term)) == 1:
            continue
        if c.neighbour_share() > max_neighbour or c.home[1] < min_home:
            continue
        # chunks of other documents matching every part, never the compound: what the split pulls in
        together = set.intersection(*(token_chunks.get(p, set()) for p in c.parts))
        c.elsewhere = {chunk_doc[i] for i in together if chunk_doc[i] not in c.docs and c.term not in texts[i]}
        if len(c.elsewhere) >= min_elsewhere:
            out.append(c)
    out.sort(key=lambda c: (-c.count, c.term))
    return out


def shipped_chunks() -> list[tuple[str, str]]:
    """(document id, chunk text) of every shipped pack and guide: the texts the dictionary serves."""
    from config import Settings
    from knowledge.catalogue import load_catalogue
    from knowledge.factory import guide_documents
    from knowledge.packs import shipped_packs

    out: list[tuple[str, str]] = []
    for pack in shipped_packs():
        for d in pack.documents:
            out.extend((d.id, c.text) for c in pack.parsed(d).chunks)
    for doc, _ in guide_documents(Settings.model_construct(), load_catalogue()):
        out.extend((doc.id, c.text) for c in doc.chunks)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--max-neighbour", type=float, default=0.5)
    p.add_argument("--min-home", type=float, default=0.5)
    p.add_argument("--min-elsewhere", type=int, default=3)
    p.add_argument("--limit", type=int, default=0, help="print the first N only (0: all)")
    args = p.parse_args(argv)
    found = mine(shipped_chunks(), min_count=args.min_count, max_neighbour=args.max_neighbour,
                 min_home=args.min_home, min_elsewhere=args.min_elsewhere)
    print("term\tparts\tcount\tchunks\tdocs\thome\telsewhere", file=sys.stderr)
    for c in found[: args.limit or None]:
        doc, share = c.home
        print(f"{c.term}\t{'+'.join(c.parts)}\t{c.count}\t{len(c.chunks)}\t{len(c.docs)}\t{share:.2f} {doc}\t"
              f"{len(c.elsewhere)}")
    print(f"{len(found)} candidates", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
