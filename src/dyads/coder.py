"""The coder: stories in, explained events out.

``Coder.code(stories)`` runs the spaCy pipeline (``nlp.pipe``, optionally in several processes);
the ``dyads_events`` component at its end turns each parsed story into events, which travel back
from the worker processes as plain records in ``doc.user_data``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .actors import REFLEXIVE_PRONOUNS, ActorResolver, actor_code, names_a_side_taken
from .dates import resolve_date
from .events import (
    FORCE_ROOTS,
    FRAMED,
    NAMED_ACTORS,
    Trigger,
    TriggerFinder,
    act_phrases,
    counts_people,
    dependent,
    is_infinitive,
    is_misparsed_reduced_relative,
    is_purpose_clause,
    matches_words,
    passive_subjects,
    prep_object,
    purpose_words,
)
from .knowledge import Knowledge
from .models import Actor, Event, Location, Story, make_event_id
from .models import Span as TextSpan
from .nlp import load_pipeline

EVENTS_KEY = "dyads_events"
FAILURE_KEY = "dyads_failure"  # why the coder failed on a story (a bug to report, not bad input)
ASSUMED_KEY = "dyads_assumed_country"  # spans whose country is the story's, assumed (a place may correct it)
PLACE_LABELS = {"GPE", "LOC", "FAC"}
ALLEGING = ("allege", "claim")  # framing kinds whose act is alleged, not told as fact
ASKING_ROOTS = ("02", "10")  # appeals and demands: the act in their infinitive is asked for, not done
EXECUTIVE_SECTORS = {"GOV", "MIL", "COP", "SPY"}
# codes of imposing, lifting or calling for a measure (ease restrictions or sanctions, threaten with sanctions,
# sanction, restrict, blockade)
MEASURE_CODES = ("081", "085", "1312", "16", "172", "191")
OWNED_MEASURE_CODES = ("081", "085", "163")  # sanctions and restrictions, named after who imposes them
INNER_PREPS = ("of", "to", "for", "from", "with", "against", "on", "by")
TARGET_PLACE_PREPS = ("in", "to", "into", "at", "on", "against", "inside", "from")
VENUE_PREPS = ("in", "at", "inside")  # where parties meet or act together: no party to it
NOT_ACTORS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "EVENT", "LAW", "WORK_OF_ART"}
LOCATIVE_PREPS = {"in", "at", "near", "outside", "inside", "across", "throughout", "from"}
DEFAULT_BATCH = 16
# Secondary events of a sentence are kept when within this much confidence of its main event
# (1.0 keeps every event), or when both sides are coded actors and confidence reaches DYADIC_FLOOR.
DEFAULT_MARGIN = 0.2
DYADIC_FLOOR = 0.6


class EventCoderComponent:
    """spaCy component: codes the events of one story (a Doc) into ``doc.user_data``."""

    def __init__(self, nlp: Language, knowledge: Knowledge, margin: float = DEFAULT_MARGIN):
        self.knowledge = knowledge
        self.margin = margin
        self.finder = TriggerFinder(nlp, knowledge)
        self.term_lookup = nlp.get_pipe("dyads_actor_terms").term
        modality = knowledge.modality
        self.hypothetical_aux = modality["hypothetical_aux"]
        self.intent_aux = modality["intent_aux"]
        self.negation = modality["negation"]
        self.obligation_aux = modality["obligation_aux"]
        self.polity_nouns = modality["polity_nouns"]
        self.intent_adjectives = modality["intent_adjectives"]
        self.possibility_adjectives = modality["possibility_adjectives"]
        self.achievement_adjectives = modality["achievement_adjectives"]
        self.inability_adjectives = modality["inability_adjectives"]
        self.light_verbs = _verb_forms(modality["light_verbs"])
        self.condition_marks = modality["condition_marks"]
        self.ultimatum_marks = modality["ultimatum_marks"]
        self.background_preps = modality["background_preps"]
        self.place_nouns = modality["place_nouns"]
        self.measure_nouns = modality["measure_nouns"]
        self.area_measures = set(modality["area_measures"])
        self.pressure_nouns = modality["pressure_nouns"]
        self.background_nouns = modality["background_nouns"]
        self.mishaps = modality["mishaps"]
        self.sending_verbs = modality["sending_verbs"]
        self.issuing_verbs = modality["issuing_verbs"]
        self.halt_nouns = modality["halt_nouns"]
        # (verbs that state only in some company, "agree with X that ...", report nothing by themselves)
        self.reporting_verbs = {v for p in knowledge.patterns if p.cameo == "010" and not p.context for v in p.verbs}

    def __call__(self, doc: Doc) -> Doc:
        story = getattr(doc, "_context", None)
        doc_id = getattr(story, "id", None) or "doc"
        story_date: date | None = getattr(story, "date", None)
        try:
            events = self.code_doc(doc, doc_id, story_date)
        except Exception as exc:  # noqa: BLE001 -- one story's failure must not stop the batch (in a worker
            # process it would leave ``nlp.pipe`` waiting): it is told to ``Coder.code``'s caller instead
            doc.user_data[FAILURE_KEY] = f"the coder failed on this story ({type(exc).__name__}: {exc})"
            events = []
        doc.user_data[EVENTS_KEY] = [_to_wire(e) for e in events]
        return doc

    # ------------------------------------------------------------------ one story
    def code_doc(self, doc: Doc, doc_id: str, story_date: date | None) -> list[Event]:
        resolver = ActorResolver(doc, self.term_lookup, self.knowledge,
                                 story_date.isoformat() if story_date else None)
        resolver.learn_titles()
        triggers = self.finder.find(doc)
        governor_of, reporter_of, framing, reported = self._frames(triggers)
        attacks = frozenset(t.head.i for t in triggers if t.pattern.cameo[:2] in FORCE_ROOTS)
        sentence_index = {sent.start: i for i, sent in enumerate(doc.sents)}
        events: list[Event] = []
        speakers: list[Event] = []  # "X said": statements that report another event
        mentions: list[Trigger] = []
        event_of: dict[int, Event] = {}  # trigger head index -> the event it gave
        served = _purposes_served(triggers)
        for trig in triggers:
            if trig.head.i in framing or trig.pattern.frames_only:
                continue  # its meaning is carried by the event it frames
            if trig.head.i in served:
                continue  # "sent troops to support the army": the support is what the sending does
            if trig.head.pos_ in ("VERB", "AUX") and (trig.head.dep_ == "compound"
                                                      or any(c.dep_ == "det" for c in trig.head.children)):
                continue  # "US-backed forces", "the wounded": a description, not an act
            if (trig.head.pos_ not in ("VERB", "AUX") and not _noun_reports_event(trig.head, self.light_verbs)) \
                    or trig.head.dep_ == "amod":
                mentions.append(trig)  # "in the battle zones", "the aid program", "the arrested persons": a mention
                continue
            event = self._event(doc, doc_id, story_date, trig, governor_of.get(trig.head.i), resolver,
                                sentence_index, reporter_of.get(trig.head.i), attacks)
            if event is not None:
                event_of[trig.head.i] = event
                if trig.head.i in reported:
                    speakers.append(event)
                else:
                    events.append(event)
        events = _one_act_told_twice(events, triggers, event_of)
        # A sentence that reports nothing else is about the event its noun names ("Fresh clashes in Kiev").
        covered = {e.sentence_index for e in events}
        for trig in mentions:
            if sentence_index.get(trig.head.sent.start, 0) not in covered and not trig.pattern.no_mention:
                event = self._event(doc, doc_id, story_date, trig, governor_of.get(trig.head.i), resolver,
                                    sentence_index, attacks=attacks)
                if event is not None:
                    event.confidence = round(event.confidence * 0.8, 3)
                    events.append(event)
        kept = {id(e) for e in _without_topics(events + speakers, doc, self.light_verbs)}
        speakers = [e for e in speakers if id(e) in kept]
        events = self._main_events(self._merge_repeats([e for e in events if id(e) in kept]))
        # Who reported the news is an event too (a statement, 010), never the sentence's main one,
        # and only when the speaker is coded: "police said curfew was lifted"; where what was said
        # is no event ("police said no one was arrested"), the statement is the news.
        best = _best_by_sentence(events)
        for e in speakers:
            if any(a.is_resolved for a in e.actor) and not e.negated:
                if e.sentence_index in best:
                    e.confidence = round(min(e.confidence, best[e.sentence_index] - 0.01), 3)
                events.append(e)
        events.sort(key=lambda e: e.trigger.start)
        _home_not_from_a_counterpart_state(events, resolver)
        doc.user_data[ASSUMED_KEY] = sorted(resolver.assumed_country)
        return events

    def _frames(self, triggers: list[Trigger]) -> tuple[dict[int, Trigger], dict[int, Trigger], set[int], set[int]]:
        """How triggers frame each other: the governor of each framed trigger ("threatened to attack"),
        the reporter of each reported obligation ("said Y must"), the triggers whose meaning is
        carried by another (framing verbs, light verbs, restated nouns), and the reporting verbs
        whose clause is itself an event ("X said Y attacked Z")."""
        by_head = {t.head.i: t for t in triggers}
        governor_of: dict[int, Trigger] = {}
        reporter_of: dict[int, Trigger] = {}
        reported: set[int] = set()
        reporters: list[tuple[Trigger, Trigger]] = []
        for trig in triggers:
            head = clause = trig.head
            if (head.dep_ == "dobj" and head.pos_ != "VERB" or head.dep_ == "xcomp") \
                    and _is_light(head.head, self.light_verbs):
                clause = head.head  # "agreed to hold talks", "prepared to resume shelling": through the light verb
            if clause.dep_ == "xcomp" and clause.head.lemma_ in self.intent_adjectives \
                    and clause.head.dep_ == "acomp" and clause.head.head.dep_ in FRAMED:
                clause = clause.head.head  # "said the US must be ready to mediate": the framing reaches the act
            while clause.dep_ == "conj" and clause.head.pos_ in ("VERB", "AUX"):
                clause = clause.head  # "threatened to attack and burn", "alleged that A, and that B": one frame
            above = by_head.get(clause.head.i) if clause.head.i != clause.i else None
            if above is not None and above.pattern.frames_only and head.dep_ == "dobj" and head.pos_ == "NOUN":
                governor_of[head.i] = above  # "planning an attack", "wants talks": the act wished or planned
                continue
            infinitive = clause.dep_ == "advcl" and is_infinitive(clause)
            if infinitive:
                above = self._asker_before(clause, by_head) or above
            # "an attempt to assassinate": a framing noun governs its infinitive as a framing verb does
            infinitive = infinitive or (clause.dep_ == "acl" and is_infinitive(clause) and above is not None
                                        and above.pattern.frames_only and above.head.pos_ == "NOUN")
            if above is not None and above.pattern.cameo == "010" and trig.pattern.cameo != "010" \
                    and clause.dep_ == "dobj" and clause.pos_ in ("NOUN", "PROPN"):
                reported.add(above.head.i)  # "announced the deployment of troops": the news is the deployment
                continue
            if above is not None and above.pattern.cameo == "010" and trig.pattern.cameo != "010" \
                    and above.head.pos_ == "NOUN" and clause.dep_ == "acl" and clause.tag_ == "VBG":
                reporters.append((trig, above))  # "issued a statement calling on X to ...": the news is the appeal
                continue
            if above is None or (clause.dep_ not in FRAMED and not infinitive):
                continue  # ("sworn to fight" is often parsed as an adverbial clause)
            if above.pattern.cameo == "010" and trig.pattern.cameo != "010":
                reporters.append((trig, above))  # "X said Y attacked Z": the news is the attack
            kind = self._governs(above)
            if kind in ALLEGING and not self.knowledge.recode_for(kind, trig.pattern.cameo):
                continue  # what is claimed is told as claimed: only a claimed act of force is an accusation
            if kind:
                governor_of[head.i] = above
            elif above.pattern.cameo == "010" and _aux(clause) & self.obligation_aux:
                reporter_of[head.i] = above  # "X said Y must withdraw": X demands
        # an act anywhere in an allegation's clause is alleged ("alleged that X helped to plan and carry out
        # killings"), even one only planned or wished ("alleged that X contributed to planning the massacres")
        for trig in triggers:
            framed_by = governor_of.get(trig.head.i)
            if (framed_by is not None and not framed_by.pattern.frames_only) or not (
                    framed_by or trig.head.pos_ in ("VERB", "AUX") or _noun_reports_event(trig.head, self.light_verbs)):
                continue
            below = trig.head
            for above_token in trig.head.ancestors:
                above = by_head.get(above_token.i)
                kind = self._governs(above) if above is not None and below.dep_ == "ccomp" else None
                if kind in ALLEGING:
                    if self.knowledge.recode_for(kind, trig.pattern.cameo):
                        governor_of[trig.head.i] = above
                    break
                below = above_token
        # "police reported an attempt to assassinate the governor was thwarted": the news is the attempt, whose
        # framing noun is the subject of the reported clause
        for framed, governor in governor_of.items():
            noun, clause = governor.head, governor.head.head
            above = by_head.get(clause.head.i)
            if governor.pattern.frames_only and noun.pos_ == "NOUN" and noun.dep_ in ("nsubj", "nsubjpass") \
                    and clause.dep_ == "ccomp" and above is not None and above.pattern.cameo == "010":
                reporters.append((by_head[framed], above))
        frame_heads = {g.head.i for g in governor_of.values()}
        # "urged Americans to consider leaving": a frame around a frame of no act carries nothing; the
        # outer verb is told as it is (an appeal)
        framing = {g.head.i for framed, g in governor_of.items()
                   if not (by_head[framed].pattern.frames_only and framed not in frame_heads)}
        framing |= _nouns_inside_verbs(triggers, self.light_verbs)
        # "X said they hoped to ...": the news is the hope only where it frames an act
        reported |= {above.head.i for trig, above in reporters
                     if not trig.pattern.frames_only or trig.head.i in framing}
        return governor_of, reporter_of, framing, reported - framing

    def _asker_before(self, clause: Token, by_head: dict[int, Trigger]) -> Trigger | None:
        """"issued a statement urging North Korea to comply": the parser hangs the infinitive on the main
        verb, but it is what the verb of asking whose object it follows asks for."""
        if clause.left_edge.i == 0:
            return None
        last = clause.doc[clause.left_edge.i - 1]
        asked = next((t for t in (last, *last.ancestors) if t.dep_ == "dobj" and t.right_edge.i == last.i), None)
        if asked is None or asked.head.lemma_ not in self.finder.object_control:
            return None
        return by_head.get(asked.head.i)

    def _governs(self, trig: Trigger) -> str | None:
        """How a trigger frames the act in its clause, if it does: its pattern's kind, or the kind of any
        framing verb ("threatened to shell" frames even where the 138 pattern won the trigger), unless a
        pattern naming its object matched it ("declined to comment" is 011, not a refusal), or one for a verb
        that states a clause ("agree with X that ..." states a view, it agrees to no act)."""
        if trig.pattern.governs:
            return trig.pattern.governs
        if trig.head.pos_ == "VERB" and not trig.pattern.object and not trig.pattern.takes_clause:
            return self.finder.governs_by_lemma.get(trig.head.lemma_)
        return None

    @staticmethod
    def _merge_repeats(events: list[Event]) -> list[Event]:
        """The same act told twice in a sentence, once with its target ("threatened to shell Iraqi towns
        in retaliation"; "started a hunger strike ... to protest Assad's failure"): one event, the better
        ranked telling with the target of the other. Between the same parties under one CAMEO root ("alleged
        that X helped to plan and carry out killings": one accusation of X; "summoned the ambassador to
        complain": one protest), the better ranked."""
        def act(e: Event) -> tuple:
            return e.sentence_index, e.cameo[:2], tuple(a.code for a in e.actor)

        best: dict[tuple, Event] = {}
        for e in sorted(events, key=lambda e: -e.confidence):
            best.setdefault((*act(e), tuple(a.code or a.text for a in e.recipient)), e)
        kept = {id(e) for e in best.values()}
        events = [e for e in events if id(e) in kept]
        targeted: dict[tuple, Event] = {}
        for e in events:
            if any(r.is_resolved for r in e.recipient):
                targeted.setdefault(act(e), e)
        dropped: set[int] = set()
        for e in events:
            twin = targeted.get(act(e))
            if twin is None or twin is e or any(r.is_resolved for r in e.recipient):
                continue
            if e.confidence > twin.confidence:
                e.recipient = twin.recipient
                dropped.add(id(twin))
            else:
                dropped.add(id(e))
        return [e for e in events if id(e) not in dropped]

    def _main_events(self, events: list[Event]) -> list[Event]:
        """Per sentence, the main event and those nearly as well supported (within ``margin`` of its
        confidence) or fully specified (coded actor and recipient): a sentence's passing mentions of
        other acts are not reports of them."""
        if self.margin >= 1:
            return events
        best = _best_by_sentence(events)
        kept = []
        for e in events:
            if e.negated:
                continue  # "no arrests were made": no event (kept with all_events, flagged)
            coded_actor = any(a.is_resolved for a in e.actor)
            coded_recipient = any(a.is_resolved for a in e.recipient)
            top = e.confidence >= best[e.sentence_index]
            if top or (e.confidence >= best[e.sentence_index] - self.margin and (coded_actor or coded_recipient)) \
                    or (e.confidence >= DYADIC_FLOOR and coded_actor and coded_recipient):
                kept.append(e)
        return kept

    def _event(self, doc: Doc, doc_id: str, story_date: date | None, trig: Trigger,
               governor: Trigger | None, resolver: ActorResolver, sentence_index: dict,
               reporter: Trigger | None = None, attacks: frozenset[int] = frozenset()) -> Event | None:
        """The event a trigger reports, or None. (``attacks``: heads of the story's acts of force)"""
        pattern = trig.pattern
        cameo = pattern.cameo
        kind = self._governs(governor) if governor is not None else None
        # the verb that carries subject and modality ("threatened to attack"); an alleged act has its own, and so
        # has the act a framing noun names ("an attempt to assassinate the governor was thwarted")
        anchor = governor.head if governor and kind not in ALLEGING and governor.head.pos_ != "NOUN" else trig.head
        on_intent_adjective = governor is None and trig.head.dep_ == "xcomp" \
            and trig.head.head.lemma_ in self.intent_adjectives
        if on_intent_adjective:
            anchor = trig.head.head  # "is ready to send": the subject and modality sit on the copula
        negated = any(_is_negation(c, self.negation) for t in {anchor, trig.head} for c in t.children)
        to_no_one = any(_is_negative_participant(c, self.negation) for t in {anchor, trig.head} for c in t.children)
        # "were not able to", "were unable to arrest", "is not ready to withdraw": the adjective framing the act
        # (and its copula) may deny it
        adjective = trig.head.head if trig.head.dep_ == "xcomp" and trig.head.head.pos_ == "ADJ" else None
        if adjective is not None:
            negated = negated or adjective.lemma_ in self.inability_adjectives \
                or any(_is_negation(c, self.negation) for c in adjective.head.children)
        hypothetical = False
        if governor is not None:
            if kind == "wish" and any(dependent(head, dep) not in (None, trig.head) for head, dep in (
                    (governor.head, "dobj"), (trig.head, "nsubj"), (trig.head, "nsubjpass"), (trig.head, "auxpass"))):
                # "Obama wants Putin to attack", "hoped the officials would be indicted", "hope to be
                # recognised": another's act, wished for, is no one's event
                return None
            if kind == "hypothetical":
                hypothetical = True
            elif kind == "negate":
                negated = True
            elif kind not in ALLEGING:  # (an allegation is recoded once its doer is known)
                cameo = self.knowledge.recode_for(kind, cameo) or cameo
        if negated and kind in (None, "negate") and "03" <= cameo[:2] <= "08" and self._agentive(anchor, resolver):
            # "will not accept", "did not agree": refusing cooperation is itself an event (CAMEO 12)
            cameo = self.knowledge.recode_for("refuse", cameo) or cameo
            negated = False
            kind = "refuse"
        # "no troops were withdrawn", "a pause in the bombing", "have yet to arrest": no act, and no refusal either
        negated = negated or to_no_one or _is_halted(trig, self.halt_nouns) or _not_yet(anchor)
        if _in_condition(anchor, self.condition_marks) or (_infinitive_of_noun(anchor) and governor is None) \
                or (anchor.dep_ == "xcomp" and anchor.head.lemma_ in self.possibility_adjectives
                    and not self._achieved(anchor.head)):
            hypothetical = True  # "if it is attacked", "permission to help", "free to arrest": not a fact
        auxes = _aux(anchor) | _aux(trig.head) | _aux(_clause_of(trig.head, self.light_verbs))
        if is_purpose_clause(anchor) and anchor.dep_ in ("advcl", "xcomp"):
            auxes |= _aux(anchor.head)  # "will visit Senegal to mediate": the purpose shares the future
            # ("should cooperate to encourage refugees to return": the purpose of an act only called for)
            hypothetical = hypothetical or bool(_aux(anchor.head) & self.obligation_aux)
        if anchor.dep_ == "ccomp" and anchor.head.lemma_ in self.reporting_verbs:
            auxes = {"will" if a in ("would", "could") else a for a in auxes}  # reported future: "said it would"
        if reporter is not None:
            cameo = self.knowledge.recode_for("demand", cameo) or cameo
        elif auxes & self.hypothetical_aux:
            hypothetical = True
        elif (auxes & self.intent_aux or on_intent_adjective) and governor is None \
                and not cameo.startswith(("01", "02", "03")) and kind != "refuse":  # "will not lift": a refusal
            # a condition makes a hostile act promised a threat ("will attack if"), a cooperative one an offer
            # ("would collaborate if he became president"); an ultimatum makes any act a threat
            conditions = {m.lower_ for c in anchor.children if c.dep_ == "advcl"
                          for m in c.children if m.dep_ == "mark"} & self.condition_marks
            threat = bool(conditions & self.ultimatum_marks) \
                or (bool(conditions) and self.knowledge.code_info(cameo).quad_class >= 3)
            cameo = self.knowledge.recode_for("threaten" if threat else "intent", cameo) or cameo

        actor_head, passive = self.finder.subject_of(anchor)
        if passive and on_intent_adjective and dependent(trig.head, "auxpass") is not None:
            # "the crime boss is set to be extradited": the subject will undergo the act, whoever does it
            actor_head, passive = self.finder.subject_of(trig.head)
        elif passive and on_intent_adjective:
            # "the minister is set to visit": "set" is an adjective here, its subject the one who will act
            actor_head, passive = dependent(anchor, "nsubjpass") or actor_head, False
        if cameo[:2] in FORCE_ROOTS and self._by_mishap(trig.head, actor_head):
            return None  # "killed in a road accident", "killed by the earthquake": no one's act
        roles = pattern.recipient or self.knowledge.default_recipients[
            "verb" if trig.head.pos_ in ("VERB", "AUX") else "noun"]
        if governor is not None and kind in ("appeal", "demand", "threaten"):
            recipient_heads = self.finder.recipient_heads(governor, ["dobj", "prep:on", "prep:to"])
            recipient_heads += self.finder.recipient_heads(trig, roles)
        else:
            recipient_heads = self.finder.recipient_heads(trig, roles)
        if pattern.recipient:  # after the pattern's own roles, any complement that names an actor
            default_roles = self.knowledge.default_recipients["verb" if trig.head.pos_ in ("VERB", "AUX") else "noun"]
            seen = {t.i for t in recipient_heads}
            recipient_heads += [t for t in self.finder.recipient_heads(trig, default_roles)
                                if t.i not in seen and _is_named(t)]
        if is_purpose_clause(trig.head) and trig.head.dep_ in ("advcl", "xcomp"):
            # "summoned the ambassador to complain", "called Lavrov to discuss": the act of the purpose
            # clause is aimed at whom the act it serves was
            # ("sent experts to Saudi Arabia to investigate": where they were sent)
            served = trig.head.head
            if served.lemma_ not in self.sending_verbs:
                recipient_heads += [c for c in served.children if c.dep_ == "dobj" and resolver.is_actor_like(c)]
            recipient_heads += [o for o in [prep_object(served, "to")] if o is not None and resolver.is_actor_like(o)]
        if pattern.converse and not (passive and anchor.tag_ == "VBN"):
            # "received weapons from the government": the giver acts ("according to X": X states; the
            # passive of the clause it qualifies is not its own)
            if not recipient_heads:
                return None  # "will acquire a weapon": no one gave it
            receiver = actor_head
            actor_head = recipient_heads[0]
            recipient_heads = [receiver] if receiver is not None else []
        subjects = passive_subjects(anchor)
        if passive and pattern.passive_subject == "recipient":
            # the passive's subject takes the object's place among the roles: "X was attacked", "the
            # relics were returned to Egypt" (the one they went to comes first)
            ordered = roles if "dobj" in roles else ["dobj", *roles]
            measure_told = bool(pattern.object) and matches_words(subjects, pattern.object)
            if "dobj" not in roles and measure_told:
                # the measure itself, which the pattern does not take for a participant: "security has been
                # tightened in the metropolis", "a curfew was imposed in the town"
                ordered = roles
            if measure_told and actor_head is None and cameo.startswith(OWNED_MEASURE_CODES):
                # whose sanctions or restrictions they are, if said, is who imposes or lifts them ("UN sanctions
                # against Iran were lifted", "Israel's blockade was eased"; not "Ayodhya's borders were sealed")
                actor_head = next((c for subject in subjects for c in subject.children
                                   if c.dep_ in ("poss", "compound") and resolver.is_actor_like(c)), None)
            recipient_heads = [t for role in ordered
                               for t in (subjects if role == "dobj" else self.finder.recipient_heads(trig, [role]))]
        elif passive and subjects:
            actor_head = subjects[0]  # "troops were deployed": the troops act
        elif pattern.passive_subject == "actor" and actor_head is None and trig.head.pos_ == "NOUN" \
                and (deployed := prep_object(trig.head, "of")) is not None:
            actor_head = deployed  # "the deployment of security personnel": as "security personnel were deployed"
            recipient_heads = [t for t in recipient_heads if t.i != deployed.i]

        obliged = self._reported_obligation(trig) if cameo == "010" and trig.head.lemma_ in self.reporting_verbs \
            else None
        if obliged is not None:  # "X said Y must ensure security": X demands of Y
            cameo = self.knowledge.recode_for("demand", cameo) or cameo
            recipient_heads = [c for c in obliged.children if c.dep_ == "nsubj"]
        actors = self._resolve_doer(resolver, actor_head)
        if not actors and pattern.implicit_actor and (passive or actor_head is None or actor_head.pos_ == "PRON") \
                and not (actor_head is None and not passive and is_infinitive(anchor)):
            # "five persons were arrested", "we have arrested five persons" (by a speaker not named); not
            # "an attempt to suppress ...", whose doer is not told
            actors = [resolver.implicit(pattern.implicit_actor)]
        if not actors and cameo[:2] in FORCE_ROOTS and (passive or actor_head is None):
            actors = self._attacker_in_clause(resolver, anchor, attacks)
        recipients = self._first_recipient(resolver, recipient_heads, actors, actor_head, trig.head, cameo,
                                           joint=pattern.reciprocal and len(actors) >= 2)
        for participant in recipients:  # "let free activists" (parsed "free activists"): the act is no part of them
            _trim_trigger(participant, trig.span, resolver.text)
        pressure = anchor.head if _infinitive_of_noun(anchor) and anchor.head.lemma_.lower() in self.pressure_nouns \
            else None
        if reporter is not None:  # the speaker demands; the one who must act is the target
            speaker, _ = self.finder.subject_of(reporter.head)
            recipients = actors
            actors = self._resolve_doer(resolver, speaker)
        elif pressure is not None:
            # "faces pressure from Congress to help Iran", "calls from Britain to impose sanctions": the act is
            # pressed for (an appeal, 02) by whom the pressure comes from, on whom it is put
            cameo = self.knowledge.recode_for("appeal", cameo) or cameo
            hypothetical = False
            presser = self._presser(pressure)
            pressed = prep_object(pressure, "on")
            if pressed is None and pressure.dep_ == "dobj":
                pressed, _ = self.finder.subject_of(pressure.head)
            actors = resolver.resolve(presser) if presser is not None else []
            recipients = resolver.resolve(pressed) if pressed is not None else []
        elif kind in ALLEGING:
            cameo, actors, recipients = self._allegation(resolver, governor, kind, cameo, actors, recipients)
        if pattern.agentive and not passive and actor_head is not None and not self._is_someone(actor_head, resolver):
            return None  # "the new law will help", "tools to help": a thing is no one's aid
        if pattern.two_sided and not recipients and len(actors) <= 1 and actor_head is not None \
                and actor_head.tag_ in ("NN", "NNP") and not actor_head.conjuncts \
                and not resolver.refers_back(actor_head) and not any(t.pos_ == "PRON" for t in recipient_heads):
            return None  # "the Cabinet met": no second party ("met with him" has one, if uncoded)
        reciprocal = pattern.reciprocal
        if pattern.jointly and len({a.country for a in actors if a.country}) >= 2:
            cameo, reciprocal = pattern.jointly, True  # "US and Jordanian forces staged a war game": together
        if reciprocal and not recipients and len(actors) >= 2 and resolver.refers_back(actor_head):
            # "the two sides discussed": the parties named before acted with each other; a compound
            # subject in the text ("Jordan and Britain agreed") stays one compound actor
            actors, recipients = actors[:1], actors[1:]
        if not actors and not recipients and pattern.weight < 0.5:
            return None  # a light verb with no participant reports nothing
        resolver.memory.remember_group(actors + recipients if reciprocal else actors)

        info = self.knowledge.code_info(cameo)
        sent = trig.head.sent
        when = self._date(sent, trig.head, story_date)
        weight = pattern.weight * (0.5 if self._in_background(trig.head) else 1.0)
        if _describes_a_noun(anchor):
            weight *= 0.5  # "weapons seized last year", "a resolution that aims to impose": who or what, not news
        if trig.head.pos_ not in ("VERB", "AUX") and _is_content_of_act(trig.head, self.light_verbs):
            weight *= 0.6  # "refused to respond to a demand": the demand is what was refused
        clause_head = _clause_of(trig.head, self.light_verbs)
        if kind in ALLEGING and cameo != pattern.cameo:
            clause_head = governor.head  # an accusation is made where the allegation is
        confidence = self._confidence(weight, clause_head, actors, recipients, negated, hypothetical)
        trigger_span = TextSpan(trig.span.text, trig.span.start_char, trig.span.end_char)
        if governor is not None:
            lo = min(governor.span.start_char, trig.span.start_char)
            hi = max(governor.span.end_char, trig.span.end_char)
            trigger_span = TextSpan(resolver.text[lo:hi], lo, hi)
        rule = pattern.id if governor is None else f"{governor.pattern.id}>{pattern.id}"
        mode = pattern.mode or info.plover_mode
        plover_type = info.plover_type
        if pattern.plover_type and cameo == pattern.cameo:  # the words fix the PLOVER type: "resigned"
            plover_type = pattern.plover_type
        event = Event(
            event_id=make_event_id(doc_id, sentence_index.get(sent.start, 0), trig.span.start_char, cameo,
                                   actors, recipients),
            doc_id=doc_id, sentence_index=sentence_index.get(sent.start, 0), sentence=sent.text.strip(),
            date=when.isoformat() if when else None, cameo=cameo, event_type=plover_type,
            mode=mode if plover_type else None, quad_class=info.quad_class, goldstein=info.goldstein,
            actor=actors, recipient=recipients, trigger=trigger_span, rule=rule,
            confidence=round(confidence, 3), location=self._location(trig.head),
            negated=negated, hypothetical=hypothetical, reciprocal=reciprocal, cameo_label=info.label,
            sentence_start=sent.start_char + (len(sent.text) - len(sent.text.lstrip())),
        )
        return event

    def _allegation(self, resolver: ActorResolver, governor: Trigger, kind: str, cameo: str, actors: list[Actor],
                    recipients: list[Actor]) -> tuple[str, list[Actor], list[Actor]]:
        """An act told in an allegation: by another, an accusation against its doer; by the one who
        alleges it, a claim of responsibility (aimed at the act's target); by the speaker's own side ("Trump
        claimed that the US military is hitting IS harder"), or where the table has no entry, as told."""
        speaker, _ = self.finder.subject_of(governor.head)
        alleging = self._resolve_doer(resolver, speaker)
        own = bool({a.code for a in actors if a.code} & {a.code for a in alleging if a.code}
                   or {a.start for a in actors if a.start is not None} & {a.start for a in alleging})
        own_side = bool(_executive_countries(actors) & _executive_countries(alleging))
        recoded = self.knowledge.recode_for("own_claim" if own else kind, cameo)
        if recoded is None or (own_side and not own):
            return cameo, actors, recipients
        return recoded, alleging, (recipients if own else actors)

    def _first_recipient(self, resolver: ActorResolver, heads: list[Token], actors: list[Actor],
                         actor_head: Token | None, trigger: Token, cameo: str, joint: bool = False) -> list[Actor]:
        """The target: the first candidate (in the pattern's role order) that is a codable actor; else
        an actor inside a non-actor object ("rejected an offer from Afghanistan"); else the subject of
        the clause a demand, accusation or comment is about ("demanded that the US cancel", "alleged that
        the police fired"); else the place aimed at ("sent troops to Bosnia"); else the plain object,
        uncoded ("condemned terrorism"), or what a hope or doubt is about ("is skeptical the program will
        succeed"); else, for a refusal, who pressed for what was refused. (``joint``: the actors do the act
        with each other, so where they do it is only the venue: "Israel and Hamas held talks in Cairo")"""
        statement = cameo.startswith("01")
        about_clause = cameo[:2] in ("01", "02", "10", "11")
        taken = {(a.start, a.end) for a in actors}
        fallback = None
        for head in heads:
            if actor_head is not None and head.i == actor_head.i:
                continue
            aimed_at = self._aimed_at(head)
            if aimed_at is not None and cameo.startswith(MEASURE_CODES):
                # "UN sanctions against Iran were lifted": imposing or lifting a measure is aimed at whom it
                # is on (condemning "the US sanctions against Venezuela" is aimed at who imposed them)
                hit = [a for a in resolver.resolve(aimed_at) if a.is_resolved]
                if hit:
                    return hit
            phrase = resolver.resolve(head)
            if not resolver.is_actor_like(head):
                # (not the doer: "a formula brokered by Norway" is Norway's act)
                inner = self._actor_inside(resolver, head, phrase, taken)
                if inner:
                    return inner
            # (the actor is not its own target, unless the words say so: "attacked themselves")
            found = phrase if head.lower_ in REFLEXIVE_PRONOUNS else [a for a in phrase
                                                                      if (a.start, a.end) not in taken]
            if any(a.is_resolved for a in found) or (found and _is_named(head) and head.ent_type_ not in NOT_ACTORS):
                return found
            if found and fallback is None \
                    and ((head.pos_ in ("NOUN", "PROPN") and head.ent_type_ not in NOT_ACTORS) or counts_people(head)
                         or resolver.is_partitive(head)) \
                    and not (statement and head.dep_ == "dobj"):
                fallback = found  # what was condemned, attacked, hoped for; what was said is no target
                if aimed_at is not None:  # "sanctions against X": X is hit
                    fallback = resolver.resolve(aimed_at) or fallback
        # "demanded that the US cancel", "voiced hope that the new government will": the subject of
        # the clause a demand, appeal, accusation or comment is about (the clause may hang on the verb,
        # its adjective or its noun: "is confident that", "voiced hope that")
        carriers = [trigger, *(c for c in trigger.children if c.dep_ in ("acomp", "dobj"))]
        topic = None
        for clause in (c for t in carriers for c in t.children) if about_clause else ():
            if clause.dep_ == "ccomp" or (clause.dep_ == "acl" and clause.head.i != trigger.i):
                subject = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                if subject is not None:
                    found = [a for a in resolver.resolve(subject) if (a.start, a.end) not in taken]
                    if any(a.is_resolved for a in found):  # ("said it would": the speaker is not its own target)
                        return [a for a in found if a.is_resolved]
                    if cameo in ("012", "013") and subject.pos_ in ("NOUN", "PROPN"):
                        topic = topic or found
        # (nor is the place the doer was named by: "a rocket fired from Gaza")
        place = [a for a in self._place_target(resolver, trigger, venue_preps=VENUE_PREPS if joint else ())
                 if (a.start, a.end) not in taken]
        return place or fallback or topic or (self._pressing(resolver, trigger) if cameo.startswith("12") else [])

    def _aimed_at(self, head: Token) -> Token | None:
        """Whom a measure is aimed at: "sanctions against X", "a ban on X" (X, whoever imposed them)."""
        if head.lemma_.lower() not in self.measure_nouns:
            return None
        return next((o for p in head.children if p.dep_ == "prep" and p.lower_ in ("on", "against")
                     for o in p.children if o.dep_ == "pobj" and o.pos_ in ("NOUN", "PROPN")), None)

    def _pressing(self, resolver: ActorResolver, trigger: Token) -> list[Actor]:
        """Who pressed for what was refused: "declined to resign despite pressure by the Commission",
        "refused under pressure from others in his party"."""
        for verb in (trigger, *trigger.ancestors):
            for prep in verb.children:
                pressure = dependent(prep, "pobj") if prep.dep_ == "prep" else None
                if pressure is None or pressure.lemma_.lower() not in self.pressure_nouns:
                    continue
                if (who := self._presser(pressure)) is not None:
                    return resolver.resolve(who)
            if verb.dep_ not in ("xcomp", "ccomp", "conj"):
                break
        return []

    @staticmethod
    def _presser(pressure: Token) -> Token | None:
        """Whom a pressure noun comes from: "pressure by the Commission", "calls from Britain", "Russia's demand"."""
        for by in pressure.children:
            if by.dep_ in ("prep", "agent") and by.lower_ in ("by", "from", "of") \
                    and (who := dependent(by, "pobj")) is not None:
                return who
        return dependent(pressure, "poss")

    def _actor_inside(self, resolver: ActorResolver, head: Token, phrase: list[Actor],
                      taken: set[tuple[int, int]]) -> list[Actor]:
        """Coded actors inside an object phrase (``phrase``: what the whole phrase resolves to), other than
        those ``taken`` (start, end) as the doers: "an offer from Afghanistan", "a ban imposed on Chadian
        citizens"; a named owner makes the whole phrase the target ("Theresa May's offer"). A partitive
        head ("dozens of supporters") keeps its whole phrase as the span. A phrase whose own modifiers name
        the actor ("the Taliban religious faction that ...") has none inside."""
        if any(c.dep_ in ("compound", "nmod", "amod") and resolver.is_named_actor_term(c) for c in head.children):
            return []
        owner = dependent(head, "poss")
        owned = [a for a in phrase if a.is_resolved and (a.start, a.end) not in taken]
        if owner is not None and owner.pos_ != "PRON" and owned:
            # "rejected Theresa May's offer on citizens' rights": whose act it is, before what it is about
            # (not "lifted its blockade of Yemen": "its" is the doer's own)
            return owned
        preps = [c for c in head.children if c.dep_ == "prep" and c.lower_ in INNER_PREPS]
        if not any(a.sector for a in phrase):
            # a thing somewhere is aimed at where it is ("a ceasefire in Libya", "an army base in western
            # Afghanistan"); a group somewhere is itself the target ("pressure groups in the United States")
            preps += [c for c in head.children if c.dep_ == "prep" and c.lower_ == "in"]
        # "a ban imposed on X", "sanctions aimed at X", "a march staged by X"; "weapons and other equipment
        # seized from X": the clause may hang on the last conjunct
        for clause in (c for noun in (head, *head.conjuncts) for c in noun.children):
            if clause.dep_ == "acl":  # (a relative clause says more about the object: "who was charged with")
                preps += [c for c in clause.children if c.dep_ in ("prep", "agent") and c.lower_ in INNER_PREPS]
        for prep in preps:
            obj = dependent(prep, "pobj")
            if obj is None:
                continue
            inner = [a for a in resolver.resolve(obj) if a.is_resolved and (a.start, a.end) not in taken]
            if inner and prep.head.i == head.i and prep.lower_ == "of" and \
                    (resolver.is_partitive(head) or head.like_num):
                outer = resolver.resolve(head)  # (again, after its members: the story's memory keeps the whole)
                if len(outer) == 1:
                    whole = outer[0]
                    return [Actor(text=whole.text, code=one.code, country=one.country, sector=one.sector,
                                  start=whole.start, end=whole.end) for one in inner]
            if inner:
                return inner
        return []

    def _place_target(self, resolver: ActorResolver, trigger: Token, venue_preps: tuple[str, ...] = ()) -> list[Actor]:
        """A country or capital the act was directed at or done in, as its target; for a restriction on an
        area, any place it is laid on (the gazetteer then tells the country). Places after ``venue_preps``
        are where the act happened only."""
        places = [trigger] + [c for c in trigger.children if c.dep_ in ("dobj", "xcomp")] + passive_subjects(trigger)
        # "agreed to postpone the rally in Baku": the open clause's object too
        places += [g for c in places[1:] for g in c.children if g.dep_ == "dobj"]
        on_area = any(self._is_area_measure(p) for p in places[1:])
        for place in places:
            for prep in place.children:
                if prep.dep_ == "prep" and prep.lower_ in TARGET_PLACE_PREPS and prep.lower_ not in venue_preps:
                    obj = dependent(prep, "pobj")
                    if obj is None:
                        continue
                    if resolver.is_country_term(obj):
                        return resolver.resolve(obj)
                    if on_area and prep.lower_ == "in" and (obj.pos_ == "PROPN" or obj.lemma_.lower() in
                                                            self.place_nouns) and obj.ent_type_ not in NOT_ACTORS:
                        return resolver.resolve(obj)
                    if obj.lemma_.lower() in self.place_nouns:  # "the besieged Bosnian town of Gorazde"
                        found = [a for a in resolver.resolve(obj) if a.country]
                        if found:
                            return found
        return []

    def _is_area_measure(self, noun: Token) -> bool:
        """Does the noun name a restriction laid on an area ("curfew", "martial law", "state of siege")?"""
        lemma = noun.lemma_.lower()
        names = {lemma} | {f"{c.lemma_.lower()} {lemma}" for c in noun.children if c.dep_ in ("amod", "compound")}
        names |= {f"{lemma} of {o.lemma_.lower()}" for p in noun.children if p.dep_ == "prep" and p.lower_ == "of"
                  for o in p.children if o.dep_ == "pobj"}
        return not names.isdisjoint(self.area_measures)

    @staticmethod
    def _attacker_in_clause(resolver: ActorResolver, verb: Token, attacks: frozenset[int]) -> list[Actor]:
        """Who did the force a passive leaves unnamed, named in the clause that tells when or how: "two
        people were killed when ISIL launched an attack", "were killed after a Taliban car bomb struck"."""
        # (the clause may hang on a conjoined verb: "were killed and 41 wounded after ...")
        for clause in (c for v in (verb, *verb.conjuncts) for c in v.children if c.dep_ == "advcl"):
            subject = dependent(clause, "nsubj")
            if subject is None:
                continue
            objects = [c.i for c in clause.children if c.dep_ == "dobj"]
            if attacks.intersection([clause.i, subject.i, *objects]):
                found = [a for a in resolver.resolve(subject) if a.is_resolved]
                if found:
                    return found
        return []

    def _resolve_doer(self, resolver: ActorResolver, head: Token | None) -> list[Actor]:
        """The actors a doer's head word resolves to; a document made public in a country ("a report
        released in the Rwandan capital") comes from that country."""
        if head is None:
            return []
        actors = resolver.resolve(head)
        if actors and not any(a.country for a in actors):
            self._issued_from(resolver, head, actors)
        return actors

    def _issued_from(self, resolver: ActorResolver, head: Token, actors: list[Actor]) -> None:
        for clause in head.children:
            if clause.dep_ != "acl" or clause.lemma_.lower() not in self.issuing_verbs:
                continue
            for prep in clause.children:
                place = dependent(prep, "pobj") if prep.dep_ == "prep" and prep.lower_ in ("in", "from") else None
                if place is None or not (resolver.is_country_term(place) or place.ent_type_ in PLACE_LABELS
                                         or place.lemma_.lower() in self.place_nouns):
                    continue
                country = next((a.country for a in resolver.resolve(place) if a.country), None)
                if country:
                    for actor in actors:
                        actor.country = country
                        actor.code = actor_code(country, actor.sector, None)
                    return

    def _date(self, sent: Span, head: Token, story_date: date | None) -> date | None:
        best = None
        for ent in sent.ents:
            if ent.label_ not in ("DATE", "TIME"):
                continue
            attached = any(anc.i == head.i for anc in ent.root.ancestors)
            resolved = resolve_date(ent.text, story_date)
            if resolved is not None and (best is None or attached):
                best = resolved
                if attached:
                    break
        return best or story_date

    def _location(self, head: Token) -> Location | None:
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ in LOCATIVE_PREPS:
                for tok in prep.subtree:
                    if tok.ent_type_ in PLACE_LABELS and tok.ent_iob_ == "B":
                        ent = next(e for e in tok.sent.ents if e.start == tok.i)
                        return Location(text=ent.text, country=None, start=ent.start_char, end=ent.end_char,
                                        method="clause")
        return None

    def _agentive(self, verb: Token, resolver: ActorResolver) -> bool:
        """Is the verb's subject someone who can refuse (not "the decree will not help")?"""
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        return subject is None or self._is_someone(subject, resolver)

    def _achieved(self, adjective: Token) -> bool:
        """"were able to arrest": an ability told in the past is an act done."""
        return adjective.lemma_ in self.achievement_adjectives and adjective.head.tag_ == "VBD"

    def _is_someone(self, head: Token, resolver: ActorResolver) -> bool:
        """Does the phrase name someone who can act, not a thing ("the new law", "tools")?"""
        if (members := self.finder.partitive_members(head)) is not None and self._is_someone(members, resolver):
            return True  # "dozens of countries" are countries
        return head.pos_ in ("PROPN", "PRON") or head.ent_type_ in NAMED_ACTORS \
            or head.lower_ in self.finder.actor_words or head.lemma_.lower() in self.polity_nouns \
            or any(a.is_resolved for a in resolver.resolve(head))  # "his country", "the group al-Nusra Front"

    def _reported_obligation(self, reporter: Trigger) -> Token | None:
        """The reported clause of "said Y must/should V" when V itself is no event trigger."""
        for child in reporter.head.children:
            if child.dep_ == "ccomp" and _aux(child) & self.obligation_aux:
                return child
        return None

    def _by_mishap(self, trigger: Token, actor_head: Token | None) -> bool:
        causes = [actor_head] if actor_head is not None else []
        causes += [dependent(prep, "pobj") for prep in trigger.children
                   if prep.dep_ in ("prep", "agent") and prep.lower_ in ("in", "by", "during")]
        return any(c is not None and c.lemma_.lower() in self.mishaps for c in causes)

    def _in_background(self, head: Token) -> bool:
        """Is the trigger inside a phrase that only sets the scene ("after the shooting")?"""
        for anc in head.ancestors:
            if anc.dep_ == "prep" and anc.lower_ in self.background_preps:
                return True
            if anc.dep_ == "pobj" and anc.lemma_ in self.background_nouns:
                return True
        return False

    @staticmethod
    def _confidence(weight: float, head: Token, actors: list[Actor], recipients: list[Actor],
                    negated: bool, hypothetical: bool) -> float:
        """How sure the coder is that this is the sentence's event, as coded: the pattern's prior,
        resolved participants, and whether the trigger is in the main clause."""
        main = not is_misparsed_reduced_relative(head) and (head.dep_ == "ROOT" or all(
            t.dep_ in ("ROOT", "ccomp", "conj", "xcomp", "parataxis") for t in [head, *head.ancestors]))
        score = 0.1 + 0.45 * weight
        score += 0.15 if any(a.is_resolved for a in actors) else 0.0
        score += 0.05 if any(a.is_resolved for a in recipients) else 0.0
        score += 0.2 if main else 0.0
        if negated or hypothetical:
            score *= 0.6
        return max(0.01, min(0.99, score))


def _executive_countries(actors: list[Actor]) -> set[str]:
    """The countries whose executive the actors are (government, armed forces, police, intelligence)."""
    return {a.country for a in actors if a.country and a.sector in EXECUTIVE_SECTORS}


def _trim_trigger(actor: Actor, trigger: Span, text: str) -> None:
    """Move the start of a participant's span past trigger words the parser put at its front."""
    if actor.start is None or not trigger.start_char <= actor.start < trigger.end_char < actor.end:
        return
    start = trigger.end_char
    while start < actor.end and text[start].isspace():
        start += 1
    actor.text, actor.start = text[start:actor.end], start


def _infinitive_of_noun(verb: Token) -> bool:
    """"permission to help Israel", "pressure to resign", "a plan to attack": an act a noun names as
    possible, not one that happened."""
    return verb.dep_ in ("acl", "relcl") and verb.head.pos_ == "NOUN" and is_infinitive(verb)


NOUN_PARTICIPANTS = {"poss", "agent"}
NOUN_PARTICIPANT_PREPS = {"by", "on", "against", "with", "between", "to", "from", "of"}


def _noun_reports_event(noun: Token, light_verbs: set[str]) -> bool:
    """Does an event noun report an event? Yes when it is what a clause is about (subject, or
    object of a light verb: "clashes erupted", "held talks"), a headline, or carries its own
    participants ("Israel's raid", "talks with Iran", "an attack on the convoy")."""
    if noun.dep_ in ("nsubj", "nsubjpass", "ROOT") or (noun.dep_ == "dobj" and _is_light(noun.head, light_verbs)):
        return True
    if noun.dep_ in ("conj", "appos") and noun.head.i != noun.i:
        return _noun_reports_event(noun.head, light_verbs)
    if noun.dep_ == "pobj" and noun.head.lower_ == "in" and (verb := noun.head.head).pos_ == "VERB" and (
            verb.lemma_ == "participate" or any(c.dep_ == "dobj" and c.lower_ == "part" for c in verb.children)):
        return True  # "took part in the killing", "participated in the attack"
    for child in noun.children:
        if child.dep_ in NOUN_PARTICIPANTS or (child.dep_ == "compound" and child.pos_ in ("NOUN", "PROPN")):
            return True  # "Israel's raid", "police firing"
        if child.dep_ == "prep" and child.lower_ in NOUN_PARTICIPANT_PREPS and any(
                g.dep_ == "pobj" and (g.pos_ == "PROPN" or g.ent_type_ in NAMED_ACTORS)
                for g in child.children):
            return True
        if child.dep_ in ("compound", "amod") and child.ent_type_ in ("GPE", "NORP", "ORG"):
            return True
    # "reiterated its stance in rejection of the measures": an event noun with its own object,
    # hanging from the clause's verb
    in_clause = noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ in ("VERB", "AUX")
    return in_clause and any(c.dep_ == "prep" and any(g.dep_ == "pobj" for g in c.children) for c in noun.children)


def _describes_a_noun(verb: Token) -> bool:
    """Is the clause a relative or participial clause that describes a participant? ("the town, where
    police opened fire" reports an act at a place or time, it describes nobody)"""
    return any(t.dep_ in ("relcl", "acl") and not any(c.tag_ == "WRB" for c in t.children)
               for t in [verb, *list(verb.ancestors)[:2]])


def _not_yet(verb: Token) -> bool:
    """"The police have yet to arrest the killers", "are yet to be detained": the act has not happened."""
    return verb.dep_ == "xcomp" and verb.head.lemma_ in ("have", "be") \
        and any(c.dep_ == "advmod" and c.lower_ == "yet" for c in verb.head.children)


def _is_halted(trig: Trigger, halt_nouns: set[str]) -> bool:
    """Is the act named as what stopped ("a lull in the fighting"), outside the trigger's own words?"""
    prep = trig.head.head
    return trig.head.dep_ == "pobj" and prep.lower_ in ("in", "to", "of") and prep.head.i != prep.i \
        and prep.head.lemma_.lower() in halt_nouns and not trig.span.start <= prep.head.i < trig.span.end


def _in_condition(verb: Token, marks: set[str]) -> bool:
    return verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in marks for c in verb.children)


def _is_content_of_act(noun: Token, light_verbs: set[str]) -> bool:
    """Is an event noun the object of another (non-light) verb: "condemned the attack", "rejected the
    demand"? Then it names what the act was about more than it reports an act of its own."""
    verb = noun.head
    if noun.dep_ == "pobj" and verb.dep_ == "prep":
        verb = verb.head
    return noun.dep_ in ("dobj", "pobj") and verb.pos_ == "VERB" and not _is_light(verb, light_verbs)


def _clause_of(head: Token, light_verbs: set[str]) -> Token:
    """The verb whose clause an event noun belongs to: "launched an attack", "reiterated its stance
    in rejection of"; a verb trigger is its own clause."""
    if head.pos_ in ("VERB", "AUX"):
        return head
    if head.dep_ == "dobj" and _is_light(head.head, light_verbs):
        return head.head
    if head.dep_ == "pobj" and head.head.dep_ == "prep" and head.head.head.pos_ in ("VERB", "AUX"):
        return head.head.head
    return head


def _is_light(verb: Token, light_verbs: set[str]) -> bool:
    return verb.lemma_ in light_verbs or verb.lower_ in light_verbs


def _verb_forms(verbs: Iterable[str]) -> set[str]:
    """Verbs with their regular inflections, for checks that must not rely on the lemmatizer."""
    forms = set()
    for v in verbs:
        stem = v[:-1] if v.endswith("e") else v
        forms.update({v, v + "s", v + "es", stem + "ed", stem + "ing", v + "d"})
    return forms


def _aux(token: Token) -> set[str]:
    """The auxiliaries of a verb; a conjoined verb without its own shares those of the first ("they will
    order a lathi charge or arrest us")."""
    own = {c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")}
    if not own and token.dep_ == "conj" and token.head.pos_ in ("VERB", "AUX"):
        return _aux(token.head)
    return own


def _nouns_inside_verbs(triggers: list[Trigger], light_verbs: set[str]) -> set[int]:
    """Triggers that restate another: a noun under a verb of the same family ("discussed in a
    telephone call") is coded on the verb; a light verb with an event noun as object ("held
    talks", "launched an attack") is coded on the noun."""
    roots = {t.head.i: t.pattern.cameo[:2] for t in triggers if t.head.pos_ in ("VERB", "AUX")}
    inside = set()
    for trig in triggers:
        if trig.head.pos_ in ("VERB", "AUX"):
            continue
        if trig.head.dep_ == "dobj" and _is_light(trig.head.head, light_verbs):
            inside.add(trig.head.head.i)
            continue
        if trig.head.dep_ == "nsubj" and trig.pattern.cameo[:2] in FORCE_ROOTS:
            continue  # "a suicide bombing killed 12": one act told twice, merged by _one_act_told_twice
        node = trig.head
        for _ in range(3):  # noun -> (preposition ->) verb
            node = node.head
            if node.i in roots:
                if roots[node.i] == trig.pattern.cameo[:2]:
                    inside.add(trig.head.i)
                break
            if node.dep_ not in ("prep", "pobj", "dobj", "ROOT"):
                break
    return inside


def _best_by_sentence(events: list[Event]) -> dict[int, float]:
    best: dict[int, float] = {}
    for e in events:
        best[e.sentence_index] = max(best.get(e.sentence_index, 0.0), e.confidence)
    return best


def _without_topics(events: list[Event], doc: Doc, light_verbs: set[str]) -> list[Event]:
    """An act named inside the object of another event's verb is that event's topic, not a second
    event: "blamed Israel for the bombing", "condemned the attack", "rejected an appeal for deploying
    troops". (A clause of its own inside the object still reports its own act.) So is an act inside what
    an appeal or demand asks for, unless the demand is an order, which does the act by authority."""
    spans = {id(e): span for e in events
             if (span := doc.char_span(e.trigger.start, e.trigger.end, alignment_mode="expand")) is not None}
    topics: set[int] = set()
    for e in events:
        span = spans.get(id(e))
        if span is None or e.cameo.startswith("01"):
            continue  # (what a statement is about stays news: "to a question on how many were killed, he said")
        asking = e.cameo[:2] in ASKING_ROOTS
        for head in (t for t in span if t.pos_ in ("VERB", "AUX")):  # "refused to respond to a demand"
            for child in head.children:
                if child.dep_ in ("dobj", "dative", "prep") and not _is_means(child):
                    topics |= {t.i for t in child.subtree if not _inside_own_clause(t, child)}
                elif asking and child.dep_ == "xcomp" and not _is_light(head, light_verbs):
                    # "called on X to ensure his hearing is open": what is asked for
                    topics |= {t.i for t in child.subtree if not _inside_own_clause(t, child, ("relcl", "advcl"))}
        if e.cameo.startswith("14"):  # "blocked roads demanding ...", "staged rallies, saying ...": its demand
            clause = span.root.head if span.root.dep_ == "dobj" else span.root  # (through "staged")
            for child in clause.children:
                if child.dep_ == "advcl" and child.tag_ == "VBG":
                    topics |= {t.i for t in child.subtree}
    return [e for e in events if id(e) not in spans or spans[id(e)].root.i not in topics]


def _is_means(prep: Token) -> bool:
    """"curbed the riots by arresting the ringleaders", "retaliated by shelling the town": "by" with a
    gerund tells the act through which the other was done, an act of its own, not its topic."""
    return prep.lower_ == "by" and any(c.dep_ == "pcomp" and c.tag_ == "VBG" for c in prep.children)


def _inside_own_clause(token: Token, top: Token, clauses: tuple[str, ...] = ("relcl", "advcl", "ccomp")) -> bool:
    while token.i != top.i:
        if token.dep_ in clauses:
            return True
        token = token.head
    return False


def _is_negation(token: Token, words: set[str]) -> bool:
    return token.dep_ == "neg" or (token.dep_ == "det" and token.lower_ in words)  # "not", "no troops"


def _is_negative_participant(token: Token, words: set[str]) -> bool:
    """"no one was arrested", "nobody was hurt", "arrested none of them": the act happened to no one."""
    return token.dep_ in ("nsubj", "nsubjpass", "dobj") and (
        token.lower_ in words or any(_is_negation(c, words) for c in token.children))


def _is_named(token: Token) -> bool:
    return token.pos_ == "PROPN" or token.ent_type_ in NAMED_ACTORS


def _to_wire(event: Event) -> dict:
    """An Event as a plain record that survives spaCy's inter-process serialisation."""
    rec = event.to_record()
    rec["sentence_start"] = event.sentence_start
    return rec


def _from_wire(rec: dict) -> Event:
    rec = dict(rec)
    rec["actor"] = [Actor(**a) for a in rec["actor"]]
    rec["recipient"] = [Actor(**a) for a in rec["recipient"]]
    rec["trigger"] = TextSpan(**rec["trigger"])
    rec["location"] = Location(**rec["location"]) if rec.get("location") else None
    return Event(**rec)


class Coder:
    """Codes stories into events. Loads the model and the dictionaries once.

    ``n_process`` > 1 parses and codes in that many worker processes (spaCy's multiprocessing).
    ``geocode`` resolves event places against the embedded gazetteer. ``all_events`` keeps every
    event found, not only each sentence's main events (see ``EventCoderComponent._main_events``).
    """

    def __init__(self, dictionaries: Iterable[str] = (), n_process: int = 1, batch_size: int = DEFAULT_BATCH,
                 geocode: bool = True, max_chars: int = 2_000_000, all_events: bool = False,
                 classifier: str | None = None):
        self.nlp = load_pipeline(tuple(str(d) for d in dictionaries), margin=1.0 if all_events else DEFAULT_MARGIN,
                                 classifier=str(classifier) if classifier is not None else None)
        self.nlp.max_length = max(self.nlp.max_length, max_chars + 1)
        self.n_process = n_process
        self.batch_size = batch_size
        self.geocode = geocode
        self._places = None

    @property
    def knowledge(self) -> Knowledge:
        return self.nlp.get_pipe("dyads_events").knowledge

    def code(self, stories: Iterable[Story], on_failure: Callable[[Story, str], None] | None = None
             ) -> Iterator[tuple[Story, list[Event]]]:
        """(story, events) for each story, in input order. A story the coder fails on is passed to
        ``on_failure`` (story, reason) and skipped, the rest are coded; without ``on_failure`` it raises
        :class:`CodingError`."""
        pairs = ((story.text, story) for story in stories)
        for doc, story in self.nlp.pipe(pairs, as_tuples=True, n_process=self.n_process,
                                        batch_size=self.batch_size):
            failure = doc.user_data.get(FAILURE_KEY)
            if failure is not None:
                if on_failure is None:
                    raise CodingError(story.id, failure)
                on_failure(story, failure)
                continue
            events = [_from_wire(r) for r in doc.user_data.get(EVENTS_KEY, [])]
            if self.geocode and events:
                self._locate(story, doc, events)
            yield story, events

    def code_text(self, text: str, doc_id: str = "text", story_date: date | None = None) -> list[Event]:
        """Convenience: the events of one text."""
        return next(self.code([Story(id=doc_id, text=text, date=story_date)]))[1]

    def _locate(self, story: Story, doc: Doc, events: list[Event]) -> None:
        """Attach gazetteer places to the events (see dyads.geo)."""
        try:
            from .geo.resolve import PlaceResolver
        except ImportError:  # geocoding not available in this installation
            self.geocode = False
            return
        if self._places is None:
            self._places = PlaceResolver()
        spans = self._places.detect(doc)
        countries = sorted({a.country for ev in events for a in ev.actor + ev.recipient
                            if a.country and len(a.country) == 3})
        places = self._places.resolve(story.text, spans, context_countries=countries)
        self._places.locate_events(story.text, events, places)
        _countries_from_places(events, places, {tuple(s) for s in doc.user_data.get(ASSUMED_KEY, [])}, story.text)


class CodingError(RuntimeError):
    """The coder failed on a story: which one, and why."""

    def __init__(self, story_id: str, reason: str):
        super().__init__(f"story {story_id}: {reason}")
        self.story_id = story_id
        self.reason = reason


def _purposes_served(triggers: list[Trigger]) -> set[int]:
    """The purpose clauses that made a pattern match (by its ``purpose``) and tell no act of their own: one that
    says only that it helps ("sent troops [to support the army]": the support is what the sending does, not a
    statement of support, 05), or the pattern's own act again ("ordered the paper [to suspend publication]").
    (A purpose that is another act stays one: "sent troops to distribute supplies"; a pattern that frames
    its purpose, "attempted to assassinate", recodes it instead.)"""
    served: dict[int, str] = {}  # purpose clause head -> the code of the pattern it made match
    for t in triggers:
        if t.pattern.purpose and not t.pattern.governs:
            for clause in t.head.children:
                if is_purpose_clause(clause) and purpose_words(clause) & set(t.pattern.purpose):
                    for word in (clause, *(c for c in clause.children if c.dep_ == "aux")):
                        served[word.i] = t.pattern.cameo
    return {t.head.i for t in triggers if t.head.i in served
            and (t.pattern.cameo.startswith("05") or t.pattern.cameo == served[t.head.i])}


def _one_act_told_twice(events: list[Event], triggers: list[Trigger], event_of: dict[int, Event]) -> list[Event]:
    """"A suicide bombing by the Taliban killed 12 policemen", "three soldiers were killed in a suicide
    bombing": the verb tells what the act its subject, or the act it happened in, did. One event: the more
    specific of the two codes, with the verb's target and its subject as the doer unless only the noun
    names one ("the attack by militants")."""
    by_head = {t.head.i: t for t in triggers}
    dropped: set[int] = set()
    for verb in triggers:
        if verb.pattern.cameo[:2] not in FORCE_ROOTS:
            continue
        subject = dependent(verb.head, "nsubj")
        noun = next((by_head[t.i] for t in [subject, *act_phrases(verb.head)] if t is not None and t.i in by_head),
                    None)
        if noun is None or noun.pattern.cameo[:2] not in FORCE_ROOTS:
            continue
        told, named = event_of.get(verb.head.i), event_of.get(noun.head.i)
        if told is None or named is None or told.negated != named.negated:
            continue
        kept, other = (named, told) if _specificity(named.cameo) > _specificity(told.cameo) else (told, named)
        # ("two suicide bombers killed 23 people": the clause's subject is the doer when it is coded)
        kept.actor = told.actor if any(a.is_resolved for a in told.actor) or not named.actor else named.actor
        kept.recipient = told.recipient or named.recipient
        kept.confidence = max(kept.confidence, other.confidence)
        dropped.add(id(other))
    return [e for e in events if id(e) not in dropped]


def _specificity(cameo: str) -> int:
    """How narrowly a CAMEO code names an act: "1831" (suicide bombing) over "190" (fighting in general)."""
    return len(cameo) - cameo.endswith("0")


def _home_not_from_a_counterpart_state(events: list[Event], resolver: ActorResolver) -> None:
    """A body given the story's country by assumption does not act on that country as a whole: in "the
    Federal Foreign Office provided aid to Yemen" the story names only the target state, so the doer's
    country is not known. (A state does act on its own people: "Venezuela released political activists";
    and a target that is someone or something in the country, "ordered the newspaper La Prensa to close",
    "will boycott Algeria's elections", or what a statement is about, leaves the assumption standing.)"""
    assumed, memory = resolver.assumed_country, resolver.memory
    for event in events:
        if event.cameo[:2] == "01":
            continue
        for i, actor in enumerate(event.actor):
            state = next((r for r in event.recipient if r.country == actor.country and r.sector is None
                          and resolver.is_a_state(r)), None)
            if (actor.start, actor.end) in assumed and state is not None:
                country = memory.home_country_outside((state.start, state.end))
                event.actor[i] = replace(actor, country=country, code=actor_code(country, actor.sector, None))


def _countries_from_places(events: list[Event], places: list[dict], assumed: set[tuple[int, int]],
                           text: str) -> None:
    """An actor named after a place the dictionaries do not know ("Darfur rebels", "the government of
    Sindh province") belongs to the country the gazetteer puts that place in, also over the story's
    country the coder assumed for it (``assumed``: "Kolkata police" in a story about the US); a material
    conflict act (protest, coercion, assault) with no named target is directed at the country where it
    happens."""
    # (not "approximate" places, nor a side taken: "pro-Russia rebels" are not Russian)
    located = [p for p in places if p.get("country") and p.get("feature")
               and not names_a_side_taken(text, p["start"], p["end"])]
    for event in events:
        loc = event.location
        # "hundreds of thousands of people blocked streets in Hong Kong": a doer of no stated nationality
        # acting where the act happens is taken to be from there
        scene = loc.country if loc is not None and loc.country and loc.method == "clause" else None
        for actor, doer in [(a, True) for a in event.actor] + [(r, False) for r in event.recipient]:
            if actor.start is None:
                continue
            inside = next((p for p in located if actor.start <= p["start"] and p["end"] <= actor.end), None)
            # ("killed 23 people in Tel Aviv": those force hits are from where it hit them, whatever the
            # story's country)
            hit_there = not doer and event.quad_class == 4 and scene
            if actor.country and not ((actor.start, actor.end) in assumed and (inside is not None or hit_there)):
                continue
            if inside is not None:
                country = inside["country"]
            elif actor.sector and (doer or hit_there):
                country = scene
            else:
                country = None
            if country:
                actor.country = country
                actor.code = actor_code(actor.country, actor.sector, None)
        if event.quad_class == 4 and not event.recipient and loc is not None and loc.country \
                and loc.method in ("clause", "sentence"):
            # a protest, blockade or attack with no named target is aimed at the country it happens in
            event.recipient = [Actor(text=loc.text, code=loc.country, country=loc.country, sector=None,
                                     start=loc.start, end=loc.end)]
