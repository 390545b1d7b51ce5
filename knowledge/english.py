"""English questions on the query side: the words that only shape an English sentence ("what", "does", "our",
"want") are dropped from the BM25 query, as the Chinese question words are (knowledge.tokens.QUESTION_WORDS).

The statutes are Chinese: an English word meets only the English summaries of guides and service cards, so a
question's grammar ("how", "we", "have") made a guide's summary outrank the article that the glossary's Chinese
terms found. Dropped from queries only, never from the index (the search tokens of the shipped packs stay valid).
"""

from __future__ import annotations

STOPWORDS = frozenset("""
a an the this that these those there here it its it's i me my mine we us our ours you your yours he him his she
her hers they them their theirs one someone anyone somebody anybody something anything everything nothing
who whom whose which what when where why how whether if then than so as such
is am are was were be been being do does did doing done have has had having get gets got getting
will would shall should can could may might must need needs ought
to of in on at by for from with without about into onto over under after before during while until within
up down out off again further also just only very too quite really still already even ever never not no
and or but nor either neither both each every all any some most more much many few several other another
please tell know want wants wanted like let lets make makes made go goes going went say says said told
thing things way ways kind sort lot lots yes ok okay hi hello thanks thank
""".split())


def is_stopword(word: str) -> bool:
    """A word of an English question's grammar, not of its subject."""
    return word in STOPWORDS
