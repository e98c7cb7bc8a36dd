"""Event triggers and their participants.

A spaCy ``Matcher`` built from data/events.yaml finds trigger words (verb lemmas, noun lemmas,
multiword forms). For each trigger the pattern's conditions (object, context) are checked on the
parse, the most specific pattern wins, and the participants are read off the dependency tree:
the subject (or the "by" agent of a passive) is the actor, the roles the pattern names give the
recipient. Framing verbs ("threatened to", "refused to", "urged X to") recode the event they frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from .knowledge import EventPattern, Knowledge
from .nlp import term_span_at

SUBJECTS = {"nsubj", "csubj"}
NAMED_ACTORS = ("ORG", "NORP", "GPE", "PERSON")  # entity labels of names that can act
PASSIVE_SUBJECTS = {"nsubjpass", "csubjpass"}
# How a verb without its own subject inherits one from the verb it hangs from.
INHERIT_SUBJECT = {"xcomp", "conj", "advcl", "pcomp", "acomp"}
FRAMED = {"xcomp", "ccomp"}
NOUN_MODIFIERS = ("compound", "amod", "nmod")
FINITE_TAGS = {"VBD", "VBZ", "VBP"}
ACTOR_POS = {"NOUN", "PROPN", "PRON"}
NOT_PEOPLE_COUNTS = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}
FORCE_ROOTS = ("18", "19", "20")  # CAMEO roots of force: assault, fight, mass violence
TIMES = ("DATE", "TIME")
JUDGING_ROOTS = ("05", "11", "12")  # CAMEO roots that judge an act: approve, disapprove, reject


@dataclass
class Trigger:
    """A matched trigger: the pattern, its head token and the matched words."""

    pattern: EventPattern
    head: Token
    span: Span
    specificity: int


class TriggerFinder:
    """Finds trigger words with one ``PhraseMatcher`` over lemmas: its cost does not grow with the
    number of patterns, so the dictionaries can grow without slowing the coder down."""

    def __init__(self, nlp: Language, knowledge: Knowledge):
        self.knowledge = knowledge
        self.matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.patterns: dict[str, EventPattern] = {}
        lemmatize = _phrase_lemmatizer(nlp)
        verb_lemmas = _verb_lemmas({_words(p)[0] for pattern in knowledge.patterns for p in pattern.verbs},
                                   lemmatize)
        for pattern in knowledge.patterns:
            self.patterns[pattern.id] = pattern
            # (a hyphenated word is three tokens in running text: "cane - charged")
            if pattern.verbs:  # the first word is given as a lemma, the rest as written
                self.matcher.add(f"{pattern.id}|VERB", [
                    Doc(nlp.vocab, words=w, lemmas=[verb, *lemmatize(w[1:])]) for w in map(_words, pattern.verbs)
                    for verb in verb_lemmas[w[0]]])
            if pattern.nouns:  # the last word is given as a lemma
                self.matcher.add(f"{pattern.id}|NOUN", [
                    Doc(nlp.vocab, words=w, lemmas=[*lemmatize(w[:-1]), w[-1]]) for w in map(_words, pattern.nouns)])
        self.idioms = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.idioms.add("idiom", [nlp.make_doc(phrase) for phrase in knowledge.modality["idioms"]])
        self.object_control = knowledge.modality["object_control"]
        self.light_verbs = knowledge.modality["light_verbs"]
        self.authority_verbs = knowledge.modality["authority_verbs"]
        self.background_preps = knowledge.modality["background_preps"]
        self.fired_from_verbs = knowledge.modality["fired_from_verbs"]
        self.undergo_verbs = knowledge.modality["undergo_verbs"]
        self.casualty_verbs = knowledge.modality["casualty_verbs"]
        self.prevention_verbs = knowledge.modality["prevention_verbs"]
        self.partitives = knowledge.modality["partitive_nouns"]
        self.event_nouns = {p.split()[-1] for pattern in knowledge.patterns for p in pattern.nouns}
        self.force_verbs = {p.split()[0] for pattern in knowledge.patterns if pattern.cameo[:2] in FORCE_ROOTS
                            for p in pattern.verbs}  # "opened fire", "shelled": acts of force
        self.event_noun_phrases = {p for pattern in knowledge.patterns for p in pattern.nouns if " " in p}
        # verbs that judge an act (approve, disapprove, reject: CAMEO 05, 11, 12): "the attack was condemned by X"
        # (single words that judge by themselves: not "take" of "take issue with", nor "sign" of "sign an accord")
        self.judging_verbs = {p for pattern in knowledge.patterns if pattern.cameo[:2] in JUDGING_ROOTS
                              and not pattern.object for p in pattern.verbs if " " not in p}
        # single words that name an actor ("police" in "police firing", not "air" in "air strike")
        self.actor_words = {phrase for phrase in knowledge.actor_terms if " " not in phrase}
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
        in_idioms = {i for _, start, end in self.idioms(doc) for i in range(start, end)}
        for match_id, start, end in self.matcher(doc):
            if start in in_idioms or end - 1 in in_idioms:
                continue  # "as opposed to", "needless to say"
            pattern_id, pos = doc.vocab.strings[match_id].rsplit("|", 1)
            pattern = self.patterns[pattern_id]
            span = doc[start:end]
            if pos == "VERB":  # (the verb of "cane-charged" is its last part)
                head = span[0] if span[0].pos_ in ("VERB", "AUX") or len(span) < 3 or span[1].text != "-" else span[2]
                if head.pos_ not in ("VERB", "AUX") or _infinitive_inside(span, head):
                    continue
            else:
                head = span[-1]
                if head.pos_ not in ("NOUN", "PROPN"):
                    continue
            if not self._conditions_hold(pattern, head):
                continue
            specificity = 2 * (bool(pattern.object) + bool(pattern.context) + bool(pattern.purpose)
                               + pattern.takes_clause) + (end - start)
            current = best.get(head.i)
            if current is None or (specificity, pattern.weight) > (current.specificity, current.pattern.weight):
                best[head.i] = Trigger(pattern, head, span, specificity)
        # a single word inside a longer trigger is part of it ("free" in "let free"), not a trigger of its own
        inside = {t.i for trig in best.values() for t in trig.span if t.i != trig.head.i}
        return [best[i] for i in sorted(best) if i not in inside or len(best[i].span) > 1]

    # ------------------------------------------------------------------ conditions
    def _conditions_hold(self, pattern: EventPattern, head: Token) -> bool:
        if pattern.takes_clause and not any(c.dep_ == "ccomp" for c in head.children) \
                and not _clause_on_prepositional_object(head):
            return False
        if pattern.needs_to and not any((c.dep_ == "prep" and c.lower_ == "to") or is_infinitive(c)
                                        for c in head.children):
            return False
        if pattern.voice and head.pos_ in ("VERB", "AUX"):
            deps = {c.dep_ for c in head.children}
            if any(_object_parsed_as_adverb(c) for c in head.children):
                deps.add("dobj")  # "returned to Brazil last Wednesday 21 frogs"
            if pattern.voice == "intransitive":
                if deps & {"dobj", "ccomp", "auxpass", "nsubjpass"} or is_passive_participle(head):
                    return False
            elif pattern.voice == "active":
                if "dobj" not in deps or deps & {"auxpass", "nsubjpass"} or is_passive_participle(head):
                    return False
            elif not deps & ({"auxpass", "nsubjpass"} | ({"dobj"} if pattern.voice == "transitive" else set())):
                return False
        if pattern.object and pattern.voice == "passive":
            # the passive's object is its grammatical subject: "50 persons were held", not "talks were
            # held with the leaders"
            if not any(c.dep_ == "nsubjpass" and matches_words([c, *c.children], pattern.object)
                       for c in head.children):
                return False
        elif pattern.object and not _has_object(head, pattern.object):
            return False
        objects = [c for c in head.children if c.dep_ in ("dobj", "compound", "amod", "acomp")]
        if pattern.unless_object and matches_words(
                objects + passive_subjects(head)
                + [o for p in ("for", "of", "against") if (o := prep_object(head, p)) is not None]
                + [m for o in objects if (m := self.partitive_members(o)) is not None],  # "a lot of respect"
                pattern.unless_object):
            return False  # "fight corruption", "crime fighting", "the gate was locked up", "a search for a solution"
        if pattern.context and not _has_context(head, pattern.context) and not (
                head.dep_ == "dobj" and head.head.lemma_ in self.light_verbs
                and _has_context(head.head, pattern.context, skip=("nsubj", "nsubjpass"))):
            return False  # (the light verb carries the noun's phrases: "announced the deployment ... on a mission")
        if pattern.purpose and not any(is_purpose_clause(c) and purpose_words(c) & set(pattern.purpose)
                                       for c in head.children):
            return False
        return True

    # ------------------------------------------------------------------ participants
    def subject_of(self, head: Token, depth: int = 0) -> tuple[Token | None, bool]:
        """The actor head of a trigger and whether the clause is passive (its subject is the target)."""
        if depth > 6:
            return None, False
        if head.pos_ in ("NOUN", "PROPN"):
            return self._noun_actor(head, depth)
        if _subject_underwent(head):
            return self._passive_doer(head), True
        for child in head.children:
            if child.dep_ in SUBJECTS:
                if head.lemma_ in self.force_verbs and self._names_act(child) \
                        and (doer := self._named_doer(child)) is not None:
                    return doer, False  # "the attack by militants killed five": the militants did
                return _relative_antecedent(child), False
        for child in head.children:  # "police firing" parsed as a gerund
            if child.dep_ == "compound" and child.lower_ in self.actor_words:
                return child, False
        for child in head.children:
            if child.dep_ in PASSIVE_SUBJECTS:
                return self._passive_doer(head), True
        if dependent(head, "auxpass") is not None and (agent := self._doer_agent(head)) is not None:
            return agent, True  # "... and were released by Putin": a passive conjunct has its own doer
        if head.dep_ == "relcl":
            return head.head, False
        if is_passive_participle(head):  # "troops deployed in the city": the troops were deployed
            return self._passive_doer(head), True
        if _passive_sharing_a_subject(head):
            # "three persons are reported to have been injured in police firing", "curfew continued to be
            # imposed", "returned to crime and is now accused of laundering": the subject it shares
            # undergoes the act, whoever did it is named as in any passive
            return self._passive_doer(head), True
        if head.dep_ == "xcomp":
            # "urged Syria to withdraw": Syria withdraws; "police were asked to keep watch",
            # "policemen were seen patrolling": the passive subject acts
            controller = dependent(head.head, "nsubjpass")
            if controller is None and head.head.lemma_ in self.object_control:
                controller = dependent(head.head, "dobj")
            if controller is not None:
                return controller, False
        if depth == 0 and head.dep_ == "acl" and head.tag_ == "VBG" and dependent(head, "auxpass") is None \
                and self._can_act(head.head):
            # "police firing on the mob", "troops advancing on the town": the actor the participle describes
            # acts (a document does not: "issued a statement calling on X" is X's appeal; nor does one
            # reached through the participle: "people fleeing the fighting" do not fight)
            return head.head, False
        if head.dep_ == "acl" and head.head.dep_ == "ROOT" and head.head.pos_ in ("NOUN", "PROPN"):
            # "Multiple sources alleged to X that ...": a noun with no verb to hang on is the subject of the
            # main verb the parser took for a participle
            return head.head, False
        if head.dep_ == "acl":
            owner = dependent(head.head, "poss")
            if owner is not None:
                return owner, False
            actor, passive = self.subject_of(head.head, depth + 1)
            if passive and is_infinitive(head):
                # "an attempt to kill the governor was thwarted (by police)": what befell the noun says nothing
                # of who would do the act it names
                return None, False
            return actor, passive
        if head.dep_ == "conj":
            # "was indicted by the court and will resign": the one who resigns is the grammatical
            # subject of the first verb, not its "by" agent
            shared = dependent(head.head, "nsubjpass")
            if shared is not None:
                return shared, False
        if head.dep_ in INHERIT_SUBJECT or head.dep_ in ("prep", "pobj", "dobj") or head.head.dep_ == "prep":
            return self.subject_of(head.head, depth + 1)
        if head.dep_ == "ROOT" and head.tag_ in FINITE_TAGS and head.i > head.sent.start \
                and head.nbor(-1).pos_ in ("NOUN", "PROPN"):
            # a tensed main verb has a subject: where the parser found none ("..., superintendent of police
            # (south) b l soni said", a misparse of lower-cased news), it is the noun just before the verb
            return head.nbor(-1), False
        return None, False

    def _means_owner(self, verb: Token) -> Token | None:
        """"were killed in police firing", "died in an Israeli air strike": a passive without "by"
        whose means is an act (an event noun) with a named doer; or what was fired from a country."""
        for means in act_phrases(verb):
            if means.lower_ in self.actor_words and any(
                    c.dep_ in ("acl", "compound") and c.lemma_.lower() in self.event_nouns for c in means.children):
                return means  # "police firing" parsed as "police" + a participle
            if self._names_act(means):
                owner = self._owner_of_act(means)  # "in an air strike by government forces"
                if owner is not None:
                    return owner
        if verb.lemma_.lower() in self.fired_from_verbs:
            origin = prep_object(verb, "from")  # "a mortar bomb was fired at it from the Gaza Strip"
            if origin is not None and origin.ent_type_ in ("GPE", "LOC"):
                return origin
        for clause in verb.children:  # "one person was killed when the police fired 15 rounds"
            if clause.dep_ == "advcl" and clause.lemma_ in self.force_verbs and any(
                    c.dep_ == "advmod" and c.lower_ in ("when", "as") for c in clause.children):
                subject = dependent(clause, "nsubj")
                if subject is not None and subject.lower_ in self.actor_words:
                    return subject
                agent = _agent(clause)  # "... when their convoy was ambushed by al-Shabaab fighters"
                if agent is not None and self._can_act(agent):
                    return agent
        return None

    def _passive_doer(self, verb: Token) -> Token | None:
        """Who did what a passive tells: its "by" agent, else the doer of the act it happened in."""
        return self._doer_agent(verb) or self._means_owner(verb)

    def _doer_agent(self, verb: Token) -> Token | None:
        """A passive's "by" agent; where that is a weapon, who used it: "was blown up by a missile believed
        to be fired by pro-Russia rebels"."""
        agent = _agent(verb)
        if agent is None or self._can_act(agent):
            return agent
        return next((o for t in agent.subtree if t.dep_ == "agent" for o in t.children
                     if o.dep_ == "pobj" and self._can_act(o)), agent)

    def _names_act(self, noun: Token) -> bool:
        """Is the noun an event noun, or the first half of one the parser split ("in Israeli tank
        shelling" parsed as "tank" + a participle)?"""
        after = noun.doc[noun.i + 1] if noun.i + 1 < len(noun.doc) else None
        return noun.lemma_.lower() in self.event_nouns or (
            after is not None and noun.pos_ == "NOUN" and after.tag_ == "VBG" and after.lower_ in self.event_nouns)

    def _can_act(self, token: Token) -> bool:
        """Is the word an actor word or a name of someone who can act (not a weapon, not a document)?"""
        return token.lower_ in self.actor_words or token.ent_type_ in NAMED_ACTORS

    def _named_doer(self, noun: Token) -> Token | None:
        """The doer an event noun names: its possessor or its "by" phrase ("talks by telephone" name a means;
        "Sunday's bombing" a time)."""
        owner = dependent(noun, "poss")
        if owner is not None and owner.ent_type_ not in TIMES:
            return owner
        agent = prep_object(noun, "by")
        return agent if agent is not None and not self._is_means(agent) else None

    def _owner_of_act(self, noun: Token) -> Token | None:
        """Who an event noun says acted: its named doer or a modifier that names an actor."""
        owner = self._named_doer(noun)
        if owner is not None:
            return owner
        for child in noun.children:
            # "Israeli air strikes", "police firing": the modifier names who acted
            if child.dep_ in ("compound", "amod") and (child.ent_type_ in ("GPE", "NORP", "ORG")
                                                      or child.pos_ == "PROPN" or child.lower_ in self.actor_words) \
                    and f"{child.lower_} {noun.lemma_.lower()}" not in self.event_noun_phrases \
                    and not self._names_a_place(child):
                return child  # (but "military" is part of the act in "military operation")
        return None

    def _named_by_its_place(self, noun: Token) -> bool:
        return any(c.dep_ == "compound" and self._names_a_place(c) for c in noun.children)

    def _names_a_place(self, token: Token) -> bool:
        """Is the token (in) the name of a place that is no country: "the Mumbai attacks", "the Villavicencio
        killings" happened there ("US strikes" are the United States' own)?"""
        if token.ent_type_ not in ("GPE", "LOC", "FAC"):
            return False
        name = term_span_at(token)
        term = self.knowledge.term_named(name.text) if name is not None else None
        return term is None or term.kind not in ("country", "demonym", "organization")

    def _is_means(self, noun: Token) -> bool:
        """Does a "by" phrase name how, not who: "talks by telephone", "by force", "by decree"? A bare
        singular common noun that is no actor word does ("by police" is who)."""
        bare = not any(c.dep_ in ("det", "poss", "nummod", "compound") for c in noun.children)
        return bare and noun.tag_ == "NN" and not {noun.lemma_.lower(), noun.lower_} & self.actor_words

    def partitive_members(self, token: Token) -> Token | None:
        """What a part or count is of: "artifacts" in "dozens of artifacts", "respect" in "a lot of respect"."""
        return prep_object(token, "of") if token.lemma_.lower() in self.partitives else None

    def _noun_actor(self, noun: Token, depth: int) -> tuple[Token | None, bool]:
        ordered = noun.dep_ == "dobj" and noun.head.lemma_ in self.authority_verbs
        if ordered and (orderer := self.subject_of(noun.head, depth + 1))[0] is not None:
            return orderer
        owner = self._owner_of_act(noun)
        if owner is not None:
            return owner, False
        background = noun.dep_ == "pobj" and noun.head.lower_ in self.background_preps
        known_by_place = self._named_by_its_place(noun) and noun.head.lemma_ not in self.light_verbs
        # ("the trial is the result of an investigation": what the subject is, not what it did)
        predicate = noun.dep_ == "attr" and noun.head.lemma_ == "be"
        # ("police foiled an attack on the base", "the attempt was thwarted by guards": not the police's, nor the
        # guards')
        prevented = noun.dep_ in ("dobj", "nsubjpass") and noun.head.lemma_ in self.prevention_verbs
        # ("the attack was condemned by France": who judged the act did not do it; "on Friday's violence, the
        # minister said": an act known by its time is no act of whoever speaks of it)
        judged = noun.dep_ == "nsubjpass" and noun.head.lemma_ in self.judging_verbs
        dated = (time := dependent(noun, "poss")) is not None and time.ent_type_ in TIMES
        if noun.dep_ in ("nsubj", "ROOT") or judged or dated or background or self._undergoing_verb(noun) \
                or known_by_place or predicate or prevented:
            # (who acted "after the shooting" is not the subject of the sentence, nor who revived "the Geneva
            # talks", an act known by its place; "X carried out the Mumbai attacks": X did)
            return None, False
        if noun.head.i != noun.i:
            return self.subject_of(noun.head, depth + 1)
        return None, False

    def _undergoing_verb(self, noun: Token) -> Token | None:
        """The verb whose subject underwent the act: "survived an assassination attempt", "died in the
        blast" (the subject is no doer: "three soldiers died in a bomb blast")."""
        if noun.dep_ == "dobj" and noun.head.lemma_ in self.undergo_verbs:
            return noun.head
        if noun.dep_ == "acl" and noun.tag_ == "VBG" and noun.head.i == noun.i - 1 and dependent(noun, "dobj") is None:
            noun = noun.head  # "died in police firing", parsed "police [firing]": the act is the phrase
        prep = noun.head
        if noun.dep_ == "pobj" and prep.lower_ in ("in", "during", "from", "after") \
                and prep.head.lemma_ in self.casualty_verbs:
            return prep.head
        return None

    def recipient_heads(self, trigger: Trigger, roles: list[str]) -> list[Token]:
        """Candidate recipient heads in the order of the pattern's roles (first, who underwent the act)."""
        head = trigger.head
        verb = self._undergoing_verb(head)
        undergoer = self.subject_of(verb)[0] if verb is not None else None
        return ([undergoer] if undergoer is not None else []) + self._role_heads(trigger, roles)

    def _role_heads(self, trigger: Trigger, roles: list[str]) -> list[Token]:
        head = trigger.head
        places = [head]
        if (adjective := dependent(head, "acomp")) is not None:  # "is skeptical about the deal"
            places.append(adjective)
        if head.pos_ == "NOUN":  # "launched an operation, Operation Rah-e-Nijat, against militants": on its name
            places += [c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
        last = trigger.span[-1]
        if head.pos_ == "VERB" and last.pos_ == "ADP" and (called_for := dependent(last, "pobj")) is not None:
            places.append(called_for)  # "called for a truce between the sides": on what is called for
        obj = dependent(head, "dobj")
        sum_kinds = []
        if obj is not None:
            # "expressed gratitude to Russia", "discussed the crisis with Jordan": the parser often
            # hangs the preposition on the object, or on its last conjunct ("launched artillery,
            # mortar and rocket fire against the camps")
            places.append(obj)
            if (members := self.partitive_members(obj)) is not None and members.pos_ == "NOUN":
                # "returned dozens of artifacts to the embassy": or on the members (not inside a name:
                # "jailed 52 members of the Movement for the Actualization of ...")
                places.append(members)
            if (kind := _sum_kind(obj)) is not None:
                sum_kinds.append(kind)  # "pledged 500 million euros in aid to Ukraine": on what the sum is
            while (obj := dependent(obj, "conj")) is not None:
                places.append(obj)
        prep_places = places + sum_kinds
        if head.dep_ == "conj" and head.pos_ == "NOUN" and head.head.pos_ == "NOUN":
            prep_places.append(head.head)  # "air and artillery strikes on the troops": it hangs on the first
        if head.dep_ == "dobj" and head.pos_ == "NOUN" and head.head.lemma_ in self.light_verbs:
            prep_places.append(head.head)  # "launched attacks on the camps": the phrase hangs on the verb
        verb = head
        while verb.dep_ in ("dobj", "pobj", "prep") and verb.head.i != verb.i:
            verb = verb.head  # "earmarked 10 tons in emergency aid to help Haiti": the verb has the purpose
        purpose_places = places + [verb] if verb.i != head.i and verb.pos_ == "VERB" else places
        out: list[Token] = []
        into = ("into",) if trigger.pattern.cameo.startswith("17") else ()  # (not "investigation into violence")
        if head.dep_ == "pobj" and head.head.lower_ in ("under", *into) and head.head.head.pos_ == "VERB":
            # "X was put under arrest", "placed the leaders under investigation", "took 40 people into
            # custody": who is put under it
            out += [c for c in head.head.head.children if c.dep_ in ("dobj", "nsubjpass")]
        for role in roles:
            on_light_verb = role.startswith("prep:") or role == "dative"  # "gave Putin a warning"
            for place in (prep_places if on_light_verb else purpose_places if role == "xobj" else places):
                if role == "dobj":
                    out += [c for c in place.children if c.dep_ == "dobj" and (c.pos_ in ACTOR_POS or counts_people(c))]
                    # "called for Britain to stay", "let free the activists" (parsed "let [the activists
                    # free]"), "found [Nielsen guilty]": the subject of the clause the act is about takes the
                    # object's place
                    for clause in place.children:
                        if clause.dep_ not in ("advcl", "ccomp", "xcomp"):
                            continue
                        mark = next((m for m in clause.children if m.dep_ == "mark" and m.lower_ == "for"), None)
                        in_trigger = trigger.span.start <= clause.i < trigger.span.end
                        # ("allowed candidate X to participate": the one let or asked, a name parsed as the
                        # subject of an infinitive clause; not a thing: "declared [a state of siege to begin]")
                        let_or_asked = clause.dep_ == "ccomp" and is_infinitive(clause) and any(
                            s.dep_ == "nsubj" and (s.pos_ in ("PROPN", "PRON") or s.ent_type_ in NAMED_ACTORS)
                            for s in clause.children)
                        if mark is not None or in_trigger or _is_small_clause(clause) or let_or_asked \
                                or (clause.dep_ == "ccomp" and clause.pos_ == "ADJ"):
                            out += [s for s in clause.children if s.dep_ == "nsubj"]
                            if in_trigger:  # "let free [the leaders]"
                                out += [o for o in clause.children if o.dep_ == "dobj" and o.pos_ in ACTOR_POS]
                            if mark is not None:  # ("for the agency to act" parsed with the agency on "for")
                                out += [s for s in mark.children if s.dep_ == "pobj"]
                elif role == "dative":
                    for c in place.children:
                        if c.dep_ == "dative":
                            out.append(dependent(c, "pobj") or c if c.pos_ == "ADP" else c)
                elif role == "poss":
                    out += [c for c in place.children if c.dep_ == "poss"]
                elif role == "xobj":
                    for clause in place.children:
                        if is_purpose_clause(clause):  # "to help Haiti", "to help Haiti cope"
                            out += [o for o in clause.children if o.dep_ in ("dobj", "dative")]
                            out += [s for c in clause.children if c.dep_ in ("ccomp", "xcomp")
                                    for s in c.children if s.dep_ == "nsubj"]
                elif role.startswith("prep:"):
                    word = role[5:]
                    for c in place.children:
                        if c.dep_ in ("prep", "dative", "agent") and c.lower_ == word:
                            obj = dependent(c, "pobj") or _stranded_object(c)
                            if obj is not None:
                                out.append(obj)
        # (the trigger's own words are no participant: "control" in "took control of the prisons")
        return [t for t in out if t is not None and not trigger.span.start <= t.i < trigger.span.end]


def act_phrases(verb: Token) -> list[Token]:
    """The objects of the verb's "in" and "during" phrases, where the act it happened in is named ("were
    killed in a suicide bombing", "wounded during clashes")."""
    return [obj for prep in verb.children if prep.dep_ == "prep" and prep.lower_ in ("in", "during")
            if (obj := dependent(prep, "pobj")) is not None]


def _clause_on_prepositional_object(verb: Token) -> bool:
    """"agree with the NCAA that Gassnola made payments": the parser hangs the that-clause on the object of the
    preposition as a relative clause; one with "that" as its conjunction and a subject of its own is the verb's."""
    return any(clause.dep_ in ("relcl", "acl") and any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children)
               and any(c.dep_ in ("nsubj", "nsubjpass") for c in clause.children)
               for prep in verb.children if prep.dep_ == "prep"
               for obj in prep.children if obj.dep_ == "pobj"
               for clause in obj.children)


