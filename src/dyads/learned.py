"""A learned sentence classifier that backs off the rules (optional: ``dyads train``, ``--classifier DIR``).

The rules stay the coder. A spaCy ``textcat_multilabel`` pipeline trained on the user's own gold says, per
sentence, how likely each event class is; the ``dyads_learned`` component (after ``dyads_events``) uses it
in two ways only:

* **re-ranking**: a rule event's confidence ``c`` becomes ``(1 - w) * c + w * p``, where ``p`` is the
  classifier's probability of the event's class (its PLOVER type, or for a model trained on penta-only
  gold the penta class of its CAMEO root) and ``w`` the model's ``rerank_weight``. Participants, codes and
  spans are untouched; events of a class the model does not know keep their confidence.
* **back-off**: a sentence where the rules found no event of a class the model knows (no typed event;
  for penta labels, no event at all) gets one event of the most probable class if its probability reaches
  the model's ``threshold``. It says where it came from: ``rule`` is ``learned:<LABEL>``, the trigger is
  the whole sentence, its confidence ``backoff_scale * p`` is below most rule events, its CAMEO code is
  the most general code of the class, and its participants are only those the sentence's grammatical
  subject and object resolve to (``ActorResolver``), never guessed.

Labels come from the gold: a dataset whose events carry PLOVER ``event_type``s gives one label per type
(a record without a typed event: all negative); a dataset whose events carry only ConfliBERT's five
``penta`` classes (conflibert-cameo) gives the labels ``penta:0`` .. ``penta:4``. A record's labels of the
other family are missing, not negative (spaCy masks them in the loss). Datasets with neither
(india-police-events' police labels, place gold) are skipped.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import compounding, fix_random_seed, minibatch

from .evaluate import PENTA_OF_CAMEO_ROOT, load_gold, read_jsonl
from .events import dependent

META_KEY = "dyads_classifier"  # the model's own settings, inside spaCy's meta.json
PENTA_PREFIX = "penta:"
DEFAULT_THRESHOLD = 0.5
DEFAULT_RERANK_WEIGHT = 0.5
DEFAULT_BACKOFF_SCALE = 0.5
DEFAULT_EPOCHS = 10
DEFAULT_SEED = 0

# What a penta label backs off to: CAMEO has no code for a whole class, so the root its annotators chose
# most often for it (ConfliBERT's annotation rounds, ../shared/gold/PENTA.md, evidence 1).
PENTA_BACKOFF_CAMEO = {0: "01", 1: "03", 2: "06", 3: "11", 4: "17"}

# spaCy's own text classifiers: a bag of words and n-grams, or spaCy's default ensemble of that with a
# small CNN over subword features (its own embeddings: nothing pretrained is downloaded).
ARCHITECTURES = {
    "bow": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 2,
            "no_output_layer": False, "length": 2 ** 16},
    "ensemble": None,  # textcat_multilabel's default model
}


class ClassifierError(ValueError):
    """A classifier directory that cannot be used, or gold that cannot train one."""


# ------------------------------------------------------------------------------------------ training data
@dataclass
class TrainingSet:
    """The examples ``dyads train`` learns from, and what they were made of (for the model's meta)."""

    texts: list[str] = field(default_factory=list)
    cats: list[dict[str, float]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "<file>: <dataset>: why"


def _label_family(records: list[dict]) -> str | None:
    """"type" when the dataset's events carry PLOVER types, "penta" when only penta classes, else None."""
    events = [e for r in records for e in r.get("events", [])]
    if any(e.get("event_type") for e in events):
        return "type"
    if any(e.get("penta") is not None for e in events):
        return "penta"
    return None


def _positive_labels(record: dict, family: str) -> set[str] | None:
    """The record's labels of its family (``None``: unknown, as for a penta record without a class)."""
    events = record.get("events", [])
    if family == "type":
        return {e["event_type"] for e in events if e.get("event_type")}
    pentas = {e.get("penta") for e in events}
    if None in pentas and events:
        return None
    return {f"{PENTA_PREFIX}{p}" for p in pentas}


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_training_gold(paths: Sequence[Path]) -> TrainingSet:
    """One example per gold record: its text and, for each label of its family, 1.0 or 0.0."""
    data = TrainingSet()
    labelled: list[tuple[str, str, set[str]]] = []  # (text, family, positives)
    for path in paths:
        if not any(row.get("events") for row in read_jsonl(path)):
            data.skipped.append(f"{path}: no events (place or sentence-label gold)")
            continue
        records = load_gold(path)
        by_dataset: dict[str, list[dict]] = {}
        for record in records:
            by_dataset.setdefault(record["dataset"], []).append(record)
        used = 0
        for dataset, rows in by_dataset.items():
            family = _label_family(rows)
            if family is None:
                data.skipped.append(f"{path}: {dataset}: no event types or penta classes")
                continue
            for record in rows:
                positives = _positive_labels(record, family)
                if positives is not None and record["text"].strip():
                    labelled.append((record["text"], family, positives))
                    used += 1
        data.files.append({"path": str(path), "sha256": sha256_of(path), "records": len(records),
                           "examples": used})
    if not labelled:
        raise ClassifierError("no training examples: the gold has no event types or penta classes")
    # Only classes the gold shows: a class never seen would only push its rule events down.
    data.labels = sorted({label for _, _, positives in labelled for label in positives})
    from .nlp import knowledge_for

    plover_types = {info.plover_type for info in knowledge_for(()).cameo.values()}
    unknown = [label for label in data.labels if not label.startswith(PENTA_PREFIX) and label not in plover_types]
    if unknown:
        raise ClassifierError(f"gold event types that are not PLOVER types: {', '.join(unknown)}")
    for text, family, positives in labelled:
        own = [label for label in data.labels if label.startswith(PENTA_PREFIX) == (family == "penta")]
        data.texts.append(text)
        data.cats.append({label: float(label in positives) for label in own})
    return data


# ------------------------------------------------------------------------------------------ training
def train_classifier(paths: Sequence[Path], out: Path, *, epochs: int = DEFAULT_EPOCHS, seed: int = DEFAULT_SEED,
                     threshold: float = DEFAULT_THRESHOLD, architecture: str = "bow",
                     on_epoch: Callable[[int, float], None] | None = None) -> dict:
    """Train a ``textcat_multilabel`` pipeline on gold files and save it to ``out``; returns its meta.

    The same files, seed and versions give the same model: the seed fixes spaCy's initialisation and the
    order examples are shown in.
    """
    if architecture not in ARCHITECTURES:
        raise ClassifierError(f"unknown architecture {architecture!r} (choose from {', '.join(ARCHITECTURES)})")
    data = read_training_gold(paths)
    started = time.perf_counter()
    fix_random_seed(seed)
    nlp = spacy.blank("en")
    model = ARCHITECTURES[architecture]
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": model} if model else {})
    for label in data.labels:
        textcat.add_label(label)
    examples = [Example.from_dict(nlp.make_doc(text), {"cats": cats})
                for text, cats in zip(data.texts, data.cats, strict=True)]
    optimizer = nlp.initialize(lambda: examples)
    shuffler = random.Random(seed)
    loss = 0.0
    for epoch in range(1, epochs + 1):
        order = list(examples)
        shuffler.shuffle(order)
        losses: dict[str, float] = {}
        for batch in minibatch(order, size=compounding(4.0, 32.0, 1.001)):
            nlp.update(batch, sgd=optimizer, losses=losses)
        loss = losses.get("textcat_multilabel", 0.0)
        if on_epoch is not None:
            on_epoch(epoch, loss)
    counts = Counter(label for cats in data.cats for label, value in cats.items() if value)
    meta = {
        "labels": data.labels, "threshold": threshold, "rerank_weight": DEFAULT_RERANK_WEIGHT,
        "backoff_scale": DEFAULT_BACKOFF_SCALE, "architecture": architecture, "epochs": epochs, "seed": seed,
        "examples": len(examples), "positives": dict(sorted(counts.items())), "final_loss": round(loss, 6),
        "training_files": data.files, "skipped": data.skipped, "train_seconds": round(time.perf_counter() - started, 2),
        "dyads_version": _version("dyads"), "spacy_version": spacy.__version__,
    }
    nlp.meta.update({"name": "dyads_classifier", "version": "0.0.0",
                     "description": "dyads: sentence event classes learned from gold (dyads train)",
                     META_KEY: meta})
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    return meta


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


# ------------------------------------------------------------------------------------------ using it
def classifier_meta(path: str | Path) -> dict:
    """The settings of a classifier saved by ``dyads train`` (read before anything heavy is loaded);
    a clear ClassifierError for any other path."""
    path = Path(path)
    meta_file = path / "meta.json"
    if not path.is_dir():
        raise ClassifierError(f"{path}: no such classifier directory (train one with `dyads train`)")
    if not meta_file.is_file():
        raise ClassifierError(f"{path}: not a dyads classifier (no meta.json; train one with `dyads train`)")
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ClassifierError(f"{path}: unreadable meta.json ({exc})") from None
    if not isinstance(meta, dict) or META_KEY not in meta:
        raise ClassifierError(f"{path}: not a dyads classifier (meta.json has no '{META_KEY}'; "
                              "train one with `dyads train`)")
    return meta[META_KEY]


def load_classifier(path: str | Path) -> Language:
    """A classifier saved by ``dyads train``; a clear ClassifierError for anything else."""
    classifier_meta(path)
    try:
        return spacy.load(path)
    except (OSError, ValueError) as exc:
        raise ClassifierError(f"{path}: cannot load the classifier ({exc})") from None


def most_general_cameo(label: str, cameo_codes: Iterable) -> str:
    """The CAMEO code an event of a label gets: the shortest (then lowest) code of a PLOVER type
    ("ASSAULT" -> "18", "RETREAT" -> "084"); for a penta class, PENTA_BACKOFF_CAMEO."""
    if label.startswith(PENTA_PREFIX):
        return PENTA_BACKOFF_CAMEO[int(label[len(PENTA_PREFIX):])]
    codes = [info.code for info in cameo_codes if info.plover_type == label]
    if not codes:
        raise ClassifierError(f"label {label!r} is no PLOVER type of the CAMEO table")
    return min(codes, key=lambda code: (len(code), code))


@Language.factory("dyads_learned", default_config={"path": ""})
def make_learned_backoff(nlp: Language, name: str, path: str) -> LearnedBackoff:
    return LearnedBackoff(nlp, load_classifier(path))


class LearnedBackoff:
    """spaCy component (after ``dyads_events``): re-ranks the rule events of each sentence by the
    classifier and backs off to it where the rules found nothing (see the module docstring)."""

    def __init__(self, nlp: Language, classifier: Language):
        coder = nlp.get_pipe("dyads_events")
        self.knowledge = coder.knowledge
        self.term_lookup = nlp.get_pipe("dyads_actor_terms").term
        self.classifier = classifier
        meta = classifier.meta[META_KEY]
        self.labels: list[str] = list(meta["labels"])
        self.threshold = float(meta["threshold"])
        self.rerank_weight = float(meta["rerank_weight"])
        self.backoff_scale = float(meta["backoff_scale"])
        self.type_labels = [label for label in self.labels if not label.startswith(PENTA_PREFIX)]
        self.penta_labels = [label for label in self.labels if label.startswith(PENTA_PREFIX)]
        self.backoff_cameo = {label: most_general_cameo(label, self.knowledge.cameo.values())
                              for label in self.labels}

    def __call__(self, doc: Doc) -> Doc:
        from .coder import EVENTS_KEY, _from_wire, _to_wire  # the coder imports the pipeline module

        sentences = list(doc.sents)
        if not sentences:
            return doc
        probabilities = [cls_doc.cats for cls_doc in self.classifier.pipe(s.text.strip() for s in sentences)]
        events = [_from_wire(rec) for rec in doc.user_data.get(EVENTS_KEY, [])]
        for event in events:
            label = self.label_of(event)
            if label is not None and event.sentence_index < len(probabilities):
                p = probabilities[event.sentence_index][label]
                event.confidence = round((1 - self.rerank_weight) * event.confidence + self.rerank_weight * p, 3)
        resolver = None
        for index, (sentence, cats) in enumerate(zip(sentences, probabilities, strict=True)):
            label = self.backoff_label(cats, [e for e in events if e.sentence_index == index])
            if label is None:
                continue
            if resolver is None:
                resolver = self._resolver(doc)
            events.append(self._backoff_event(doc, sentence, index, label, cats[label], resolver))
        events.sort(key=lambda e: e.trigger.start)
        doc.user_data[EVENTS_KEY] = [_to_wire(e) for e in events]
        return doc

    def label_of(self, event) -> str | None:
        """The classifier's label for a rule event: its PLOVER type, else the penta class of its code."""
        if event.event_type in self.type_labels:
            return event.event_type
        penta = PENTA_OF_CAMEO_ROOT.get(event.cameo[:2])
        label = f"{PENTA_PREFIX}{penta}"
        return label if label in self.penta_labels else None

    def backoff_label(self, cats: dict[str, float], sentence_events: list) -> str | None:
        """The label a sentence backs off to, if any: the most probable one at or above the threshold
        among the types when the rules found no typed event there, and among the penta classes when
        they found no event at all."""
        candidates = []
        if not any(e.event_type for e in sentence_events):
            candidates += self.type_labels
        if not sentence_events:
            candidates += self.penta_labels
        best = max(candidates, key=lambda label: cats[label], default=None)
        return best if best is not None and cats[best] >= self.threshold else None

    def _resolver(self, doc: Doc):
        from .actors import ActorResolver

        story = getattr(doc, "_context", None)
        story_date = getattr(story, "date", None)
        resolver = ActorResolver(doc, self.term_lookup, self.knowledge,
                                 story_date.isoformat() if story_date else None)
        resolver.learn_titles()
        return resolver

    def _backoff_event(self, doc: Doc, sentence, index: int, label: str, probability: float, resolver):
        from .models import Event, make_event_id
        from .models import Span as TextSpan

        story = getattr(doc, "_context", None)
        doc_id = getattr(story, "id", None) or "doc"
        story_date = getattr(story, "date", None)
        actors, recipients = self._participants(sentence.root, resolver)
        text = sentence.text.strip()
        start = sentence.start_char + (len(sentence.text) - len(sentence.text.lstrip()))
        cameo = self.backoff_cameo[label]
        info = self.knowledge.code_info(cameo)
        event_type = label if label in self.type_labels else info.plover_type
        return Event(
            event_id=make_event_id(doc_id, index, start, cameo, actors, recipients), doc_id=doc_id,
            sentence_index=index, sentence=text, date=story_date.isoformat() if story_date else None,
            cameo=cameo, event_type=event_type, mode=info.plover_mode if event_type else None,
            quad_class=info.quad_class, goldstein=info.goldstein, actor=actors, recipient=recipients,
            trigger=TextSpan(text, start, start + len(text)), rule=f"learned:{label}",
            confidence=round(self.backoff_scale * probability, 3), cameo_label=info.label, sentence_start=start)

    @staticmethod
    def _participants(root, resolver) -> tuple[list, list]:
        """Coded actors of the sentence's grammatical subject (doer) and object (target): "Nigerian
        authorities jailed 52 members of MASSOB"; in the passive, the agent and the subject."""
        passive = dependent(root, "nsubjpass")
        if passive is not None:
            agent = dependent(root, "agent")
            doer, target = (dependent(agent, "pobj") if agent is not None else None), passive
        else:
            doer, target = dependent(root, "nsubj"), dependent(root, "dobj")

        def coded(head) -> list:
            return [a for a in resolver.resolve(head) if a.is_resolved] if head is not None else []

        actors = coded(doer)
        taken = {(a.start, a.end) for a in actors}
        return actors, [a for a in coded(target) if (a.start, a.end) not in taken]

