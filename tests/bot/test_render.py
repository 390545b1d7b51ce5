"""bot/render.py: splitting under Telegram's limit at paragraph boundaries, escaping, keyboards, callback data."""

from __future__ import annotations

from assistant.reply import Citation, Reply, Suggestion
from bot.render import (
    MAX_CALLBACK_BYTES,
    Feedback,
    Payloads,
    adviser_message,
    decode_payload,
    encode_payload,
    render,
    split_text,
    utf16_len,
)


def test_short_text_is_one_piece() -> None:
    assert split_text("  你好\n\n世界  ") == ["你好\n\n世界"]
    assert split_text("   ") == []


def test_long_text_is_split_at_paragraph_boundaries_under_the_limit() -> None:
    paragraphs = [f"第{n}段" + "字" * 900 for n in range(12)]
    pieces = split_text("\n\n".join(paragraphs), 4096)
    assert len(pieces) >= 3 and all(utf16_len(p) <= 4096 for p in pieces)
    assert [q for p in pieces for q in p.split("\n\n")] == paragraphs  # nothing cut, nothing lost, in order


def test_an_oversized_paragraph_falls_back_to_lines_then_characters() -> None:
    lines = ["行" * 60 for _ in range(30)]
    pieces = split_text("\n".join(lines), 200)
    assert all(utf16_len(p) <= 200 for p in pieces)
    assert [ln for p in pieces for ln in p.split("\n")] == lines
    huge = "x" * 450
    assert split_text(huge, 200) == ["x" * 200, "x" * 200, "x" * 50]


def test_limit_counts_utf16_units_like_telegram() -> None:
    text = "👍" * 3000  # 2 UTF-16 units each
    pieces = split_text(text)
    assert all(utf16_len(p) <= 4096 for p in pieces) and "".join(pieces) == text


def test_callback_data_short_forms_round_trip_and_fit_64_bytes() -> None:
    payloads = Payloads()
    messages = ["/service contract-review", "/order enterprise-legal-health-check", "/category 协调监督",
                "/scenario 依法维权", "/cancel", "同意", "/rate QF-20250101-0001 非常满意",
                "/cancel_order QF-20250101-0001"]
    for message in messages:
        data = encode_payload(message, payloads)
        assert len(data.encode()) <= MAX_CALLBACK_BYTES, data
        assert decode_payload(data, payloads) == message
    assert encode_payload("/service contract-review", payloads) == "s:contract-review"
    assert encode_payload("/order contract-review", payloads) == "o:contract-review"
    assert encode_payload("/category 法律咨询", payloads) == "c:0"
    long = "/rate QF-20250101-0001 非常满意 " + "很好" * 30
    data = encode_payload(long, payloads)
    assert len(data.encode()) <= MAX_CALLBACK_BYTES and decode_payload(data, payloads) == long
    assert decode_payload("h:unknown", payloads) is None
    assert decode_payload("c:99", payloads) is None
    assert decode_payload("fb:12:1", payloads) == Feedback(12, 1)
    assert decode_payload("fb:12:5", payloads) is None


def test_render_escapes_and_puts_the_keyboard_with_feedback_on_the_last_message() -> None:
    cite = Citation("中华人民共和国劳动合同法", "x.md", "第十九条", "试用期……", 1.0, "2013-07-01")
    body = "A & B <tag>\n\n" + "\n\n".join("段" * 3000 for _ in range(2))
    reply = Reply("sid", body, "answer", citations=[cite],
                  suggestions=[Suggestion("预约 / Order", "/order contract-review", "order")], message_id=41)
    out = render(reply, Payloads())
    assert len(out) == 2 and out[0].markup is None
    assert out[0].text.startswith("A &amp; B &lt;tag&gt;")
    assert "[1] 《中华人民共和国劳动合同法》第十九条（2013-07-01）" in out[-1].text  # cited even if the body was not
    rows = out[-1].markup.inline_keyboard  # type: ignore[union-attr]
    assert [b.callback_data for b in rows[0]] == ["o:contract-review"]
    assert [(b.text, b.callback_data) for b in rows[-1]] == [("👍", "fb:41:1"), ("👎", "fb:41:-1")]


def test_no_feedback_buttons_outside_answers() -> None:
    menu = Reply("sid", "菜单", "menu", suggestions=[Suggestion("法律咨询", "/category 法律咨询", "category"),
                                                    Suggestion("服务代办", "/category 服务代办", "category")],
                 message_id=3)
    [m] = render(menu, Payloads())
    assert [[b.callback_data for b in row] for row in m.markup.inline_keyboard] == [["c:0"], ["c:1"]]  # type: ignore[union-attr]
    assert render(Reply("sid", "", "handoff"), Payloads()) == []


def test_adviser_message_is_marked_and_escaped() -> None:
    [text] = adviser_message("王律师", "请把<合同>发来 & 说明")
    assert text == "<b>👩‍💼 法律顾问 王律师：</b>请把&lt;合同&gt;发来 &amp; 说明"
