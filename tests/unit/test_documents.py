"""Issue 11, defect 8: letter text laid out as paragraphs and lists."""
from oversight.documents import blocks


def test_wrapped_sentence_is_one_line_and_address_lines_stay():
    text = ("Socialförvaltningen har kontrollerat Risk AB. Kontrollen visar\n"
            "omständigheter som kan innebära uteslutning.\n\n"
            "Med vänliga hälsningar\nAnna Andersson\nSocialförvaltningen")
    first, second = blocks(text)
    assert first.lines == ["Socialförvaltningen har kontrollerat Risk AB. Kontrollen visar "
                           "omständigheter som kan innebära uteslutning."]
    assert second.lines == ["Med vänliga hälsningar", "Anna Andersson", "Socialförvaltningen"]


def test_dash_and_star_lines_become_a_list_without_the_markers():
    text = "Omständigheter\n- Skatteskulder (13:3)\n  * 90 000 kr hos Kronofogden\n- Varning"
    heading, items = blocks(text)
    assert heading.kind == "p" and heading.lines == ["Omständigheter"]
    assert items.kind == "ul"
    assert [(i.text, i.children) for i in items.items] == [
        ("Skatteskulder (13:3)", ["90 000 kr hos Kronofogden"]), ("Varning", [])]


def test_empty_text_has_no_blocks():
    assert blocks("") == [] and blocks(None) == []


def test_a_long_line_ending_mid_sentence_was_wrapped():
    text = ("Beslutet grundar sig på beskedet från Kronofogden och på uppgifter från\n"
            "Skatteverket om att skulden är betald.")
    assert blocks(text)[0].lines == [text.replace("\n", " ")]
