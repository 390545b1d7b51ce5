"""A value typed into a booking form (a company's name, a contact's name, an e-mail) is no word of the user's
language: the form goes on in its language and the conversation keeps it, so the reply's ``lang`` and the next
button press stay with the form. A question asked aside, which is no value for the field, speaks for itself."""

from __future__ import annotations

import pytest
from talk_support import state, talking

from composition import Runtime

CODE = "91440300708461136T"
# (the form's language, a value in the other script at the company field, at the contact field)
OTHER_SCRIPT = {
    "zh": ("Pujiang Crystal Trading Co., Ltd.", "John Smith"),
    "en": ("浦江晶彩水晶有限公司", "欧阳娜娜"),
}


@pytest.mark.parametrize("channel", ["engine", "http"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_values_in_the_other_script_keep_the_form_s_language(rt: Runtime, channel: str, lang: str) -> None:
    company, contact = OTHER_SCRIPT[lang]
    with talking(rt, channel, lang) as (say, sid):
        assert say("/order contract-review")["lang"] == lang
        for value in (company, CODE, contact):
            r = say(value)
            assert r["lang"] == lang, (value, r["reply"])
        form = state(rt, sid())["form"]
        assert form["values"]["enterprise_name"] == company and form["values"]["contact_name"] == contact
        assert form["current"] == "phone" and form["lang"] == lang
        r = say("/cancel")  # a button press after them: the conversation's language is still the form's
        assert r["lang"] == lang


def test_a_question_aside_in_english_is_answered_in_english(rt: Runtime) -> None:
    """At the credit-code field an English question is no code: it is answered in English (and the form waits)."""
    with talking(rt, "engine", "zh") as (say, sid):
        say("/order contract-review")
        say("浦江晶彩水晶有限公司")
        r = say("What is a unified social credit code and where do I find it?")
        assert r["lang"] == "en"
        assert state(rt, sid())["form"]["current"] == "credit_code"