def counts_people(token: Token) -> bool:
    """"police arrested five", "will release three of the hostages": a bare number as the object counts
    those who underwent the act (not a date, sum or measure)."""
    return token.pos_ == "NUM" and token.ent_type_ not in NOT_PEOPLE_COUNTS


def _words(phrase: str) -> list[str]:
    """A pattern phrase as the tokenizer splits running text: "lathi-charge" is "lathi", "-", "charge"."""
    return re.sub(r"(?<=\w)-(?=\w)", " - ", phrase).split()


def _verb_lemmas(verbs: set[str], lemmatize) -> dict[str, set[str]]:
    """Each verb's lemma, and what the pipeline makes of its regular inflections ("cordoned" -> "cordone"),
    lemmatized in one batch (one call per form would add seconds to start-up)."""
    forms = [(verb, form) for verb in sorted(verbs)
             for form in (verb + ("d" if verb.endswith("e") else "ed"), verb + "s")]
    out: dict[str, set[str]] = {verb: {verb} for verb in verbs}
    for (verb, _form), lemmas in zip(forms, lemmatize([["they", form] for _verb, form in forms], batch=True),
                                     strict=True):
        if lemmas[1]:
            out[verb].add(lemmas[1])
    return out


def _phrase_lemmatizer(nlp: Language):
    """Lemmas of pattern words the way the pipeline lemmatizes running text ("talks" -> "talk"); with
    ``batch``, of many word lists at once."""
    steps = [nlp.get_pipe(name) for name in ("tok2vec", "tagger", "attribute_ruler", "lemmatizer")
             if name in nlp.pipe_names]

    def lemmatize(words, batch: bool = False):
        if not batch:
            return lemmatize([words], batch=True)[0] if words else []
        docs = (Doc(nlp.vocab, words=w) for w in words)
        for step in steps:
            docs = step.pipe(docs)
        return [[t.lemma_.lower() or t.lower_ for t in doc] for doc in docs]

    return lemmatize


