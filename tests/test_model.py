"""The plain data of an analysis: helpers on it."""

from __future__ import annotations

from saywho.model import quoted_words


def test_quoted_words_leave_out_the_attribution_between_fragments() -> None:
    text = '"We see a window," he said. "We will go back."'
    content = text[1:45]
    assert quoted_words(content, 1, [[1, 17], [29, 45]]) == "We see a window, … We will go back."
    assert quoted_words(content, 1, [[1, 45]]) == content


def test_quoted_words_without_fragments_is_the_content_text() -> None:
    assert quoted_words("the plan failed", 13, None) == "the plan failed"
    assert quoted_words("the plan failed", 13, []) == "the plan failed"
