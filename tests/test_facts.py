"""Document facts: sentences, paragraphs, the inside-quotation mask (one definition of quotation
marks for every step), text warnings; each computed once per Doc."""

from __future__ import annotations

from saywho.facts import (
    credit_lines,
    doc_text_warnings,
    furniture_tokens,
    inside_quotes,
    paragraph,
    quoted_spans,
    same_sentence,
    sentence,
    sentence_bounds,
    sentence_starts,
    text_warnings,
)


def inside(doc, word: str) -> bool:
    return inside_quotes(doc)[next(t.i for t in doc if t.text == word)]


def test_sentences_are_numbered_from_the_parse(parsed) -> None:
    doc = parsed("Ann Lee spoke first. Then Tom Baker answered her. Nobody else did.")
    assert [s.start for s in doc.sents] == sentence_starts(doc).tolist()
    tom = next(t.i for t in doc if t.text == "Tom")
    assert sentence(doc, 0) == 0 and sentence(doc, tom) == 1
    start, end = sentence_bounds(doc, tom)
    assert doc[start:end].text == "Then Tom Baker answered her."
    assert same_sentence(doc[tom : tom + 2], doc[start : start + 1])
    assert not same_sentence(doc[0:1], doc[tom : tom + 1])


def test_a_sentence_never_runs_across_a_line(parsed) -> None:
    # A headline and a share line have no full stop; the parser alone ran them into the lede.
    text = (
        "Black Lawmakers Take Aim At Trump Over Birther Claims\n\nShare on Facebook  |  Share on Twitter\n\n"
        "Trump's fixation with the birthplace is an insult, leading black lawmakers stated Friday."
    )
    doc = parsed(text)
    assert [s.text.strip() for s in doc.sents] == [line for line in text.split("\n") if line]


def test_blank_lines_even_of_spaces_are_one_paragraph_break(parsed) -> None:
    doc = parsed("First paragraph here.\n  \n\nSecond one here.\nThird one.")
    second = next(t.i for t in doc if t.text == "Second")
    third = next(t.i for t in doc if t.text == "Third")
    assert (paragraph(doc, 0), paragraph(doc, second), paragraph(doc, third)) == (0, 1, 2)


def test_an_apostrophe_does_not_end_a_quotation(parsed) -> None:
    # "students’" and "don’t": ’ is an apostrophe, not the closing mark of the quotation.
    doc = parsed("“The students’ union said we don’t need Smith,” Jones said.")
    assert inside(doc, "union") and inside(doc, "Smith")
    assert not inside(doc, "Jones")


def test_single_marks_are_not_quotation_marks(parsed) -> None:
    doc = parsed("Christie called Clinton ‘a disgrace’ on Monday, Smith said.")
    assert not any(inside_quotes(doc))
    assert quoted_spans(doc.text) == []


def test_low_and_doubled_apostrophe_marks_open_quotations(parsed) -> None:
    doc = parsed("„We will stay here,” Smith said. ''It is our home,'' Jones added.")
    assert inside(doc, "stay") and inside(doc, "home")
    assert not inside(doc, "Smith") and not inside(doc, "Jones")


def test_an_unclosed_quotation_ends_before_its_attribution(parsed) -> None:
    doc = parsed("“We were promised schools, said one parent, Amina Yusuf.")
    assert inside(doc, "schools")
    assert not inside(doc, "Amina")


def test_the_mask_is_kept_once_and_each_caller_gets_its_own_copy(parsed) -> None:
    doc = parsed("“We will win,” Smith said.")
    mask = inside_quotes(doc)
    mask[:] = [True] * len(mask)  # what speakers.py does: adds its own quoted tokens
    assert inside_quotes(doc) != mask
    assert doc.user_data["saywho_inside_quotes"].tolist() == inside_quotes(doc)


def test_text_warnings_of_a_doc_are_those_of_its_text(parsed) -> None:
    french = "Le président a déclaré que la réforme des retraites serait adoptée avant la fin. " * 3
    for text in ("   ", french, "The mayor said the bridge would reopen in June."):
        assert doc_text_warnings(parsed(text)) == text_warnings(text)
    assert [w.code for w in text_warnings(french)] == ["not_english"]
    assert [w.code for w in text_warnings("   ")] == ["empty_text"]


def test_bylines_and_credit_lines_are_page_furniture(parsed) -> None:
    text = (
        "By Anna Lee and Tom Hale, CNN\n"
        "By contrast, Maria Lopez said the vote was rigged.\n"
        "“We will appeal,” Maria Lopez said.\n"
        "--additional reporting from Darren Samuelsohn.\n"
        "(Reporting by Olga Brandt; Editing by Ivan Petrov)\n"
        "Photo by Jane Roe/Reuters\n"
    )
    credited = [text[s:e] for s, e in credit_lines(text)]
    assert credited == [line for line in text.splitlines() if not line.startswith(("By contrast", "“"))]
    doc = parsed(text)
    furniture = furniture_tokens(doc)
    assert not any(furniture[t.i] for t in doc if t.text == "Lopez")
    assert all(furniture[t.i] for t in doc if t.text in ("Lee", "Samuelsohn", "Brandt", "Roe"))