def dependent(token: Token, dep: str) -> Token | None:
    """The token's first dependent of relation ``dep`` (``dependent(prep, "pobj")``: the preposition's object)."""
    return next((c for c in token.children if c.dep_ == dep), None)


def prep_object(token: Token, preposition: str) -> Token | None:
    """The object of the token's first ``preposition`` phrase: ``prep_object(deployment, "of")``."""
    return next((obj for prep in token.children if prep.dep_ == "prep" and prep.lower_ == preposition
                 if (obj := dependent(prep, "pobj")) is not None), None)


def is_infinitive(clause: Token) -> bool:
    """Is the clause a to-infinitive ("to help", "a state of siege to begin")?"""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)


def is_purpose_clause(clause: Token) -> bool:
    """"(aid) to help Haiti", "(funds) to rebuild the schools": an infinitive clause of purpose."""
    return clause.dep_ in ("xcomp", "advcl", "relcl", "acl") and clause.pos_ == "VERB" and is_infinitive(clause)


def purpose_words(clause: Token) -> set[str]:
    """The verbs that tell what a purpose clause is for: its own and "help", which the parser may take for the
    auxiliary of the verb it helps ("a team to help identify victims")."""
    helpers = [c for c in clause.children if c.dep_ == "aux" and c.lower_ != "to"]
    return {t.lemma_.lower() for t in (clause, *helpers)}


