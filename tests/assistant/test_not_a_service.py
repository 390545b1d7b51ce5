"""A wish to do something no service of ours offers, asked as a question (我们厂想注销了，手续怎么走 / "we want to close
down the company, what do we have to do?"), is the law's question: the knowledge base answers it when dense and
keyword search agree, and the reply says it is no bookable service, with the button to the ones that are. A bare wish
(我要注册公司) and a wish the knowledge base cannot answer still get the list of services offered; a booking of a
service we offer still starts its form. On the deployed knowledge (guides, catalogue, statutes pack)."""

from __future__ import annotations

import pytest

from assistant.texts import t
from composition import Runtime
from orders.offer import not_offered


@pytest.mark.parametrize("message", ["我们想注销公司，需要准备什么", "我们公司想注销，要走哪些流程"])
def test_a_question_about_a_wish_no_service_offers_is_answered_from_the_law(pack_rt: Runtime, message: str) -> None:
    reply = pack_rt.assistant.handle(None, message, lang=None, channel="test")
    assert reply.route == "answer" and reply.data.get("not_a_service"), (reply.route, reply.reply[:200])
    assert reply.citations and any(word in c.snippet for c in reply.citations for word in ("注销",))
    assert reply.reply.endswith(t("not_a_service_answered", "zh"))
    assert [s.message for s in reply.suggestions].count("/menu") == 1


@pytest.mark.parametrize("message", ["我要注册公司", "我们想开一家分公司"])
def test_a_bare_wish_no_service_offers_lists_the_services_that_are(pack_rt: Runtime, message: str) -> None:
    reply = pack_rt.assistant.handle(None, message, lang=None, channel="test")
    assert reply.route == "order" and "not_offered" in reply.data, (reply.route, reply.reply[:200])


def test_a_booking_of_a_service_we_offer_starts_its_form(pack_rt: Runtime) -> None:
    reply = pack_rt.assistant.handle(None, "我们厂想做个法治体检，怎么约？", lang=None, channel="test")
    assert reply.route == "order" and "form" in reply.data, (reply.route, reply.reply[:200])


@pytest.mark.parametrize(("message", "named"), [
    ("我们打算注销这个公司，怎么办理", None),
    ("我们要办理出口退税", "出口退税"),
    ("We want a tax refund for exports, how?", None)])
def test_what_is_left_of_a_sentence_is_not_named_as_a_service(pack_rt: Runtime, message: str,
                                                              named: str | None) -> None:
    """The list of services offered names what was asked only when it reads as a service's name."""
    head = not_offered("s", message, "en" if message.isascii() else "zh", pack_rt.catalogue).reply.split("\n")[0]
    assert (named is not None and f"“{named}”" in head) or (named is None and "“" not in head and '"' not in head), head
