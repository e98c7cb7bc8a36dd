"""Event triggers and their participants.

A spaCy ``Matcher`` built from data/events.yaml finds trigger words (verb lemmas, noun lemmas,
multiword forms). For each trigger the pattern's conditions (object, context) are checked on the
parse, the most specific pattern wins, and the participants are read off the dependency tree:
the subject (or the "by" agent of a passive) is the actor, the roles the pattern names give the
recipient. Framing verbs ("threatened to", "refused to", "urged X to") recode the event they frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from .knowledge import EventPattern, Knowledge

SUBJECTS = {"nsubj", "csubj"}
PASSIVE_SUBJECTS = {"nsubjpass", "csubjpass"}
# How a verb without its own subject inherits one from the verb it hangs from.
INHERIT_SUBJECT = {"xcomp", "conj", "advcl", "pcomp", "acomp"}
FRAMED = {"xcomp", "ccomp"}
ACTOR_POS = {"NOUN", "PROPN", "PRON"}


@dataclass
class Trigger:
    """A matched trigger: the pattern, its head token and the matched words."""

    pattern: EventPattern
    head: Token
    span: Span
    specificity: int


class TriggerFinder:
    def __init__(self, vocab: Vocab, knowledge: Knowledge):
        self.knowledge = knowledge
        self.matcher = Matcher(vocab)
        self.patterns: dict[str, EventPattern] = {}
        for pattern in knowledge.patterns:
            token_patterns = []
            for phrase in pattern.verbs:
                first, *rest = phrase.split()
                token_patterns.append([{"LEMMA": first, "POS": {"IN": ["VERB", "AUX"]}}]
                                      + [{"LOWER": w} for w in rest])
            for phrase in pattern.nouns:
                *rest, last = phrase.split()
                token_patterns.append([{"LOWER": w} for w in rest]
                                      + [{"LEMMA": last, "POS": {"IN": ["NOUN", "PROPN"]}}])
            self.matcher.add(pattern.id, token_patterns)
            self.patterns[pattern.id] = pattern
        self.object_control = set(knowledge.modality["object_control"])
        # A framing verb frames whatever pattern matched it: "threatened to shell" is a threat even
        # where the more specific 138 pattern won the trigger.
        self.governs_by_lemma: dict[str, str] = {}
        for pattern in knowledge.patterns:
            if pattern.governs:
                for phrase in pattern.verbs:
                    self.governs_by_lemma.setdefault(phrase.split()[0], pattern.governs)

    def find(self, doc: Doc) -> list[Trigger]:
        """The winning trigger for each trigger head in the doc, in text order."""
        best: dict[int, Trigger] = {}
        for match_id, start, end in self.matcher(doc):
            pattern = self.patterns[doc.vocab.strings[match_id]]
            span = doc[start:end]
            head = span.root if not pattern.verbs or span[0].pos_ not in ("VERB", "AUX") else span[0]
            if not self._conditions_hold(pattern, head):
                continue
            specificity = 2 * (bool(pattern.object) + bool(pattern.context)) + (end - start)
            current = best.get(head.i)
            if current is None or (specificity, pattern.weight) > (current.specificity, current.pattern.weight):
                best[head.i] = Trigger(pattern, head, span, specificity)
        return [best[i] for i in sorted(best)]

    # ------------------------------------------------------------------ conditions
    def _conditions_hold(self, pattern: EventPattern, head: Token) -> bool:
        if pattern.object and not _has_object(head, pattern.object):
            return False
        if pattern.context and not _has_context(head, pattern.context):
            return False
        return True

    # ------------------------------------------------------------------ participants
    def subject_of(self, head: Token, depth: int = 0) -> tuple[Token | None, bool]:
        """The actor head of a trigger and whether the clause is passive (its subject is the target)."""
        if depth > 6:
            return None, False
        if head.pos_ in ("NOUN", "PROPN"):
            return self._noun_actor(head, depth)
        for child in head.children:
            if child.dep_ in SUBJECTS:
                return _relative_antecedent(child), False
        for child in head.children:
            if child.dep_ in PASSIVE_SUBJECTS:
                agent = _agent(head)
                return agent, True
        if head.dep_ == "relcl":
            return head.head, False
        if head.dep_ == "xcomp" and head.head.lemma_ in self.object_control:
            obj = _child(head.head, "dobj")
            if obj is not None:
                return obj, False
        if head.dep_ == "acl":
            owner = _child(head.head, "poss")
            if owner is not None:
                return owner, False
            return self.subject_of(head.head, depth + 1)
        if head.dep_ in INHERIT_SUBJECT or (head.dep_ == "pobj" or head.head.dep_ == "prep"):
            return self.subject_of(head.head, depth + 1)
        if head.dep_ in ("prep", "pobj", "dobj"):
            return self.subject_of(head.head, depth + 1)
        return None, False

    def _noun_actor(self, noun: Token, depth: int) -> tuple[Token | None, bool]:
        owner = _child(noun, "poss")
        if owner is not None:
            return owner, False
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ == "by":
                obj = _child(prep, "pobj")
                if obj is not None:
                    return obj, False
        for child in noun.children:
            if child.dep_ == "compound" and child.pos_ == "PROPN" and child.ent_type_ in ("GPE", "NORP", "ORG"):
                return child, False
        if noun.dep_ in ("nsubj", "ROOT"):
            return None, False
        if noun.head.i != noun.i:
            return self.subject_of(noun.head, depth + 1)
        return None, False

    def recipient_heads(self, trigger: Trigger, roles: list[str]) -> list[Token]:
        """Candidate recipient heads in the order of the pattern's roles."""
        head = trigger.head
        places = [head]
        obj = _child(head, "dobj")
        if obj is not None:
            # "expressed gratitude to Russia", "discussed the crisis with Jordan": the parser often
            # hangs the preposition on the object
            places.append(obj)
        out: list[Token] = []
        for role in roles:
            for place in places:
                if role == "dobj":
                    out += [c for c in place.children if c.dep_ == "dobj" and c.pos_ in ACTOR_POS]
                elif role == "dative":
                    for c in place.children:
                        if c.dep_ == "dative":
                            out.append(_child(c, "pobj") or c if c.pos_ == "ADP" else c)
                elif role == "poss":
                    out += [c for c in place.children if c.dep_ == "poss"]
                elif role.startswith("prep:"):
                    word = role[5:]
                    for c in place.children:
                        if c.dep_ in ("prep", "dative", "agent") and c.lower_ == word:
                            obj = _child(c, "pobj")
                            if obj is not None:
                                out.append(obj)
        return [t for t in out if t is not None]


