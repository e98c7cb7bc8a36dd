"""Actor resolution: from a noun phrase in the parse to a coded actor (country + sector).

Evidence inside the phrase comes from the actor terms the ``dyads_actor_terms`` component marked
(country names, demonyms, capitals, organisations, sector words, known people). Evidence from the
rest of the story is kept in a ``StoryMemory``: a person named with a title ("Russian Foreign Minister
Sergey Lavrov") is remembered, so a later bare "Lavrov" resolves too; pronouns and plural references
("he", "they", "the two sides", "his country") resolve to the actors they stand for.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from .events import dependent
from .knowledge import ActorTerm, Knowledge, normalize_phrase
from .models import Actor
from .nlp import TERMS_KEY, is_lower_cased

# Dependents that end a noun phrase: what follows them is another participant or another clause.
PHRASE_BREAKS = {"conj", "cc", "relcl", "acl", "advcl", "punct", "prep", "ccomp", "xcomp", "parataxis",
                 "dep", "mark"}
# Prepositions that stay inside an actor phrase ("Minister of Defence of Syria", "rebels from Homs").
PHRASE_PREPS = {"of", "from", "in"}
AFFILIATION_PREPS = {"of", "from"}  # ("Kapil Sibal of the Congress", "Anand Kumar from Andhra Pradesh")
SINGULAR_PRONOUNS = {"he", "she", "him", "her", "his", "hers", "himself", "herself"}
NEUTER_PRONOUNS = {"it", "its", "itself"}
REFLEXIVE_PRONOUNS = {"himself", "herself", "itself", "themselves", "ourselves", "myself"}
# "we" and "I" in a quote are the speaker: "'We will lift the curfew', Pandey said"
FIRST_PERSON = {"we", "us", "our", "ours", "i", "me", "my"}
PLURAL_PRONOUNS = {"they", "them", "their", "theirs", "themselves", "both"}
OBJECT_DEPS = {"dobj", "dative", "iobj"}
NAME_MODIFIER_DEPS = {"compound", "poss", "nmod", "amod"}
DEFINITE = {"the", "this", "that", "these", "those"}
COLLECTIVE_NOUNS = {"police", "army", "military", "government", "authorities", "troops", "forces"}  # "they"
# Nouns that refer back to the participants when counted ("the two sides", "both countries").
GROUP_NOUNS = {"side", "country", "minister", "party", "leader", "delegation", "government", "nation",
               "president", "foreign minister", "state", "official"}
# Nouns that name the other side of a relation: "Israel's militia ally in southern Lebanon" is not Israel
RELATION_NOUNS = {"ally", "partner", "rival", "enemy", "foe", "neighbour", "neighbor", "opponent", "adversary"}
# Nouns that, owned by a pronoun, mean the owner's country ("his country", "their government").
HOME_NOUNS = {"country": None, "nation": None, "government": "GOV", "state": None, "people": "CVL"}
ACTING_DEPS = {"nsubj", "nsubjpass", "poss", "agent", "pobj", "conj"}
# Titles of whoever leads a body: "president of IBI Consultants" holds no government post.
LEADER_TITLES = {"president", "director", "chairman", "chairwoman", "chair", "head", "chief", "founder", "leader",
                 "coordinator", "executive director", "director general", "ceo"}
# People who speak or act for a body named after them: their code is the body's.
SPOKESPEOPLE = {"spokesman", "spokeswoman", "spokesperson", "spokespeople", "official", "representative",
                "member", "head", "chief", "source", "statement", "envoy", "delegate", "delegation"}
# Terms that name a country by its name, people, capital or government
COUNTRY_KINDS = ("country", "demonym", "capital", "government")
OFFICE_SECTORS = {"GOV", "MIL", "LEG", "JUD", "COP"}  # posts one can hold and leave
FORMER_WORDS = {"former", "ex", "ex-"}
ELITE = "ELI"
HYPHENATED_WORD = re.compile(r"-(\w+)")  # "-backed" in "Iranian-backed", "-based" in "UK-based"
# "Iranian-backed militias": the country backs them, it is not theirs
SIDE_TAKING_PARTICIPLES = {"backed", "sponsored", "supported", "funded", "financed", "armed", "allied", "aligned",
                           "trained", "inspired"}
STATE_SECTORS = {"GOV", "MIL", "COP", "JUD", "LEG", "SPY"}


@dataclass
class StoryMemory:
    """What the story told so far about its participants."""

    people: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    last_person: Actor | None = None
    people_at: dict[int, Actor] = field(default_factory=dict)  # the people named, by where (char offset)
    last_actor: Actor | None = None  # the last resolved non-person actor: what "it" may refer to
    last_group: list[Actor] = field(default_factory=list)
    # (country, sector) of the last actor named by each head noun of a sector term: what "the officer"
    # refers to after "a senior police officer"
    by_head: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    # (start char, end char, country, weight) of each mention that tells what country the story is about
    country_mentions: list[tuple[int, int, str, float]] = field(default_factory=list)

    @property
    def home_country(self) -> str | None:
        """The country the story is mostly about: default for unqualified state actors."""
        return self.home_country_outside(None)

    def home_country_outside(self, span: tuple[int, int] | None) -> str | None:
        """The story's country, not counting the mentions inside ``span`` (start, end char)."""
        counts: Counter = Counter()
        for start, end, country, weight in self.country_mentions:
            if span is None or not (span[0] <= start and end <= span[1]):
                counts[country] += weight
        if not counts:
            return None
        (country, n), *rest = counts.most_common(2)
        if rest and rest[0][1] == n:
            return None  # no clear focus
        return country

    def remember_group(self, actors: list[Actor]) -> None:
        """Remember a set of participants that "they" / "the two sides" may later stand for."""
        distinct = _distinct(actors)
        if len(distinct) >= 2:
            self.last_group = distinct


