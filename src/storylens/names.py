"""One name per person and organisation across a story.

Outlets name the same people differently: "Rep. Dana K. Morrow" in one, "Morrow" in
another, "C.S.B." beside "CSB", "Ruíz" beside "Ruiz". Within one article,
:class:`storylens.extract.speakers.NameIndex` already settles a surname on the article's
full name; across the articles of a story, :class:`StoryNames` settles every written
name on one canonical display name, so that quote groups, sources and sourcing
differences see one person once.

Two levels:

- :func:`name_key` folds one name to its comparison key, with no story around it: case,
  accents and periods folded ("C.S.B." and "CSB" -> ``csb``), a leading "the", titles
  ("Rep.", "President", "Harbour Commissioner") and a possessive dropped, middle
  initials ignored ("Dana K. Morrow" -> ``dana morrow``). :func:`surname_key` is its last
  word, and :func:`may_be_same` says whether two names could name one person without
  the story ("Morrow" / "Dana Morrow" yes; "Marta Ruiz" / "Maria T. Ruíz" no, and with
  one surname key that pair is a name conflict worth a look).
- :meth:`StoryNames.build` reads the analysed articles of one story and merges keys in
  this order: a description ending in a person's full name ("Harbour Commissioner Ivan
  Kolb" -> "Ivan Kolb"); one full name inside a longer one with the same first and
  last word ("Ana Sorel" / "Ana Lucia Sorel"); a surname alone with the story's only
  person of that surname (two people of one surname leave the bare surname apart); an
  acronym with the story's only organisation whose initials it spells ("CSB" /
  "Coastal Safety Bureau"). A group's canonical display name is the fullest name the
  story uses for it, as written, titles dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from .model import Entity, Quote, Source


class NamedParts(Protocol):
    """What :meth:`StoryNames.build` reads of one article: an analysed article
    (:class:`storylens.pipeline.Analyzed`) or its record
    (:class:`storylens.analysis.ArticleAnalysis`)."""

    @property
    def entities(self) -> Sequence[Entity]: ...

    @property
    def quotes(self) -> Sequence[Quote]: ...

    @property
    def sources(self) -> Sequence[Source]: ...


# Words of a title before a name ("Sen.", "Vice President", "House Speaker"): dropped from
# the name, never part of it.
TITLE_WORDS = frozenset(
    [
        "constable",
        "dame",
        "detective",
        "inspector",
        "lord",
        "officer",
        "sergeant",
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "sen",
        "rep",
        "gov",
        "president",
        "secretary",
        "minister",
        "senator",
        "representative",
        "congressman",
        "congresswoman",
        "governor",
        "mayor",
        "chairman",
        "chairwoman",
        "chair",
        "director",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "speaker",
        "leader",
        "majority",
        "minority",
        "whip",
        "attorney",
        "ambassador",
        "commissioner",
        "sheriff",
        "chief",
        "judge",
        "justice",
        "general",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "adm",
        "prof",
        "professor",
        "rev",
        "sir",
        "prime",
        "deputy",
        "press",
        "former",
        "vice",
        "lady",
    ]
)
# Titles that stand before a surname alone ("Sen. Ross", "President Okafor"); the others
# begin names of their own too ("Justice Department", "General Motors", "Vice Media") and
# are dropped only before two or more words.
HONORIFICS = TITLE_WORDS - frozenset(
    [
        "general",
        "justice",
        "chief",
        "lady",
        "prime",
        "former",
        "vice",
        "deputy",
        "press",
        "leader",
        "majority",
        "minority",
        "whip",
        "attorney",
        "chair",
    ]
)
# Further role words that end a description before a name ("Morrow campaign chairman
# Ivo Hadley", "harbour board adviser Ana Sorel"): the name is what follows.
ROLE_WORDS = TITLE_WORDS | frozenset(
    [
        "adviser",
        "advisor",
        "aide",
        "manager",
        "strategist",
        "pollster",
        "analyst",
        "economist",
        "lawyer",
        "founder",
        "executive",
        "ceo",
        "officer",
        "nominee",
        "candidate",
        "hopeful",
        "challenger",
        "incumbent",
    ]
)
_POSSESSIVE = re.compile(r"(?:[’']s|[’'])$")
_EDGE = " ,.;:\"“”‘’'()[]"


def name_words(text: str, *, person: bool = True) -> list[str]:
    """The words of a name as written, without a possessive, a leading "the",
    surrounding punctuation or titles ("Sen.", "Vice President").

    A title that also begins names of its own ("Justice", "General") is dropped only
    before two or more words ("Justice Department" stays). With ``person`` (the
    default), a description ending in a title or role word before two or more
    capitalised words goes too ("Harbour Commissioner Ivan Kolb" -> "Ivan Kolb");
    ``person=False`` keeps an organisation's words ("General Motors").
    """
    words = _POSSESSIVE.sub("", text.strip(_EDGE)).strip(_EDGE).split()
    if words and words[0].lower() == "the":
        words = words[1:]
    if not person:
        return words
    while (
        len(words) > 1
        and words[1][:1].isupper()  # "Secretary of State ..." is not a title and a name
        and (
            (head := words[0].lower().rstrip(".")) in HONORIFICS
            or (head in TITLE_WORDS and len(words) > 2)
        )
    ):
        words = words[1:]
    for i in range(len(words) - 3, -1, -1):
        rest = words[i + 1 :]
        if words[i].lower().rstrip(".") in ROLE_WORDS and all(w[:1].isupper() for w in rest):
            return rest
    return words


Label = Literal["PERSON", "ORG"]

_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# words an acronym skips: "Bureau of Coastal Safety" -> BCS
_CONNECTORS = frozenset({"of", "the", "and", "for", "on", "in", "to", "at", "&", "de", "la"})
_ACRONYM = re.compile(r"(?:[A-Z]\.?\s?){2,8}|[A-Z][A-Z&]{1,7}")


def fold(text: str) -> str:
    """Case, accents and periods folded, other punctuation spaced: "C.S.B." -> "csb",
    "Ruíz" -> "ruiz", "O’Dowd" -> "o'dowd"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("’", "'").replace("‘", "'").casefold().replace(".", "")
    return " ".join(re.sub(r"[^\w\s&'-]", " ", plain).split())


