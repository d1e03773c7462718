"""Every template's user-visible words are marked for translation.

Each template under templates/ is split by Django's own template lexer. Text between
tags (and the values of aria-label, title, placeholder and alt) must come from
{% translate %} / {% blocktranslate %} or a variable; a literal with letters in it is
English that es and nb readers would see untranslated. Not read: HTML comments,
{% comment %} blocks, <script>, <style>, <pre> and <code>. Plain-text e-mails are
checked the same way.
"""

import html
import re
from pathlib import Path

from django.template.base import Lexer, TokenType
from django.utils import translation
from django.views.defaults import server_error

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
GAP = "\x00"  # stands for anything the template engine fills in
LETTER = re.compile(r"[^\W\d_]")
VISIBLE_ATTRIBUTE = re.compile(r"""\b(?:aria-label|title|placeholder|alt)\s*=\s*(["'])(.*?)\1""")
NOT_READ = re.compile(r"<!--.*?-->|<(script|style|pre|code)\b.*?</\1\s*>", re.S | re.I)
TAG = re.compile(r"<[^>]*>")

# The same in every language: the product's name, and statistics' "(n = 12)".
ALLOWED = re.compile(r"\bicsat\b|\(n =")


def untranslated(source: str) -> list[str]:
    """The literal user-visible texts of a template that are not marked for translation."""
    text, comment, blocktranslate = [], False, 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(maxsplit=1)[0]
            comment = {"comment": True, "endcomment": False}.get(name, comment)
            blocktranslate += {"blocktranslate": 1, "blocktrans": 1}.get(name, 0)
            blocktranslate -= {"endblocktranslate": 1, "endblocktrans": 1}.get(name, 0)
        literal = token.token_type == TokenType.TEXT and not comment and not blocktranslate
        text.append(token.contents if literal else GAP)
    markup = NOT_READ.sub(GAP, "".join(text))
    found = [value for _quote, value in VISIBLE_ATTRIBUTE.findall(markup)]
    found += TAG.sub(GAP, markup).split(GAP)
    texts = (html.unescape(piece).replace(GAP, " ").strip() for piece in found)
    return [t for t in texts if LETTER.search(ALLOWED.sub("", t))]


def test_every_template_marks_its_words_for_translation():
    problems = [
        f"{path.relative_to(TEMPLATES)}: {text!r}"
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file()
        for text in untranslated(path.read_text())
    ]
    assert not problems, "Not marked for translation:\n" + "\n".join(problems)


def test_untranslated_finds_literal_text_and_leaves_marked_text_alone():
    source = (
        '{% load i18n %}<p title="Hover me">{% translate "Marked" %} Plain words</p>'
        '<button aria-label="{% translate "Close" %}">×</button>'
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}"
        "{% comment %}Notes for developers{% endcomment %}<!-- html comment -->"
        "<script>var words = 1;</script><p>{{ value }} · 42 % icsat</p>"
    )
    assert untranslated(source) == ["Hover me", "Plain words"]


def test_server_error_page_speaks_the_active_language(rf):
    with translation.override("nb"):
        response = server_error(rf.get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="nb">' in page
    assert "Noe gikk galt" in page
