"""A question no provision answers, about a topic one of our services covers, gets that service's card — and the reply
says first that no provision answers it, so the card does not read as the answer ("买商业保险代替社保行不行" once got
the labour-compliance card alone). Phrasings are this file's own; the knowledge base here holds no document."""

from __future__ import annotations

import pytest

from assistant.texts import t
from composition import Runtime


@pytest.mark.parametrize(("message", "lang"), [
    ("我们打算不给工人交社保，改成每月多发两百块，这样做可以吗", "zh"),
    ("厂里的劳动合同模板是十年前的，还能接着用吗", "zh"),
    ("Is it fine to pay our workers' social insurance a few months late?", "en"),
])
def test_a_service_offered_for_an_unanswered_question_says_it_is_offered_instead(runtime: Runtime, message: str,
                                                                                  lang: str) -> None:
    reply = runtime.assistant.handle(None, message)
    assert reply.route == "answer"
    assert reply.data.get("no_provision") is True
    assert reply.reply.startswith(t("service_instead", lang))
    svc = runtime.catalogue.get(reply.data["services"][0])
    assert svc is not None
    assert (svc.name_en if lang == "en" else svc.name) in reply.reply  # the card follows
    assert any(s.message == f"/order {svc.id}" for s in reply.suggestions)


def test_a_service_asked_for_by_name_is_shown_without_the_notice(runtime: Runtime) -> None:
    svc = runtime.catalogue.services[0]
    reply = runtime.assistant.handle(None, f"/service {svc.id}")
    assert t("service_instead", "zh") not in reply.reply
    assert "no_provision" not in reply.data