def _key_tokens(words: Sequence[str]) -> list[str]:
    tokens = fold(" ".join(words)).split()
    if len(tokens) > 1 and all(len(t) == 1 for t in tokens):
        return ["".join(tokens)]  # "C. S. B." -> csb
    if len(tokens) > 2:
        middle = [t for t in tokens[1:-1] if len(t) > 1]
        tokens = [tokens[0], *middle, tokens[-1]]  # "Dana K. Morrow" -> dana morrow
    return tokens


def name_key(name: str, *, person: bool = True) -> str:
    """The comparison key of one name: two spellings of one name share it.

    "Rep. Dana K. Morrow" and "Dana Morrow" give ``dana morrow``, "Morrow's" gives
    ``morrow``; "C.S.B.", "C.S.B" and "CSB" all give ``csb``; "Maria T. Ruíz" gives
    ``maria ruiz``. ``person=False`` keeps the title-like words of organisations
    ("General Motors").
    """
    return " ".join(_key_tokens(name_words(name, person=person)))


def surname_key(name: str) -> str:
    """The folded last word of a name, a "Jr." skipped: "Maria T. Ruíz" -> ``ruiz``."""
    tokens = name_key(name).split()
    while len(tokens) > 1 and tokens[-1] in _SUFFIXES:
        tokens.pop()
    return tokens[-1] if tokens else ""


def initials(name: str) -> str:
    """The acronym a multi-word name would have: "Bureau of Coastal Safety" -> ``bcs``."""
    tokens = name_key(name, person=False).split()
    if len(tokens) < 2:
        return ""
    return "".join(t[0] for t in tokens if t not in _CONNECTORS)


def is_acronym(name: str) -> bool:
    """Written as an acronym: "CSB", "C.S.B.", "C.S.B", "C. S. B."."""
    return bool(_ACRONYM.fullmatch(" ".join(name_words(name, person=False))))


def could_be_surname(name: str) -> bool:
    """Whether a one-word name could be a surname: not an acronym with periods ("U.N")
    nor a short one in capitals ("UN", "CSB"), which a surname never is ("Un")."""
    words = name_words(name)
    if len(words) != 1:
        return False
    word = words[0].rstrip(".")
    return "." not in word and not (word.isupper() and len(word) <= 3)


