"""Small text judgements the reader's view makes about a statement, without a parse.

The report layer sees only a :class:`~storylens.model.StoryReport` (no spaCy docs), so
what it needs to know about a sentence is read from the sentence itself: whether it is
a whole sentence a reader can take alone (not a fragment of a quotation, a byline, a
photo credit or newsroom boilerplate), which content words it carries, and how it reads
after "does not report that".
"""

from __future__ import annotations

import re

# Lines that are about the article, not the story: bylines, credits, newsroom
# boilerplate, calls to subscribe or share. Written from the kinds of lines outlets
# print around a story; not tuned on any evaluation set.
_BOILERPLATE = re.compile(
    r"""^\s*(?:by\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\s*(?:,|$|\||and\b)
    |(?:photo|image|video|graphic|illustration)s?\s*(?:credit)?\s*[:/]
    |(?:reporting|writing|editing|additional\ reporting|contributing)\ by\b
    |(?:copyright|\(c\)|©)
    |(?:sign\ up|subscribe|follow\ us|click\ here|read\ more|related:|share\ this|advertisement)
    |(?:updated|published|posted)\s*(?:on|at)?\s*[:\d]
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_BOILERPLATE_ANYWHERE = re.compile(
    r"contributed to this report|all rights reserved|getty images|\bap photo\b|"
    r"reached out to .{0,80}\bfor (?:a )?comment|did not (?:immediately )?respond to (?:a |our )?"
    r"(?:request|requests|inquiry|email)|could not (?:immediately )?be reached for comment|"
    r"did not respond before publication|this story (?:has been|was) updated|"
    r"newsletter|terms of (?:use|service)|privacy policy",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")
_OPEN_QUOTES = "“‘«"
_STOPWORDS = """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his
    how i if in into is it its itself just me more most my myself no nor not now of off
    on once only or other our ours out over own same she should so some such than that
    the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your said says say told according mr ms mrs dr new one two"""
STOPWORDS = frozenset(_STOPWORDS.split())
# Words that open a sentence but are not names: a sentence starting with one reads on
# after "does not report that" in lower case ("that the bridge ...").
_OPENER_WORDS = """a an the this that these those it its he she they we there their his her our some
    many most several few all both each every no one two three four five six seven eight
    nine ten at in on after before during since while when as for about more less
    however meanwhile but and yet still also officials police authorities people
    residents rescue rescuers engineers"""
_OPENERS = frozenset(_OPENER_WORDS.split())


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def content_words(text: str) -> set[str]:
    """Lower-cased words that say what a sentence is about (no stop words, no short ones)."""
    return {w.lower().strip("'’") for w in words(text) if len(w) > 2} - STOPWORDS


def is_boilerplate(text: str) -> bool:
    """A byline, a credit or newsroom boilerplate rather than something that happened."""
    flat = " ".join(text.split())
    return bool(_BOILERPLATE.match(flat) or _BOILERPLATE_ANYWHERE.search(flat))


def _unbalanced(text: str) -> bool:
    """A quotation opened and not closed, or closed and not opened (a statement cut
    from inside a longer quotation). A single closing quote that is an apostrophe
    ("Mexico’s") is told apart by the letter after it."""
    if text.count('"') % 2 or text.count("“") != text.count("”"):
        return True
    single_open = text.count("‘")
    single_close = len(re.findall(r"’(?![A-Za-z])", text))
    return single_open != single_close


def is_fragment(text: str) -> bool:
    """Not a sentence a reader can take alone: too short, cut mid-quotation, a question
    without its answer, starting in lower case, or no words at all."""
    flat = " ".join(text.split())
    tokens = [w for w in words(flat) if not w[0].isdigit()]
    if len(tokens) < 5:
        return True
    first = flat.lstrip(_OPEN_QUOTES + "\"'([")[:1]
    if first.islower():
        return True
    if flat.endswith("?"):
        return True
    return _unbalanced(flat)


def starts_with_pronoun(text: str) -> bool:
    """Opens on a pronoun ("He", "They also ..."): it leans on the sentence before."""
    first = text.lstrip(_OPEN_QUOTES + "\"'([").split(" ", 1)[0].lower()
    return first in {"he", "she", "they", "it", "this", "these", "those", "that", "his", "her"}


def that_clause(text: str, lower_words: frozenset[str] = frozenset()) -> str:
    """The statement as it reads after "does not report that": the first word in lower
    case where it is no name, the closing full stop dropped. Only the case of one letter
    and the end punctuation change; every word is the article's.

    A first word is taken for a common word when it is a known opener ("The", "A",
    "However"), ends in "-ing" or "-ly", or appears in lower case in ``lower_words``
    (the story's own lower-case vocabulary); a name ("Trump", "Mexican") stays.
    """
    flat = " ".join(text.split()).rstrip()
    while flat and flat[-1] in ".;:":
        flat = flat[:-1].rstrip()
    first = re.sub(r"[^\w'’-]+$", "", flat.split(" ", 1)[0])
    lower = first.lower()
    common = (
        lower in _OPENERS
        or lower in lower_words
        or (len(lower) > 4 and lower.endswith(("ing", "ly")))
    )
    if first and common and not (len(first) > 1 and first.isupper()):
        flat = flat[0].lower() + flat[1:]
    return flat


def lower_vocabulary(texts: list[str]) -> frozenset[str]:
    """Words that the texts write in lower case somewhere (so are no names)."""
    return frozenset(w for t in texts for w in re.findall(r"\b[a-z][a-z'’-]+\b", t))


def quoted(text: str) -> bool:
    """Opens on a quotation mark: it reads after "does not report:" better than after "that"."""
    return text.lstrip()[:1] in _OPEN_QUOTES + "\"'"
