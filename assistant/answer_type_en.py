"""The English cues for the kinds of answer ``assistant.answer_type`` knows: the same kinds the Chinese cues ask
for (a period, amount or rate; a time limit; a definition; a permission or duty), in the ways foreign-related
enterprises ask them: "how long", "what is the maximum …", "what tax rate", "by when", "what is a …", "are we
entitled to …", "do we have to …". The sentences that answer are Chinese either way (``answer_type``)."""

from __future__ import annotations

import re

_W = r"[\w'’-]+"  # one word

ASKS_QUANTITY = re.compile(
    r"\bhow (?:long|many|much|soon|old|high|often)\b|"
    rf"\bwhat(?: {_W}){{0,6}} (?:rate|rates|percentage|proportion|period|term|duration|age|amount|sum)\b|"
    r"\b(?:maximum|minimum|max|min|longest|shortest|highest|lowest|cap|capped|ceiling|deadline|within|limit|"
    r"time limit|at most|at least|up to|per ?cent|percentage|rate|rates)\b",
    re.I,
)

# The kind of quantity a question names: a rate is not answered by a period in the same article, nor a period
# by an amount (``answer_type._KINDS`` holds how a sentence states each kind).
KINDS: dict[str, re.Pattern[str]] = {
    "rate": re.compile(r"\b(?:rate|rates|percentage|per ?cent|proportion|how many times)\b|"
                       r"\bhow much (?:\w+ ){0,2}(?:pay|wages?|salary|tax|interest)\b", re.I),
    "period": re.compile(r"\bhow (?:long|soon)\b|\bhow many (?:\w+ )?(?:days|weeks|months|years|hours)\b|"
                         r"\bhow much (?:notice|time)\b|\b(?:period|duration|term|time limit|deadline)\b", re.I),
    "amount": re.compile(r"\bhow much\b(?! (?:notice|time)\b)|\b(?:fine|fines|damages|compensation|amount|sum|"
                         r"yuan|rmb)\b", re.I),
}

# "What is a …", "what does … mean", "what counts as …", "what is the negative list?" — not "what is the
# maximum fine" (a quantity, see ``answer_type.asks_definition``), nor "what is the procedure for …".
_NOT_A_TERM = "procedure|process|steps|penalty|consequence|difference|requirements?|rules|way|best|right|fee|cost"
ASKS_DEFINITION = re.compile(
    r"\bwhat (?:is|are) (?:a|an)\b|\bwhat (?:counts|qualifies)\b|\bdefin|\bmeaning\b|\bmeant by\b|"
    r"\bcounts? as\b|\bqualif|\bwhat does .{1,60} mean\b|"
    r"\b(?:is|are) .{1,60} (?:considered|regarded|deemed|treated|classed) as\b|"
    rf"(?:^|[.?!]\s+)\W*what(?:'s| is| are) the (?!(?:{_W} ){{0,4}}(?:{_NOT_A_TERM})\b)(?:[\w'’-]+ ?){{1,5}}\??\s*$",
    re.I,
)

ASKS_PERMISSION = re.compile(
    r"\b(?:can|could|may|must|should|shall)\b|\b(?:allowed|entitled|obliged|obligated|required|permitted|"
    r"prohibited|forbidden|banned)\b|\b(?:have|has|need|needs) to\b|\bright to\b|"
    r"\bis it (?:legal|lawful|illegal|unlawful|ok|okay|possible)\b|\bdo(?:es)? (?:we|i|they|he|she|you) need\b",
    re.I,
)

# "How long do we have to …" asks for a time limit; "how long is a registration valid / does a patent last" for a
# duration (a period, not a deadline: the article's "届满前…内" would answer the wrong question).
_DURATION = r"(?:valid|last|lasts|protected|remain|remains|run|runs|take|takes|be|stay)"
ASKS_DEADLINE = re.compile(
    rf"\bwhen\b|\bby when\b|\bdeadline\b|\bhow soon\b|\bhow long\b(?![^?.!]*\b{_DURATION}\b)(?! (?:is|are|was)\b)|"
    r"\bwithin\b|\btime (?:limit|frame)\b|\bno later than\b|\bhow many (?:\w+ )?days\b|\bin time\b",
    re.I,
)
