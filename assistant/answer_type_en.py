"""The English cues for the kinds of answer ``assistant.answer_type`` knows: the same kinds the Chinese cues ask
for (a period, amount or rate; a time limit; a definition; a permission or duty), in the ways foreign-related
enterprises ask them: "how long", "what is the maximum …", "what tax rate", "by when", "what is a …", "are we
entitled to …", "do we have to …". The sentences that answer are Chinese either way (``answer_type``)."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answer_type_zh import ZhCues

_W = r"[\w'’-]+"  # one word
# what has a term of its own: "how long does a patent last" asks for its term, "how long does the probation last" not
RIGHT = r"(?:registrations?|licen[cs]es?|permits?|certificates?|patents?|trademarks?|trade marks?|copyrights?|designs?)"

# A deadline the question only mentions ("we missed the annual fee deadline", "paid after the deadline") is no
# deadline it asks for: what it asks is the consequence, the penalty, whether there is a grace period.
_CONTEXT = re.compile(rf"\b(?:after|past|missed|miss|misses|beyond|met|meet|meets|over)\s+"
                      rf"(?:the |our |its |their |a |an |this |that )?(?:{_W} ){{0,4}}?(?:deadline|time limit)s?\b",
                      re.I)


# What any letter of the cues below matches, case ignored ("ſ" and the Kelvin sign "K" too): every cue holds a
# letter, so a text without one (a Chinese question) need not be searched for them.
_LATIN = re.compile(r"[a-z]", re.I)


def has_latin(text: str) -> bool:
    return _LATIN.search(text) is not None


def asked(question: str) -> str:
    """The question without the deadlines it only mentions as what happened: the part whose cues say what it
    asks for."""
    return _CONTEXT.sub(" ", question)


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
    # how long a right, registration or licence lasts ("how long is a trademark valid", "for how many years is an
    # invention patent protected", "what is the term of copyright"): its term, not a time limit inside it
    "duration": re.compile(rf"\bhow (?:long|many years)\b[^?.!]*\b(?:valid|protected|protection|in force)\b|"
                           rf"\bhow (?:long|many years)\b[^?.!]*\b{RIGHT}\b[^?.!]*\b(?:last|lasts|effective)\b|"
                           rf"\b(?:term|period|duration) of (?:{_W} ){{0,2}}(?:protection|validity)\b|"
                           rf"\b(?:validity|protection) (?:period|term)\b", re.I),
}

# "What is a …", "what does … mean", "what counts as …", "what is the negative list?" — not "what is the
# maximum fine" (a quantity, see ``answer_type.asks_definition``), nor "what is the procedure for …".
_NOT_A_TERM = ("(?:procedure|process|step|penalty|penaltie|consequence|difference|requirement|rule|way|best|right|fee|"
               "cost|risk|liabilit(?:y|ie)|deadline|time limit)s?")
# … and, asked in the plural ("what are the obligations / grounds / working hours … under the X Law"), a list of
# duties, conditions or entitlements rather than a term (in the singular "the obligation of confidentiality" is one)
_NOT_TERMS = (_NOT_A_TERM.removesuffix(")s?")
              + "|obligation|dut(?:y|ie)|ground|condition|role|hour|pay|wage|salar(?:y|ie)|benefit)s?")
# where the term lives: "what is the negative list under the Foreign Investment Law?", "… in China?"
_WHERE = (r"(?:\s+(?:under|in|according to|of)\s+(?:the\s+|chinese\s+|prc\s+)?(?:[\w'’-]+\s+){0,6}?"
          r"(?:law|code|regulations?|rules|china))?")
ASKS_DEFINITION = re.compile(
    r"\bwhat (?:is|are) (?:a|an)\b|\bwhat (?:counts|qualifies)\b|\bdefin|\bmeaning\b|\bmeant by\b|"
    r"\bcounts? as\b|\bqualif|\bwhat does .{1,60} mean\b|"
    r"\b(?:is|are) .{1,60} (?:considered|regarded|deemed|treated|classed) as\b|"
    rf"(?:^|[.?!]\s+)\W*what are the (?!(?:{_W} ){{0,4}}(?:{_NOT_TERMS})\b)(?:[\w'’-]+ ?){{1,5}}\??\s*$|"
    # a term "under the X Law" is asked in the singular; "what are the obligations/grounds … under the X Law" asks
    # for a list of duties or conditions, not a definition
    rf"(?:^|[.?!]\s+)\W*what(?:'s| is) (?:the|a|an) (?!(?:{_W} ){{0,4}}(?:{_NOT_A_TERM})\b)(?:[\w'’-]+ ?){{1,5}}?"
    rf"{_WHERE}\??\s*$",
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


# The kinds the Chinese cues of ``assistant.answer_type_zh`` know, asked in English: a consequence ("what are the
# consequences", "what happens if", "what liability do we face"), a party ("who pays", "which authority"), a rule
# of calculation ("how is … calculated").
ASKS_CONSEQUENCE = re.compile(
    r"\bconsequences?\b|\bwhat happens\b|"
    r"\bwhat (?:(?:is|are) the )?(?:[\w-]+ ){0,3}?(?:liability|liabilities|penalty|penalties|punishment|sanctions?)\b|"
    r"\b(?:are|is|will|would) (?:we|they|it|the company|our company) (?:be )?(?:liable|punished|penali[sz]ed|fined)\b|"
    r"\bwhat (?:do|does|would|will) (?:we|they|it) (?:owe|face|risk)\b", re.I)
ASKS_WHO = re.compile(  # "who" as the question's word, not a relative pronoun ("an employee who refuses …")
    r"(?:^|[.?!;:,—–(]\s*|\b(?:and|but|so|then|or|know|ask(?:s|ed)?|tell (?:me|us)|decides?|decided|wonder(?:ing)?|"
    r"sure|clear)\s+)\W*(?:who|whom)\b|\b(?:to|by|from|for|with) whom\b|"
    r"\bwhich (?:authority|authorities|department|office|agency|court|body|party|side|one)\b|"
    r"\bwhere (?:can|do|should|must) (?:we|i|they|a company|an enterprise) (?:apply|complain|file|register|go)\b", re.I)
ASKS_METHOD = re.compile(  # "determine" as in working out an amount, not as in deciding who or which
    r"\bhow (?:is|are|do (?:we|you|they)|to|should (?:we|it|they) be)\b[^?.!]*\b(?:calculat|comput|work(?:ed)? out)\w*|"
    r"\bhow (?:is|are)\b[^?.!]*\bdetermined\b(?![^?.!]*\b(?:who|which|whom)\b)|"
    rf"\bhow (?:do|should|can) (?:we|you|i) determine (?:the )?(?:{_W} )?(?:amount|sum|compensation|severance|pay|wage|"
    r"salary|damages|rate)\b", re.I)


def with_english_cues(question: str, cues: ZhCues) -> ZhCues:
    """``cues`` (``ZhCues.of(question)``) with the consequence, party and calculation an English question asks."""
    en = asked(question)
    return replace(cues, consequence=cues.consequence or bool(ASKS_CONSEQUENCE.search(en)),
                   who=cues.who or bool(ASKS_WHO.search(en)), method=cues.method or bool(ASKS_METHOD.search(en)))