def is_passive_participle(verb: Token) -> bool:
    """A past participle describing a noun ("troops deployed in the city", "weapons seized", "the
    arrested persons", "among those arrested"): the noun is its passive subject."""
    if verb.dep_ not in ("acl", "amod") or verb.tag_ != "VBN" or (
            verb.head.pos_ not in ("NOUN", "PROPN", "NUM") and verb.head.lower_ != "those"):
        return False
    if verb.dep_ == "amod":
        return True
    # an object, or a noun with no verb to hang on, means the parser took the main verb for a participle
    # ("groups donated and delivered goods", "A newspaper called on Arabs to unite")
    return verb.head.dep_ != "ROOT" and not any(c.dep_ == "dobj" for v in (verb, *verb.conjuncts) for c in v.children)


def _infinitive_inside(span: Span, verb: Token) -> bool:
    """Is a multiword verb's "to" the mark of an infinitive, not a preposition? "going to Paris" is a
    trip, "going to say" is not."""
    return any(t.dep_ == "aux" and not span.start <= t.head.i < span.end for t in span if t.i > verb.i)


def _stranded_object(prep: Token) -> Token | None:
    """"granted asylum to [officers holed up in ...]": the parser leaves the preposition without its
    object and makes the noun the subject of the clause that describes it."""
    clause = next((c for c in prep.head.children if c.dep_ in ("advcl", "ccomp") and c.i > prep.i
                   and c.left_edge.i == prep.i + 1), None)
    subject = dependent(clause, "nsubj") if clause is not None else None
    return subject if subject is not None and subject.pos_ in ("NOUN", "PROPN") else None