def may_be_same(a: str, b: str) -> bool:
    """Whether two names could name one person or organisation, without the story.

    True for one key ("C.S.B." / "CSB", "Dana K. Morrow" / "Rep. Dana Morrow"), a
    surname alone beside a full name with that surname ("Morrow" / "Dana Morrow"), one
    full name inside a longer one with the same first and last word ("Ana Sorel" / "Ana
    Lucia Sorel"), and an acronym beside the name it spells. False for two full names
    that differ ("Marta Ruiz" / "Maria T. Ruíz"): where their surnames agree
    (:func:`surname_key`), that is a name conflict worth a look, not a variant.
    """
    ka, kb = name_key(a).split(), name_key(b).split()
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    short, long_ = sorted((ka, kb), key=len)
    if len(short) == 1:
        single = a if len(ka) == 1 else b
        if could_be_surname(single) and short[0] == surname_key(" ".join(long_)):
            return True
        full = b if len(ka) == 1 else a
        return is_acronym(single) and initials(full) == short[0]
    return short[0] == long_[0] and short[-1] == long_[-1] and _subsequence(short, long_)


def _subsequence(short: Sequence[str], long_: Sequence[str]) -> bool:
    it = iter(long_)
    return all(any(t == u for u in it) for t in short)


@dataclass
class _Seen:
    """What the story says about one key: its spellings, labels and first appearance."""

    order: int
    spellings: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    acronym: bool = False
    surname: bool = False  # written once in a way a surname could be

    @property
    def person(self) -> bool:
        """Tagged a person at least once: the small model often tags people ORG, and an
        organisation rarely PERSON."""
        return self.labels["PERSON"] > 0