def _distinct(actors: list[Actor]) -> list[Actor]:
    seen, out = set(), []
    for a in actors:
        key = a.code or a.text.lower()
        if a.is_resolved and key not in seen:
            seen.add(key)
            out.append(a)
    return out


class ActorResolver:
    """Resolves noun phrases of one story. Create one per story (it carries the story's memory)."""

    def __init__(self, doc: Doc, term_lookup, knowledge: Knowledge, story_date: str | None = None):
        self.doc = doc
        self.text = doc.text  # Doc.text joins every token on each call: read it once
        self.knowledge = knowledge
        self.story_date = story_date
        self.partitives = knowledge.modality["partitive_nouns"]
        self.language_nouns = knowledge.modality["language_nouns"]
        self.street_nouns = knowledge.modality["street_nouns"]
        self.memory = StoryMemory()
        # (start, end) of phrases whose country is only the story's home country, assumed, not stated
        self.assumed_country: set[tuple[int, int]] = set()
        self._resolving: set[int] = set()
        self.lower_cased = is_lower_cased(doc)
        self.terms_at: dict[int, Span] = {}  # token index -> the term span covering it
        self.term_of: dict[int, ActorTerm] = {}  # term span start -> what the term says
        for span in doc.spans.get(TERMS_KEY, []):
            term = term_lookup(span)
            if term is not None and term.kind == "person":
                term = knowledge.person_role(term, story_date)  # the office held on the story's date
            if term is None or (term.kind in COUNTRY_KINDS
                                and names_a_side_taken(self.text, span.start_char, span.end_char)):
                continue  # "pro-Russia rebels", "Iranian-backed militias" are not Russian nor Iranian
            if term.kind == "demonym" and self._names_a_language(span):
                continue  # "see Spanish original", "(in Spanish)": a language, not the country
            if term.kind in ("country", "demonym") and self._names_a_street(span):
                continue  # "Kanak Road", "Palestine Street": a street
            if term.kind == "person" and len(span) == 1 and _inside_another_name(
                    span, knowledge.name_words.get(normalize_phrase(term.phrase), frozenset())):
                continue  # "Howard Cotto" is not John Howard, nor "Arturo Chavez" Hugo Chavez
            self.term_of[span.start] = term
            for i in range(span.start, span.end):
                self.terms_at[i] = span
            if term.country and term.kind in COUNTRY_KINDS \
                    and _hyphenated_word_after(self.text, span.end_char) != "based":  # "a UK-based group": not the UK's
                self.memory.country_mentions.append((span.start_char, span.end_char, term.country, 1))
            elif term.sector == "MED" and term.kind == "organization":
                # a news outlet hints at the story's country ("told the times of india"), less than a name does
                self.memory.country_mentions.append((span.start_char, span.end_char, term.country, 0.5))
        self.person_at: dict[int, Span] = {}
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                for i in range(ent.start, ent.end):
                    self.person_at[i] = ent

    # ------------------------------------------------------------------ phrases
    def resolve(self, head: Token) -> list[Actor]:
        """All actors a phrase headed by ``head`` stands for (conjuncts give compound actors)."""
        if head.i in self._resolving:
            return []  # "their leaders said they ...": a pronoun that leads back to itself
        self._resolving.add(head.i)
        try:
            return self._resolve_conjuncts(head)
        finally:
            self._resolving.discard(head.i)

    def _resolve_conjuncts(self, head: Token) -> list[Actor]:
        actors: list[Actor] = []
        shared_country = None
        for h in self._conjuncts(head):
            # "the Russian leadership, government and people": a modifier of the first conjunct
            # qualifies the others
            found = self._resolve_one(h, shared_country)
            if found and shared_country is None and found[0].country and h.i == head.i:
                shared_country = found[0].country
            if h.i != head.i and found and all(any(
                    a.start is not None and f.start is not None and a.start <= f.start and f.end <= a.end
                    and f.country in (None, a.country) for a in actors) for f in found):
                continue  # "leaders and members of a rebel group" parsed with the complement on "leaders":
                # the first phrase already spans the second (and says no less of it)
            actors.extend(found)
            actors.extend(self._coordinated_modifiers(h, found))
        return actors

    def _coordinated_modifiers(self, head: Token, found: list[Actor]) -> list[Actor]:
        """"Hungarian and Romanian officials", "Israeli and Palestinian negotiators": one phrase, an actor
        for each coordinated country modifier (the first is already in ``found``)."""
        if len(found) != 1 or not found[0].country:
            return []
        actor = found[0]
        out = []
        for modifier in head.children:
            if modifier.dep_ not in ("amod", "compound", "nmod"):
                continue
            for conj in modifier.children:
                span = self.terms_at.get(conj.i) if conj.dep_ == "conj" else None
                term = self.term_of.get(span.start) if span is not None else None
                if term is None or term.kind not in ("demonym", "country") or not term.country \
                        or term.country == actor.country:
                    continue
                code = self.knowledge.org_codes.get((term.country, actor.sector))
                out.append(Actor(text=actor.text, code=actor_code(term.country, actor.sector, code),
                                 country=term.country, sector=actor.sector, start=actor.start, end=actor.end))
        return out

    def _conjuncts(self, head: Token) -> list[Token]:
        out = [head]
        # a person's name the parser split ("Barack/ADP Obama/pobj and Vladimir Putin") carries the
        # conjunct on its last word
        name = self.person_at.get(head.i)
        words = {head, name[-1]} if name is not None else {head}
        for child in (c for word in words for c in word.children):
            if (child.dep_ == "conj" or _is_list_member(child)) and child.pos_ in ("NOUN", "PROPN", "PRON"):
                if self._is_apposition(head, child):
                    continue
                out.extend(self._conjuncts(child))
            elif child.dep_ == "appos":  # "Foreign Minister, Sergey Lavrov, and his Syrian counterpart"
                out.extend(t for c in child.children if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN")
                           for t in self._conjuncts(c))
        return out

    def _is_apposition(self, head: Token, conj: Token) -> bool:
        """"Russian Foreign Minister, Sergey Lavrov": a name after a title and a comma, with no
        "and", is the same person (the parser often calls it a conjunct)."""
        between = self.doc[head.i + 1:conj.left_edge.i]
        return (conj.i in self.person_at and not any(t.dep_ == "cc" for t in between)
                and any(t.text == "," for t in between)
                and not self.is_country_term(conj))  # "Ivory Coast, Togo and Burkina Faso" (Togo tagged PERSON)

    def phrase_tokens(self, head: Token) -> list[Token]:
        """The words of the noun phrase headed by ``head``: its modifiers, titles and "of/from/in"
        complements, but not clauses, conjuncts or other prepositional phrases."""
        keep = [head]
        stack = [c for c in head.children]
        while stack:
            tok = stack.pop()
            if tok.dep_ in PHRASE_BREAKS and not (tok.dep_ == "prep" and _inside_phrase(tok)):
                if not (tok.dep_ == "conj" and self._is_apposition(head, tok)):
                    continue
            if tok.dep_ == "appos" and ((tok.pos_ == "NOUN" and tok.i not in self.terms_at) or _is_list_member(tok)):
                continue  # "Lavrov, bilateral relations": a misattached apposition, not a title
            keep.append(tok)
            stack.extend(tok.children)
        return sorted(keep, key=lambda t: t.i)

    def _resolve_one(self, head: Token, shared_country: str | None = None) -> list[Actor]:
        lower = head.lower_
        if (head.pos_ == "PRON" or lower in PLURAL_PRONOUNS) and not self.is_partitive(head):
            return self._pronoun(head)
        tokens = self.phrase_tokens(head)
        start_tok, end_tok = tokens[0], tokens[-1]
        while start_tok.is_punct and start_tok.i < end_tok.i:
            start_tok = self.doc[start_tok.i + 1]
        while end_tok.is_punct and end_tok.i > start_tok.i:
            end_tok = self.doc[end_tok.i - 1]
        span = self.doc[start_tok.i:end_tok.i + 1]
        if span.text.count("(") > span.text.count(")") and end_tok.i + 1 < len(self.doc) \
                and self.doc[end_tok.i + 1].text == ")":
            span = self.doc[start_tok.i:end_tok.i + 2]  # "the Lebanese Armed Forces (LAF)": close the bracket
        # a name the dictionaries know is whole even where the parser cut it ("Lashkar - e - Taiba")
        whole_end = max((ts.end for t in tokens if (ts := self.terms_at.get(t.i)) is not None
                         and ts.start >= span.start), default=span.end)
        # and so is any name whose words are joined by hyphens ("Hezb-e-Islami", cut after "Hezb")
        while whole_end + 1 < len(self.doc) and self.doc[whole_end].text == "-" \
                and not self.doc[whole_end - 1].whitespace_ and not self.doc[whole_end].whitespace_ \
                and self.doc[whole_end + 1].is_alpha and head.pos_ == "PROPN":
            whole_end += 2
        if whole_end > span.end:
            span = self.doc[span.start:whole_end]
        if self._is_group_reference(head, tokens) and self.memory.last_group:
            return list(self.memory.last_group)
        country = sector = code = None
        person = person_span = None
        owner = None
        # The words nearest the head decide: "NATO-member Norway" is Norway, "UN peacekeepers" the UN.
        terms = []
        for tok in tokens:
            term_span = self.terms_at.get(tok.i)
            # (a term may begin before the phrase: "superintendent of police (south) b l soni" parsed
            # with "police ..." as the phrase)
            if term_span is not None and (term_span.start == tok.i or tok.i == tokens[0].i):
                distance = 0 if term_span.start <= head.i < term_span.end else min(
                    abs(head.i - term_span.start), abs(head.i - (term_span.end - 1)))
                terms.append((distance, term_span.start, self.term_of[term_span.start]))
            if tok.dep_ == "poss" and tok.pos_ == "PRON":
                owner = tok
        if head.lemma_.lower() in RELATION_NOUNS:
            other_side = {t.i for child in head.children
                          if child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ == "of")
                          for t in child.subtree}
            terms = [t for t in terms if t[1] not in other_side]
        terms.sort(key=lambda t: (t[0], t[1]))
        if head.lemma_.lower() in self.partitives and terms:
            # "three companies of the state reserve police", "a state reserve police company", "dozens of
            # supporters": the members say who
            members = {t.i for child in head.children
                       if (child.dep_ == "prep" and child.lower_ == "of") or child.dep_ == "compound"
                       for t in child.subtree}
            # ("a total of 95 companies of para-military forces": a partitive that has members of its own,
            # as "companies of ..." has, says less than they do; "military-run companies" are firms)
            has_members = any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children)
            terms = sorted(terms, key=lambda t: (t[1] not in members, (t[1] in members or has_members)
                                                 and self.doc[t[1]].lemma_.lower() in self.partitives))
        if head.lemma_.lower() in SPOKESPEOPLE and any(t[2].kind != "agent" or t[0] > 0 for t in terms):
            # "a spokesman for the state police", "an official of the UN": the body they speak for
            terms = [t for t in terms if t[0] > 0] + [t for t in terms if t[0] == 0]
        if len(terms) > 1 and terms[0][0] == 0 and terms[0][2].kind == "demonym" \
                and any(t[2].kind in ("demonym", "country") and t[1] < head.i for t in terms[1:]):
            # "Bosnian Serbs", "Iraqi Kurds": the people named by the head live where the modifier says
            terms = [t for t in terms[1:] if t[1] < head.i] + [terms[0]]
        for _distance, _start, term in terms:
            if term.kind == "agent":
                if not self._leads_an_unknown_body(self.terms_at[_start]):
                    sector = sector or term.sector
            elif country is None:
                country = term.country
                if term.kind == "organization":
                    code = term.code
                metonym = term.kind in ("capital", "government")
                if term.sector and (sector is None or term.kind == "organization") \
                        and (not metonym or head.dep_ in ACTING_DEPS):
                    sector = term.sector  # "Moscow said": the capital acts for the government
                if term.kind == "person":
                    person = term
                    person_span = self.terms_at[_start]
        if sector in OFFICE_SECTORS and _formerly(head, tokens, [self.terms_at[start] for _, start, _ in terms]):
            sector = ELITE
        names = [self.person_at[t.i] for t in tokens if t.i in self.person_at]
        name = names[0] if names else person_span
        bare = not terms and head.pos_ in ("NOUN", "PROPN") and not any(
            t.dep_ == "det" and len(t.text) > 1 for t in tokens)  # ("a k mitra": an initial, no article)
        if name is None and (head.pos_ == "PROPN" or bare) and head.lower_ in self.memory.people:
            name = self.doc[head.i:head.i + 1]  # a known surname the NER did not tag as a person
        if bare and name is None and self._cased_like_a_name(head) and (title := self._title_before(span)) is not None:
            # "commissioner of police d d tuteja", "additional dgp (law and order) a k mitra": in
            # lower-cased text the parser often cuts the title off the name it precedes
            sector = title.sector
            name = span
        by_surname = person is not None and len(person_span) == 1
        if name is not None and (country is None or sector is None or by_surname):
            # (a surname alone is first the story's person of that name: "Chapo" after "Joaquin 'El Chapo'
            # Guzman" is not Mozambique's president)
            known = self._recall_person(name)
            if known and by_surname:
                country, sector = known
            elif known:
                country = country or known[0]
                sector = sector or known[1]
        if owner is not None and sector is None and head.lemma_.lower() == "counterpart":
            # "his Syrian counterpart" holds the kind of post he holds
            sector = next((a.sector for a in self._pronoun(owner) if a.sector), None)
        if owner is not None and country is None and lower in HOME_NOUNS:
            owned = self._pronoun(owner)
            if owned:
                country = owned[0].country
                sector = sector or HOME_NOUNS[lower]
        if not terms and name is None and head.lemma_.lower() in self.memory.by_head \
                and any(t.dep_ == "det" and t.lower_ in DEFINITE for t in tokens):
            country, sector = self.memory.by_head[head.lemma_.lower()]  # "the officer": the one named before
        if country is None and shared_country and head.pos_ in ("NOUN",):
            country = shared_country
        if country is None and (sector or name is not None or head.pos_ == "PROPN"):
            # "security forces in Guinea", "rebels in the Ivory Coast", "the Esfahan facilities in central Iran"
            country = self._located_in(head)
        elif any(t.lower_ == "ethnic" for t in tokens):
            # "ethnic Albanians in south Serbia", "killed three ethnic Albanians in southeastern Serbia":
            # members of a people live where they are, not in the country named after the people; with
            # no place named, in the country the story is about ("ethnic Albanians" in a story on Macedonia)
            located = self._located_in(head) or self._located_in(_clause_verb(head))
            home = self.memory.home_country
            if located is None and home is not None and home != country:
                self.assumed_country.add((span.start_char, span.end_char))
            country = located or home or country
        if country is None and sector is not None:
            country = self.memory.home_country  # an unqualified domestic actor of the story's country
            if country is not None:
                self.assumed_country.add((span.start_char, span.end_char))
        if name is not None and (country or sector):
            self._remember_person(name, country, sector)
        code = code or self.knowledge.org_codes.get((country, sector))  # Juncker: IGO + EC is IGOEUREC
        actor = Actor(text=span.text, code=actor_code(country, sector, code), country=country, sector=sector,
                      start=span.start_char, end=span.end_char)
        if name is not None and (name.start <= head.i < name.end or name.root.dep_ not in NAME_MODIFIER_DEPS):
            # (a person, "the gunman, Juan Perez"; not "the Chavez administration", "Nisman's death")
            self.memory.people_at[span.start_char] = actor  # (coded or not: "him" may be someone we cannot code)
        if name is not None or person is not None:
            self.memory.last_person = actor if actor.is_resolved else self.memory.last_person
        elif actor.is_resolved and head.tag_ in ("NN", "NNP") and sector != "MED":
            self.memory.last_actor = actor  # (a news outlet quoted is not what a later "it" stands for)
        if sector is not None and head.i in self.terms_at and head.pos_ == "NOUN":
            self.memory.by_head[head.lemma_.lower()] = (country, sector)
        return [actor]

    def _leads_an_unknown_body(self, title: Span) -> bool:
        """Is a leader's title followed by a named body no dictionary knows ("Michael Shifter, president of the
        Inter-American Dialogue", "director of IBI Consultants")? A post there is no government post."""
        if normalize_phrase(title.text) not in LEADER_TITLES:
            return False
        for tok in title:
            for prep in tok.children:
                body = dependent(prep, "pobj") if prep.dep_ == "prep" and prep.lower_ == "of" else None
                if body is not None and body.ent_type_ == "ORG" and body.i not in self.terms_at:
                    return True
        return False

    def _names_a_language(self, span: Span) -> bool:
        """Is a demonym the name of a language ("in Spanish", "translated from Arabic", "the Portuguese
        original", "a Spanish-language daily")? (A language takes no article: "withdrew from the Syrian [side]".)"""
        root = span.root
        after = span.doc[span.end] if span.end < len(span.doc) else None
        return root.ent_type_ == "LANGUAGE" \
            or _hyphenated_word_after(self.text, span.end_char) in ("language", "speaking") \
            or (root.dep_ == "pobj" and root.head.lower_ in ("in", "from", "into")
                and not any(c.dep_ == "det" for c in root.children)) \
            or (after is not None and after.lemma_.lower() in self.language_nouns)

    def _names_a_street(self, span: Span) -> bool:
        """Is the country word the name of a street ("Palestine Street"; not "a Syrian road", unless the story is
        lower-cased news, where "kanak road" is all one can see)?"""
        after = span.doc[span.end] if span.end < len(span.doc) else None
        return after is not None and after.lower_ in self.street_nouns \
            and (after.is_title or self.lower_cased)

    def is_a_state(self, actor: Actor) -> bool:
        """Is the phrase just a state's name ("Yemen", "the United States"), not its people ("five Mexicans")
        nor something of it ("Algeria's elections")?"""
        span = self.doc.char_span(actor.start, actor.end) if actor.start is not None else None
        term_span = self.terms_at.get(span.root.i) if span is not None else None
        return term_span is not None and term_span.end_char == actor.end \
            and self.term_of[term_span.start].kind in ("country", "capital", "government")

    def implicit(self, sector: str) -> Actor:
        """The unnamed doer of an act that only one kind of actor performs ("were arrested")."""
        country = self.memory.home_country
        return Actor(text="", code=actor_code(country, sector, None), country=country, sector=sector,
                     start=None, end=None)

    def is_named_actor_term(self, token: Token) -> bool:
        """Does the token belong to a name of a country, people, organization or person (not a role
        word such as "official")?"""
        span = self.terms_at.get(token.i)
        return span is not None and self.term_of[span.start].kind != "agent"

    def is_country_term(self, token: Token) -> bool:
        """Does the token name a country or its capital ("Bosnia", "Baku")?"""
        span = self.terms_at.get(token.i)
        return span is not None and self.term_of[span.start].kind in ("country", "capital")

    def is_actor_like(self, head: Token) -> bool:
        """Does the head word itself name a participant (not e.g. "support" in "support of X", "each"
        in "each of the providers")?"""
        if self.is_partitive(head):
            return False
        return (head.i in self.terms_at or head.i in self.person_at or head.pos_ in ("PROPN", "PRON")
                or head.lower_ in PLURAL_PRONOUNS)

    def is_partitive(self, head: Token) -> bool:
        """"dozens of supporters", "each of the providers": a part or count of the members its "of" names."""
        return head.lemma_.lower() in self.partitives and any(c.dep_ == "prep" and c.lower_ == "of"
                                                               for c in head.children)

    def _cased_like_a_name(self, token: Token) -> bool:
        """Capitalized, unless the story is lower-cased news: in "the gang truce" no person is named."""
        return token.is_title or token.is_upper or self.lower_cased

    def _title_before(self, span: Span) -> ActorTerm | None:
        """The title (a sector word) directly before a name, past initials and a bracketed qualifier."""
        i = span.start - 1
        if i >= 0 and self.doc[i].text == ")":
            while i >= 0 and self.doc[i].text != "(":
                i -= 1
            i -= 1
        while i >= 0 and _is_initial(self.doc[i]):
            i -= 1  # an initial the parser split off the name
        term_span = self.terms_at.get(i)
        if term_span is None or term_span.end - 1 != i:
            return None
        term = self.term_of[term_span.start]
        return term if term.kind == "agent" and term.sector else None

    def _located_in(self, head: Token) -> str | None:
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ in ("in", "inside"):
                for tok in prep.subtree:
                    span = self.terms_at.get(tok.i)
                    if span is not None:
                        term = self.term_of[span.start]
                        if term.kind in ("country", "capital") and term.country:
                            return term.country
        return None

    def refers_back(self, head: Token | None) -> bool:
        """Is the phrase a reference to participants named earlier ("they", "the two sides")?"""
        if head is None:
            return False
        return head.pos_ == "PRON" or head.lower_ in PLURAL_PRONOUNS \
            or self._is_group_reference(head, self.phrase_tokens(head))

    def _is_group_reference(self, head: Token, tokens: list[Token]) -> bool:
        if head.lemma_.lower() not in GROUP_NOUNS or head.tag_ not in ("NNS", "NNPS"):
            return False
        return any(t.lower_ in ("two", "both") for t in tokens)

    def _pronoun(self, tok: Token) -> list[Actor]:
        lower = tok.lower_
        if lower in REFLEXIVE_PRONOUNS and tok.dep_ != "nsubj":
            # "Iraq had attacked themselves": a reflexive object is its own clause's subject
            subject = dependent(_clause_verb(tok), "nsubj")
            return self.resolve(subject) if subject is not None and subject.i != tok.i else []
        own_clause = _shared_subject_verbs(tok) if tok.dep_ in OBJECT_DEPS and lower in SINGULAR_PRONOUNS else ()
        not_subject: list[Actor] = []
        for anc in tok.ancestors:
            # "organizations which continue their attacks": inside a relative clause the pronoun
            # refers to the noun the clause describes
            # (not "assets they lost", whose subject is the pronoun itself: the noun is what they lost)
            if anc.dep_ == "relcl" and anc.head.pos_ in ("NOUN", "PROPN") and any(
                    c.dep_ in ("nsubj", "nsubjpass") and c.tag_ in ("WDT", "WP") for c in anc.children):
                return self.resolve(anc.head)
            if anc.i in own_clause:
                # "Trump called Erdogan and urged him to ...": an object pronoun that is not reflexive is
                # someone other than its own clause's subject
                subject = next((c for c in anc.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                not_subject += self.resolve(subject) if subject is not None else []
                continue
            # "Russia said it would ...", "the rebels said they attacked": in a reported clause the
            # pronoun is the speaker
            if anc.dep_ in ("ccomp", "xcomp", "advcl", "conj") or anc.i == tok.head.i:
                continue
            subject = next((c for c in anc.children if c.dep_ in ("nsubj", "nsubjpass")
                            and c.i != tok.i and c.pos_ != "PRON"), None)
            if subject is not None:
                named = self.resolve(subject)
                found = [a for a in named if a.is_resolved]
                if lower in PLURAL_PRONOUNS and tok.dep_ in OBJECT_DEPS and len(found) == 1 \
                        and self.is_a_state(found[0]):
                    break  # "Kenya said ... police expelled them": a state acted on is "it", not "them"
                if found and (lower not in SINGULAR_PRONOUNS or len(found) == 1):
                    return found
                if not found and len(named) == 1 and subject.pos_ in ("NOUN", "PROPN") \
                        and tok.head.dep_ == "ccomp" and tok.head.head.i == anc.i:
                    return named  # "the agency said it is skeptical": a speaker we cannot code is still the one
                break
        if lower in FIRST_PERSON:
            return []  # outside a quote with a named speaker, "we" is nobody we can code
        if lower in SINGULAR_PRONOUNS and not_subject:
            return self._person_before(tok, not_subject)
        if lower in SINGULAR_PRONOUNS and self.memory.last_person is not None:
            return [self.memory.last_person]
        if lower in PLURAL_PRONOUNS and tok.dep_ in ("nsubj", "nsubjpass"):
            previous = self._previous_plural_subject(tok)
            if previous:
                return previous
        if lower in PLURAL_PRONOUNS and self.memory.last_group:
            return list(self.memory.last_group)
        if lower in NEUTER_PRONOUNS and self.memory.last_actor is not None and tok.dep_ in ("nsubj", "poss"):
            return [self.memory.last_actor]
        return []

    def _person_before(self, tok: Token, not_these: list[Actor]) -> list[Actor]:
        """The person named last before ``tok`` who is none of ``not_these``."""
        surnames = {a.text.lower().split()[-1] for a in not_these if a.text}
        before = [a for start, a in sorted(self.memory.people_at.items())
                  if start < tok.idx and a.text.lower().split()[-1] not in surnames]
        return before[-1:]

    def _previous_plural_subject(self, tok: Token) -> list[Actor]:
        """"The policemen were outnumbered. They opened fire.": a subject "they" continues the previous
        sentence's plural subject, when that names a participant."""
        start = tok.sent.start
        if start == 0:
            return []
        previous = self.doc[start - 1].sent
        for t in previous:
            if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT" and t.i in self.terms_at \
                    and (t.tag_ in ("NNS", "NNPS") or t.lower_ in COLLECTIVE_NOUNS):
                return [a for a in self.resolve(t) if a.is_resolved]
        return []

    # ------------------------------------------------------------------ people
    def _recall_person(self, name: Span) -> tuple[str | None, str | None] | None:
        for key in (name.text.lower(), name[-1].lower_):
            if key in self.memory.people:
                return self.memory.people[key]
        return None

    def _remember_person(self, name: Span, country: str | None, sector: str | None) -> None:
        value = (country, sector)
        self.memory.people.setdefault(name.text.lower(), value)
        self.memory.people.setdefault(name[-1].lower_, value)

    def _name_after(self, i: int) -> Span | None:
        """The name a title at ``i - 1`` is followed by, past a bracketed qualifier: "police commissioner
        h.t. sangliana said", "deputy commissioner of police (zone one) vinod lokhande,"."""
        doc = self.doc
        if i < len(doc) and doc[i].text == "(":
            close = next((j for j in range(i, min(i + 8, len(doc))) if doc[j].text == ")"), None)
            if close is None:
                return None
            i = close + 1
        start = i
        while i < len(doc) and i - start < 6 and i not in self.terms_at and (
                _is_initial(doc[i]) or (doc[i].text == "." and i > start and _is_initial(doc[i - 1]))
                or (doc[i].is_alpha and doc[i].pos_ in ("PROPN", "NOUN") and doc[i].tag_ != "NNS"
                    and not doc[i].is_stop and doc[i].ent_type_ not in ("DATE", "TIME")
                    and self._cased_like_a_name(doc[i]))):
            i += 1  # ("h.t" "." "sangliana": the tokenizer may split an initial's period off)
        # a name ends the phrase: what follows is punctuation or the verb ("... sangliana said")
        if i == start or not doc[i - 1].is_alpha or _is_initial(doc[i - 1]) or (
                i < len(doc) and not (doc[i].is_punct or doc[i].pos_ in ("VERB", "AUX"))):
            return None
        return doc[start:i]

    def learn_titles(self) -> None:
        """Pre-pass over the story: remember every titled person, so that "Lavrov" resolves even
        where the titled mention is not itself an event participant. In lower-cased text, where the
        NER finds no people, a name is what directly follows a title."""
        for start, term in self.term_of.items():
            title = self.terms_at[start]
            if term.kind == "agent" and term.sector and not _describes_next_noun(title[-1]):
                name = self._name_after(title.end)
                if name is not None:
                    self._remember_person(name, self.memory.home_country, term.sector)
                    # "the commissioner" later is the titled person first named
                    self.memory.by_head.setdefault(title[-1].lemma_.lower(), (self.memory.home_country, term.sector))
        for start, term in self.term_of.items():
            # a known person in a role on the story's date (after the titles, which say more): "Joaquin 'El
            # Chapo' Guzman", then "Chapo"
            if term.kind == "person" and term.sector and len(self.terms_at[start]) > 1:
                self._remember_person(self.terms_at[start], term.country, term.sector)
        for ent in self.doc.ents:
            if ent.label_ != "PERSON":
                continue
            head = ent.root
            while head.dep_ in ("compound", "appos", "flat", "conj") and head.head.i != head.i \
                    and head.head.pos_ in ("NOUN", "PROPN") and abs(head.head.i - head.i) <= 6:
                head = head.head
            saved = (self.memory.last_person, self.memory.last_group)
            self._resolve_one(head)
            self.memory.last_person, self.memory.last_group = saved


def _formerly(head: Token, tokens: list[Token], terms: list[Span]) -> bool:
    """"former vice president Jorge Glas", "the ex-army chief": who held a post is one of the elite (CAMEO ELI), no
    longer of the government ("the former Soviet republic's president" holds his)."""
    return any(t.lower_ in FORMER_WORDS and (t.head.i == head.i or any(s.start <= t.head.i < s.end for s in terms))
               for t in tokens)


def _describes_next_noun(word: Token) -> bool:
    """Is a title word an adjective of the common noun after it ("his official car"), not a title before
    a name ("vice-president giriraj kishore", where the tagger may call "president" an adjective too)?"""
    return word.pos_ == "ADJ" and word.head.i == word.i + 1 and word.head.pos_ == "NOUN"


def _inside_another_name(span: Span, own_words: frozenset[str]) -> bool:
    """Is a one-word known name ("Howard", "Chavez") joined, in one person's name, to a capitalized word that
    is none of the known person's names ("George Herbert Walker Bush" is still Bush)?"""
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    before = doc[span.start - 1] if span.start > 0 else None
    return (after is not None and after.ent_iob_ == "I" and after.ent_type_ == "PERSON"
            and after.is_title and after.is_alpha and after.lower_ not in own_words) or (
        before is not None and span[0].ent_iob_ == "I" and span[0].ent_type_ == "PERSON"
        and before.is_title and before.is_alpha and before.lower_ not in own_words)


def names_a_side_taken(text: str, start: int, end: int) -> bool:
    """Does the country named at text[start:end] name whom the phrase supports or opposes, or who backs
    it ("pro-Russia", "anti-American", "Iranian-backed"), rather than its own country?"""
    return text[max(0, start - 5):start].lower().endswith(("pro-", "anti-")) \
        or _hyphenated_word_after(text, end) in SIDE_TAKING_PARTICIPLES


def _hyphenated_word_after(text: str, end: int) -> str | None:
    """The word joined by a hyphen to the one ending at ``end``, lower-cased ("backed" in "Iranian-backed")."""
    match = HYPHENATED_WORD.match(text, end)
    return match[1].lower() if match is not None else None


def _is_list_member(token: Token) -> bool:
    """"The US, Russia, and Switzerland": the parser may make the second item an apposition of the
    first; an apposition of the same kind of name as its head (not a name after a title: "Foreign
    Minister, Sergey Lavrov, and ...") that is followed by "and" and a conjunct is the next item of a list."""
    return token.dep_ == "appos" and bool(token.ent_type_) and token.ent_type_ == token.head.ent_type_ \
        and any(c.dep_ == "cc" for c in token.children) and any(c.dep_ == "conj" for c in token.children)


def _is_initial(token: Token) -> bool:
    """An initial of a name: "d", "h.t.", "mk" (two letters, not a word such as "of")."""
    letters = token.text.replace(".", "")
    return letters.isalpha() and (len(letters) == 1 or (len(letters) <= 3 and "." in token.text)
                                  or (len(letters) == 2 and not token.is_stop))


def _inside_phrase(prep: Token) -> bool:
    """Does a prepositional phrase belong to the noun phrase: "Minister of Defence", "rebels from Homs", a
    name's own ("the Department for International Development"), an adjective's ("militants loyal to X")?
    Not a clause ("barred X from holding office", "accused the BJP of fuelling tension"), and after a
    person's or country's name only where someone is from or of ("Sajid Mir of Lashkar-e-Taiba"), not
    where or how they act ("Evo Morales in virtue of ...", "Trump in Washington")."""
    if any(c.dep_ == "pcomp" for c in prep.children):
        return False
    if _ends_a_name(prep.head) and prep.lower_ not in AFFILIATION_PREPS:
        return False
    if prep.lower_ in PHRASE_PREPS:
        return True
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if obj is None or obj.ent_type_ in ("DATE", "TIME"):
        return False  # (not "the United Nations on Tuesday")
    in_name = prep.head.pos_ == "PROPN" and prep.head.is_title and obj.pos_ == "PROPN" and obj.is_title
    return in_name or (prep.head.dep_ == "amod" and prep.head.pos_ == "ADJ")


def _ends_a_name(token: Token) -> bool:
    """Is the token the last word of a person's or country's name (which a following phrase is not part of)?"""
    return token.ent_type_ in ("PERSON", "GPE") and (token.i + 1 == len(token.doc) or token.nbor().ent_iob_ != "I")


def _shared_subject_verbs(token: Token) -> set[int]:
    """The verb a word depends on and the verbs that share its subject: those it is conjoined to ("called X
    and urged him"), and, for a clause with no subject of its own, the verb it adverbially modifies ("filed
    a lawsuit against X, accusing him") or completes with no object between ("tried to stop him")."""
    verb = _clause_verb(token)
    verbs = {verb.i}
    while verb.head.i != verb.i and _has_its_heads_subject(verb):
        verb = verb.head
        verbs.add(verb.i)
    return verbs


def _has_its_heads_subject(verb: Token) -> bool:
    """Is the verb's subject the one of the verb it hangs on (a conjunct, or a clause with no subject)?"""
    if verb.dep_ == "conj":
        return True
    if verb.dep_ not in ("advcl", "xcomp") or any(c.dep_.startswith("nsubj") for c in verb.children):
        return False
    # ("urged Erdogan to meet him": an object between makes the object the one who meets)
    return verb.dep_ == "advcl" or not any(c.dep_ == "dobj" for c in verb.head.children)


def _clause_verb(token: Token) -> Token:
    """The verb of the clause a noun phrase belongs to."""
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token


def actor_code(country: str | None, sector: str | None, org_code: str | None) -> str | None:
    """CAMEO-style actor code: an organisation's own code, else country + sector ("SYRGOV")."""
    if org_code:
        return org_code
    if country is None and sector is None:
        return None
    return f"{country or ''}{sector or ''}"