def _is_small_clause(clause: Token) -> bool:
    """"will not accept [refugees fleeing the violence]": a participle clause with no auxiliary or
    conjunction is a noun described (the parser takes the noun for its subject)."""
    return clause.dep_ == "ccomp" and clause.tag_ == "VBG" \
        and not any(c.dep_ in ("aux", "auxpass", "mark") for c in clause.children)


def _is_elided_passive(verb: Token) -> bool:
    """"four were burnt alive and two killed in police firing": a past participle sharing the "were" of
    the passive it is joined to (the parser gives it an active subject)."""
    return (verb.dep_ == "conj" and verb.tag_ == "VBN" and dependent(verb.head, "auxpass") is not None
            and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
            and any(c.dep_ in SUBJECTS for c in verb.children))


def is_misparsed_reduced_relative(verb: Token) -> bool:
    """"The civilians imprisoned for protesting were released", "protesters detained by police were
    freed": a participle describing the subject, which the parser takes for the main verb (the real one
    is then a passive joined to it with no "and" and no subject) or for a clausal subject. The noun
    undergoes the act."""
    if verb.dep_ not in ("ROOT", "csubjpass") or verb.tag_ not in ("VBD", "VBN"):
        return False
    subject = dependent(verb, "nsubj")
    if subject is None:
        return False
    # the participle follows its noun, or is set off by commas: "the fishermen, held captive in Libya, were freed"
    doc = verb.doc
    last = subject.right_edge.i
    while last > subject.i and doc[last].is_punct:
        last -= 1  # (the comma after the noun is the noun's)
    set_off = verb.i == last + 2 and doc[verb.i - 1].text == ","
    if verb.i != last + 1 and not set_off:
        return False
    if verb.dep_ == "csubjpass":
        return verb.tag_ == "VBN"
    if any(c.dep_ in ("dative", "xcomp", "ccomp") or (c.dep_ == "dobj" and c.pos_ != "ADJ") for c in verb.children):
        return False  # (an adjective is no object: "held captive")
    # the passive follows the participle's own modifiers, with no "and" between, and no comma but the
    # closing one of a participle set off by commas
    return any(c.dep_ == "conj" and dependent(c, "auxpass") is not None
               and not any(s.dep_ in SUBJECTS or s.dep_ in PASSIVE_SUBJECTS for s in c.children)
               and not any(t.pos_ == "CCONJ" or (t.pos_ == "PUNCT" and not (set_off and t.i == c.left_edge.i - 1))
                           for t in doc[verb.i + 1:c.left_edge.i])
               for c in verb.children)