@dataclass
class StoryNames:
    """Every name a story uses, mapped to one canonical display name per person or
    organisation. Build it with :meth:`build` (analysed articles) or :meth:`from_names`
    (plain names with labels); ask :meth:`canonical` and :meth:`same`."""

    _seen: dict[str, _Seen] = field(default_factory=dict)  # key -> what the story says
    _parent: dict[str, str] = field(default_factory=dict)  # key -> key of its group
    _display: dict[str, str] = field(default_factory=dict)  # group's key -> display name
    _by_surname: dict[str, list[str]] = field(default_factory=dict)  # people's full names
    _by_initials: dict[str, list[str]] = field(default_factory=dict)  # organisations' names

    @classmethod
    def build(cls, results: Iterable[NamedParts]) -> StoryNames:
        """The names of one story's analysed articles: the PERSON and ORG entities of each
        parsed text, the quotes' speakers and the sources (with their kinds)."""
        observed: list[tuple[str, Label | None]] = []
        for r in results:
            for ent in r.entities:
                if ent.label == "PERSON":
                    observed.append((ent.text, "PERSON"))
                elif ent.label == "ORG":
                    observed.append((ent.text, "ORG"))
            kinds = {s.name: s.kind for s in r.sources}
            for q in r.quotes:
                if q.speaker:
                    observed.append((q.speaker, _label_of_kind(kinds.get(q.speaker))))
            observed.extend((s.name, _label_of_kind(s.kind)) for s in r.sources)
        return cls.from_names(observed)

    @classmethod
    def from_names(cls, names: Iterable[tuple[str, Label | None]]) -> StoryNames:
        """The resolver over plain ``(name, label)`` pairs, in order of appearance; a
        label of ``None`` means unknown."""
        self = cls()
        for name, label in names:
            self._observe(name, label)
        self._merge()
        return self

    def _observe(self, name: str, label: Label | None) -> None:
        words = name_words(name, person=label != "ORG")
        key = " ".join(_key_tokens(words))
        if not key or not any(c.isupper() for c in name):
            return  # "drivers", "officials": common nouns stay as they are
        seen = self._seen.setdefault(key, _Seen(order=len(self._seen)))
        seen.spellings[" ".join(words)] += 1
        if label is not None:
            seen.labels[label] += 1
        seen.acronym = seen.acronym or (len(words) == 1 and is_acronym(words[0]))
        seen.surname = seen.surname or (len(words) == 1 and could_be_surname(words[0]))
        self._parent.setdefault(key, key)

    def _find(self, key: str) -> str:
        while self._parent[key] != key:
            self._parent[key] = self._parent[self._parent[key]]
            key = self._parent[key]
        return key

    def _union(self, a: str, b: str) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            first, second = sorted((ra, rb), key=lambda k: self._seen[k].order)
            self._parent[second] = first

    def _merge(self) -> None:
        keys = sorted(self._seen, key=lambda k: self._seen[k].order)
        people = [k for k in keys if " " in k and self._seen[k].person]
        known_people = set(people)
        described: set[str] = set()
        for key in keys:  # "house speaker john boehner" -> "john boehner"
            tokens = key.split()
            for j in range(1, len(tokens) - 1):
                tail = " ".join(tokens[j:])
                if tail in known_people and any(t in ROLE_WORDS for t in tokens[:j]):
                    self._union(key, tail)
                    described.add(key)  # a description, never the display name
                    break
        ends: dict[tuple[str, str], list[str]] = {}
        for key in people:
            tokens = key.split()
            ends.setdefault((tokens[0], tokens[-1]), []).append(key)
        for key in people:  # "hillary clinton" inside "hillary rodham clinton"
            tokens = key.split()
            longer = {
                self._find(o)
                for o in ends[(tokens[0], tokens[-1])]
                if len(o) > len(key) and _subsequence(tokens, o.split())
            }
            if len(longer) == 1:
                self._union(key, longer.pop())
        self._by_surname = {}
        self._by_initials = {}
        for key in keys:
            if " " not in key:
                continue
            if self._seen[key].person:
                self._by_surname.setdefault(surname_key(key), []).append(key)
            else:
                self._by_initials.setdefault(initials(key), []).append(key)
        for key in keys:
            if " " not in key:
                seen = self._seen[key]
                target = self._resolve_single(key, seen.acronym, seen.surname)
                if target is not None:
                    self._union(key, target)
        groups: dict[str, Counter[str]] = {}
        for k in sorted(keys, key=lambda k: k in described):
            group = groups.setdefault(self._find(k), Counter())
            if not group or k not in described:
                group.update(self._seen[k].spellings)
        self._display = {
            root: max(spellings, key=lambda s: _fullness(s, spellings[s]))
            for root, spellings in groups.items()
        }

    def _resolve_single(self, key: str, acronym: bool, surname: bool) -> str | None:
        """The one group a bare surname or an acronym stands for in this story, if only one."""
        candidates = (self._by_surname.get(key, []) if surname else []) + (
            self._by_initials.get(key, []) if acronym else []
        )
        roots = {self._find(k) for k in candidates}
        return roots.pop() if len(roots) == 1 else None

    def key(self, name: str) -> str:
        """The key of the group ``name`` belongs to (its own key when the story does not
        know it): equal keys mean one person or organisation."""
        for person in (True, False):
            key = name_key(name, person=person)
            if key in self._parent:
                return self._find(key)
        key = name_key(name)
        if key and " " not in key:
            target = self._resolve_single(key, is_acronym(name), could_be_surname(name))
            if target is not None:
                return self._find(target)
        return key

    def canonical(self, name: str) -> str:
        """The display name of ``name``'s person or organisation: the fullest name the
        story uses for it ("Morrow" -> "Dana K. Morrow"); a name the story does not know
        comes back without its titles, and a common noun ("drivers") as it is."""
        if not any(c.isupper() for c in name):
            return name
        key = self.key(name)
        return self._display.get(key) or " ".join(name_words(name)) or name

    def same(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` name one person or organisation in this story."""
        if not any(c.isupper() for c in a) or not any(c.isupper() for c in b):
            return a.strip().casefold() == b.strip().casefold()
        return self.key(a) == self.key(b)

    def aliases(self, name: str) -> tuple[str, ...]:
        """Every spelling the story uses for ``name``'s person or organisation."""
        root = self.key(name)
        return tuple(
            sorted(
                {
                    s
                    for k, seen in self._seen.items()
                    if self._find(k) == root
                    for s in seen.spellings
                }
            )
        )


def _fullness(spelling: str, count: int) -> tuple[int, int, int, int]:
    """Rank of a display name: more words, not shouted in capitals, more often, longer."""
    words = spelling.split()
    shouted = len(words) > 1 and spelling.isupper()
    return (len(words), int(not shouted), count, len(spelling))


def _label_of_kind(kind: str | None) -> Label | None:
    if kind == "person":
        return "PERSON"
    if kind in ("organisation", "outlet"):
        return "ORG"
    return None


__all__ = [
    "StoryNames",
    "fold",
    "could_be_surname",
    "initials",
    "is_acronym",
    "may_be_same",
    "name_key",
    "name_words",
    "surname_key",
]