def _child(token: Token, dep: str) -> Token | None:
    for child in token.children:
        if child.dep_ == dep:
            return child
    return None


def _agent(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            return _child(child, "pobj")
    return None


def _relative_antecedent(subject: Token) -> Token:
    """"organizations which continue attacks": the subject "which" stands for "organizations"."""
    if subject.tag_ in ("WDT", "WP") and subject.head.dep_ == "relcl":
        return subject.head.head
    return subject


def _matches_words(tokens, words: list[str]) -> bool:
    single = {w for w in words if " " not in w}
    multi = [w for w in words if " " in w]
    for tok in tokens:
        if tok.lemma_.lower() in single or tok.lower_ in single:
            return True
    if multi:
        text = " ".join(t.lower_ for t in tokens)
        lemmas = " ".join(t.lemma_.lower() for t in tokens)
        return any(w in text or w in lemmas for w in multi)
    return False


def _has_object(head: Token, words: list[str]) -> bool:
    """The trigger's object: its direct object, an open-clause verb ("agreed to cooperate"), or for
    nouns and prepositional verbs the object of its preposition ("concern over", "call for talks")."""
    candidates = []
    for child in head.children:
        if child.dep_ in ("dobj", "xcomp", "attr", "oprd", "nsubjpass"):
            candidates.append(child)
        elif child.dep_ in ("prep", "prt", "dative"):
            obj = _child(child, "pobj")
            if obj is not None:
                candidates.append(obj)
    for right in head.rights:
        if right.dep_ in ("prep",) and _child(right, "pobj") is not None:
            candidates.append(_child(right, "pobj"))
    for cand in candidates:
        # the object's head noun and its compounds ("aid deliveries"), never deeper modifiers
        # ("welcomed the president's statement" does not host the president)
        core = [t for t in cand.subtree if t.i == cand.i or (t.head.i == cand.i and t.dep_ in ("compound", "amod"))
                or (t.head.i == cand.i and t.dep_ == "prep" and t.lower_ == "of")
                or (t.head.head.i == cand.i and t.head.dep_ == "prep" and t.head.lower_ == "of")]
        if _matches_words(core, words):
            return True
    return False


def _has_context(head: Token, words: list[str]) -> bool:
    tokens = []
    for child in head.children:
        if child.dep_ in ("ccomp", "advcl", "relcl", "parataxis"):
            continue
        tokens.extend(child.subtree)
    return _matches_words(tokens, words)