def _subject_underwent(verb: Token) -> bool:
    """Is the verb's grammatical subject (nsubj) the one who underwent it, the parse notwithstanding?"""
    return _is_elided_passive(verb) or is_misparsed_reduced_relative(verb)


def passive_subjects(verb: Token) -> list[Token]:
    """The grammatical subjects of a passive verb, or the noun a passive participle describes."""
    if is_passive_participle(verb):
        return [verb.head]
    if _subject_underwent(verb):
        return [c for c in verb.children if c.dep_ in SUBJECTS]
    subjects = [_relative_antecedent(c) for c in verb.children if c.dep_ in PASSIVE_SUBJECTS]
    if not subjects and _passive_sharing_a_subject(verb) and not any(c.dep_ in SUBJECTS for c in verb.children):
        # "two people are said to have been killed", "returned and is now accused": the subject it shares
        # with the verb above
        shared = dependent(verb.head, "nsubjpass") or dependent(verb.head, "nsubj")
        subjects = [_relative_antecedent(shared)] if shared is not None else []
    return subjects


def _passive_sharing_a_subject(verb: Token) -> bool:
    """A passive open clause or conjunct whose subject is the verb above's: "are reported to have been
    injured", "returned and is now accused", "was tortured and killed" (a bare participle conjoined to a
    passive shares its auxiliary); or a bare past participle of an adverbial clause ("when asked about the
    sanctions, Mnuchin said", "arrested in 2010, he was freed")."""
    if verb.dep_ == "advcl" and verb.tag_ == "VBN":
        return not any(c.dep_ in ("aux", "auxpass", *SUBJECTS, *PASSIVE_SUBJECTS) for c in verb.children)
    if verb.dep_ not in ("xcomp", "conj"):
        return False
    if dependent(verb, "auxpass") is not None:
        return True
    return verb.dep_ == "conj" and verb.tag_ == "VBN" and dependent(verb.head, "auxpass") is not None \
        and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)


def _agent(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            return dependent(child, "pobj")
    return None


def _relative_antecedent(subject: Token) -> Token:
    """"organizations which continue attacks": the subject "which" stands for "organizations"."""
    if subject.tag_ in ("WDT", "WP") and subject.head.dep_ == "relcl":
        return subject.head.head
    return subject


def matches_words(tokens, words: list[str]) -> bool:
    """Is one of the tokens one of the words? An upper-case word is an entity label, PERSON matches a
    person's name ("captured Pinky"), or a kind of actor term, COUNTRY matches a country's name (which the
    model may tag as an organisation: "suspended Niger")."""
    labels = {w for w in words if w.isupper()}
    if labels and any(tok.ent_type_ in labels
                      or ((term := term_span_at(tok)) is not None and term.label_.upper() in labels)
                      for tok in tokens):
        return True
    single = {w for w in words if " " not in w}
    # the tokenizer splits "peace-keeping" in three: phrases are compared in text order, a hyphen as a space
    multi = [w.replace("-", " ") for w in words if " " in w or "-" in w]
    for tok in tokens:
        if tok.lemma_.lower() in single or tok.lower_ in single:
            return True
    if multi:  # "a weeklong cease-fire" has "cease" + "fire"
        ordered = [t for t in sorted(tokens, key=lambda t: t.i) if t.text != "-"]
        text = " ".join(t.lower_ for t in ordered).replace("-", " ")
        lemmas = " ".join(t.lemma_.lower() for t in ordered).replace("-", " ")
        return any(w in text or w in lemmas for w in multi)
    return False


def _object_parsed_as_adverb(child: Token) -> bool:
    """A bare noun the parser hung on the verb as an adverb, no date nor other entity: "stepped up vigil",
    "returned to Brazil last Wednesday 21 frogs"."""
    return child.dep_ == "npadvmod" and child.pos_ == "NOUN" and not child.ent_type_


def _sum_kind(obj: Token) -> Token | None:
    """What a sum is of: "aid" in "500 million euros in aid", "$33 million in assistance"."""
    kind = prep_object(obj, "in")
    if kind is not None and (obj.ent_type_ in ("MONEY", "QUANTITY") or dependent(obj, "nummod") is not None):
        return kind
    return None


def _has_object(head: Token, words: list[str]) -> bool:
    """The trigger's object: its direct object, an open-clause verb ("agreed to cooperate"), or for
    nouns and prepositional verbs the object of its preposition ("concern over", "call for talks")."""
    candidates = passive_subjects(head)  # "a formula brokered by the RSS", "weapons seized last year"
    for child in head.children:
        if child.dep_ in ("dobj", "xcomp", "attr", "oprd", "nsubjpass") \
                or (child.dep_ == "ccomp" and child.pos_ not in ("VERB", "AUX")):  # a misparsed object
            candidates.append(child)
            candidates.extend(child.conjuncts)  # "photographs and intelligence"
            if (kind := _sum_kind(child)) is not None:
                candidates.append(kind)  # "announced $33 million in assistance": a sum of aid
        elif child.dep_ in ("prep", "prt", "dative"):
            obj = dependent(child, "pobj")
            if obj is not None:
                candidates.append(obj)  # ("provided the army with aircraft, vehicles and weapons")
                candidates.extend(obj.conjuncts)
        elif child.dep_ == "ccomp" and (is_infinitive(child) or _is_small_clause(child)) \
                and (subject := dependent(child, "nsubj")) is not None:
            candidates.append(subject)  # "declared [a state of siege to begin]", "accept [refugees fleeing]"
        elif _object_parsed_as_adverb(child) \
                and child.i - 1 in (head.i, *(c.i for c in head.children if c.dep_ == "prt")):
            candidates.append(child)  # "police have stepped up vigil": a bare object taken for an adverb
    for right in head.rights:
        if right.dep_ in ("prep",) and dependent(right, "pobj") is not None:
            candidates.append(dependent(right, "pobj"))
    for cand in candidates:
        # the object's head noun and its compounds ("aid deliveries", "search-and-rescue teams"), and what
        # an "of" names ("a team of medical experts"), never deeper modifiers ("welcomed the president's
        # statement" does not host the president)
        of_object = prep_object(cand, "of")
        core = [t for t in cand.subtree if t.i == cand.i or (t.head.i == cand.i and t.dep_ in NOUN_MODIFIERS)
                or (t.head.i == cand.i and t.dep_ == "prep" and t.lower_ == "of")
                or (of_object is not None and (t.i == of_object.i
                                               or (t.head.i == of_object.i and t.dep_ in NOUN_MODIFIERS)))]
        if matches_words(core, words):
            return True
    return False


def _has_context(head: Token, words: list[str], skip: tuple[str, ...] = ()) -> bool:
    tokens = []
    for child in head.children:
        if child.dep_ in ("ccomp", "advcl", "relcl", "parataxis", "aux", "mark", *skip):
            continue  # (nor the "to" of an infinitive: "going to buy cosmetics" names no partner)
        tokens.extend(child.subtree)
    return matches_words(tokens, words)
