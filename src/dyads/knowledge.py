"""Linguistic and codebook knowledge, loaded from the data files in ``dyads/data`` (and user files).

Nothing is loaded at import time: ``Knowledge.load()`` reads the packaged YAML/TSV files, then any
user dictionaries, which extend or override the packaged entries (same id / same phrase wins last).

User dictionary format (YAML, every section optional)::

    events:        [ ...entries as in data/events.yaml... ]
    countries:     [ ...entries as in data/countries.yaml... ]
    organizations: [ ...entries as in data/organizations.yaml... ]
    agents:        { GOV: [phrase, ...], ... }
    people:        [ ...entries as in data/people.yaml... ]
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

DATA_PACKAGE = "dyads.data"


@dataclass(frozen=True)
class CameoCode:
    code: str
    label: str
    goldstein: float
    quad_class: int
    plover_type: str | None
    plover_mode: str | None
    plover_context: str | None


@dataclass(frozen=True)
class ActorTerm:
    """What a phrase in the text tells about an actor.

    kind: country | demonym | capital | government | organization | agent | person | region
    """

    phrase: str
    kind: str
    country: str | None = None
    sector: str | None = None
    code: str | None = None  # full code for organisations (e.g. IGOUNO)
    valid_from: str | None = None
    valid_to: str | None = None


@dataclass
class EventPattern:
    """One trigger pattern implementing one CAMEO code (see data/events.yaml for the fields)."""

    id: str
    cameo: str
    verbs: list[str] = field(default_factory=list)
    nouns: list[str] = field(default_factory=list)
    object: list[str] = field(default_factory=list)
    unless_object: list[str] = field(default_factory=list)  # objects that make it no act ("fight crime")
    context: list[str] = field(default_factory=list)
    purpose: list[str] = field(default_factory=list)  # the act's purpose clause verb ("sent troops to help")
    recipient: list[str] = field(default_factory=list)
    reciprocal: bool = False
    mode: str | None = None
    weight: float = 1.0
    governs: str | None = None  # intent | wish | threaten | refuse | appeal | demand | ... (events.yaml)
    passive_subject: str = "recipient"  # "X was attacked": X is the recipient; "troops were deployed": actor
    implicit_actor: str | None = None  # sector of the unnamed doer of a passive ("were arrested": police)
    plover_type: str | None = None  # where the words fix a PLOVER type the CAMEO code's table entry lacks
    frames_only: bool = False  # no event by itself, only through the act it governs ("wants to attack")
    takes_clause: bool = False  # reports only with a that-clause: "concluded that ...", not "talks concluded"
    needs_to: bool = False  # reports only with "to" after it: "plans to visit", "committed to peace"
    two_sided: bool = False  # needs a second party: one body meeting by itself ("the Cabinet met") is no event
    no_mention: bool = False  # a noun never reported by a passing mention ("reducing violence")
    agentive: bool = False  # the doer must be someone, not a thing: "the new law will help" is no aid
    voice: str | None = None  # "passive": only in the passive ("50 were held"); "transitive": only with an
    # object or in the passive ("police dispersed the mob", not "the mob dispersed"); "intransitive": only
    # without an object or a clause as one, and not in the passive ("the workers struck", not "a car bomb
    # struck a bus"); "active": only with an object, not in the passive ("armed the rebels", not "armed with")
    converse: bool = False  # the subject undergoes the act, the recipient roles name its doer ("received
    # weapons from the government": the government gave)
    jointly: str | None = None  # the CAMEO code of the act when parties of two or more countries do it together
    # ("US marines and Jordanian forces staged a war game": military cooperation, not a show of force)


@dataclass
class Knowledge:
    cameo: dict[str, CameoCode]
    actor_terms: dict[str, ActorTerm]  # keyed by normalised phrase
    case_sensitive_terms: dict[str, ActorTerm]  # short all-capital forms: "US", "UN", "EU"
    patterns: list[EventPattern]
    recode: dict[str, dict[str, str]]  # governor kind -> {cameo root or "default": new code}
    modality: dict[str, frozenset[str]]  # word lists of events.yaml "modality" (auxiliaries, light verbs...)
    default_recipients: dict[str, list[str]]  # "verb" / "noun" -> roles used when a pattern names none
    people_roles: dict[str, list[ActorTerm]] = field(default_factory=dict)  # name -> terms of office
    # name -> the words of every name of the people it may stand for ("bush" -> george, herbert, walker, w, ...)
    name_words: dict[str, frozenset[str]] = field(default_factory=dict)
    org_codes: dict[tuple[str, str], str] = field(default_factory=dict)  # (country, sector) -> org code
    sources: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, user_files: Sequence[str | Path] = ()) -> Knowledge:
        packaged = resources.files(DATA_PACKAGE)
        sections: dict = {
            "cameo": _read_cameo(packaged.joinpath("cameo.tsv").read_text("utf-8")),
            "countries": _yaml(packaged.joinpath("countries.yaml").read_text("utf-8")) or [],
            "organizations": _yaml(packaged.joinpath("organizations.yaml").read_text("utf-8")) or [],
            "agents": _yaml(packaged.joinpath("agents.yaml").read_text("utf-8")) or {},
            "people": _yaml(packaged.joinpath("people.yaml").read_text("utf-8")) or [],
            "regions": _yaml(packaged.joinpath("regions.yaml").read_text("utf-8")) or [],
        }
        events_doc = _yaml(packaged.joinpath("events.yaml").read_text("utf-8"))
        sections["events"] = events_doc["events"]
        recode = events_doc["recode"]
        modality = {name: frozenset(words) for name, words in events_doc["modality"].items()}
        defaults = events_doc["defaults"]
        sources = ["dyads/data"]
        for path in user_files:
            doc = _yaml(Path(path).read_text("utf-8")) or {}
            if not isinstance(doc, dict):
                raise ValueError(f"{path}: a user dictionary must be a YAML mapping of sections")
            unknown = set(doc) - {"events", "countries", "organizations", "agents", "people", "regions", "recode"}
            if unknown:
                raise ValueError(f"{path}: unknown sections {sorted(unknown)}")
            for key in ("events", "countries", "organizations", "people", "regions"):
                sections[key] = list(sections[key]) + list(doc.get(key) or [])
            for sector, phrases in (doc.get("agents") or {}).items():
                sections["agents"].setdefault(sector, [])
                sections["agents"][sector] = list(sections["agents"][sector]) + list(phrases)
            for kind, table in (doc.get("recode") or {}).items():
                recode.setdefault(kind, {}).update(table)
            sources.append(str(path))

        terms: dict[str, ActorTerm] = {}
        case_sensitive: dict[str, ActorTerm] = {}
        people_roles: dict[str, list[ActorTerm]] = {}
        for term in _actor_terms(sections):
            if _is_acronym(term.phrase):
                case_sensitive[term.phrase] = term  # "US", "HAMAS": never shadows "Hamas" or "us"
            else:
                terms[normalize_phrase(term.phrase)] = term  # later entries (user files) override
            if term.kind == "person":
                people_roles.setdefault(normalize_phrase(term.phrase), []).append(term)
        words_of: dict[str, set[str]] = {}
        for p in sections["people"]:
            names = [p["name"], *(p.get("aliases") or [])]
            words = {w.strip(".,").lower() for n in names for w in normalize_phrase(n).replace("-", " ").split()}
            for name in names:
                words_of.setdefault(normalize_phrase(name), set()).update(words)
        name_words = {name: frozenset(words) for name, words in words_of.items()}
        # An organization whose sector is its own name (IGO + EC is the European Commission, IGOEUREC)
        # gives its code to whoever is resolved to that country and sector ("Juncker"). A role sector is
        # no name: "Syrian rebels" are not the SDF, nor "the Iranian military" the IRGC.
        org_codes = {(o.get("country"), o.get("sector")): o["code"] for o in sections["organizations"]
                     if o.get("code") and o.get("country") and o.get("sector") not in (None, *sections["agents"])}

        patterns: dict[str, EventPattern] = {}
        for entry in sections["events"]:
            pattern = _pattern(entry, sections["cameo"])
            patterns[pattern.id] = pattern
        return cls(cameo=sections["cameo"], actor_terms=terms, case_sensitive_terms=case_sensitive,
                   patterns=list(patterns.values()), recode=recode, modality=modality,
                   default_recipients={"verb": defaults["verb_recipient"],
                                       "noun": defaults["noun_recipient"]},
                   people_roles=people_roles, name_words=name_words, org_codes=org_codes, sources=sources)

    def term_named(self, text: str) -> ActorTerm | None:
        """The actor term a name stands for: its exact short capital form ("US") or its normalised phrase."""
        return self.case_sensitive_terms.get(text) or self.actor_terms.get(normalize_phrase(text))

    def code_info(self, code: str) -> CameoCode:
        """The codebook entry of a CAMEO code (falling back to its parent for unknown sub-codes)."""
        while code and code not in self.cameo:
            code = code[:-1]
        return self.cameo[code]

    def person_role(self, term: ActorTerm, on: str | None) -> ActorTerm:
        """The role a person's name stood for on a date (ISO): people hold offices for a time, and a
        name can be two people ("Bush"). Without a date, the latest role; out of office, the person's
        country with no sector."""
        roles = self.people_roles.get(normalize_phrase(term.phrase), [term])
        if on is None:
            return roles[-1]
        for role in roles:
            if (role.valid_from is None or role.valid_from <= on) and (role.valid_to is None or on <= role.valid_to):
                return role
        # out of office on that date: still of their country, holding none of the offices listed
        return dataclasses.replace(roles[-1], sector=None, valid_from=None, valid_to=None)

    def recode_for(self, kind: str, cameo: str) -> str | None:
        """New code when an event verb is governed by e.g. "threatened to" / "refused to"."""
        table = self.recode.get(kind)
        if not table:
            return None
        return table.get(cameo, table.get(cameo[:3], table.get(cameo[:2], table.get("default"))))


def _yaml(text: str):
    return yaml.safe_load(text)


def normalize_phrase(phrase: str) -> str:
    """The key a phrase is looked up by: lower case, one space between words, plain apostrophes."""
    return " ".join(phrase.lower().replace("’", "'").split())


def _is_acronym(phrase: str) -> bool:
    """All-capital short forms ("US", "UN", "U.S.") must match case-sensitively ("us" is a pronoun)."""
    letters = [c for c in phrase if c.isalpha()]
    return bool(letters) and len(letters) <= 5 and all(c.isupper() for c in letters)


def _read_cameo(text: str) -> dict[str, CameoCode]:
    rows = csv.DictReader((line for line in text.splitlines() if line and not line.startswith("#")),
                          delimiter="\t")
    out = {}
    for row in rows:
        out[row["code"]] = CameoCode(
            code=row["code"], label=row["label"], goldstein=float(row["goldstein"]),
            quad_class=int(row["quad_class"]), plover_type=row["plover_type"] or None,
            plover_mode=row["plover_mode"] or None, plover_context=row["plover_context"] or None)
    return out


def _actor_terms(sections: dict):
    for c in sections["countries"]:
        code = c["code"]
        for name in [c["name"], *(c.get("names") or [])]:
            yield ActorTerm(name, "country", country=code)
        for name in c.get("demonyms") or []:
            yield ActorTerm(name, "demonym", country=code)
        for name in c.get("capitals") or []:
            yield ActorTerm(name, "capital", country=code, sector="GOV")
        for name in c.get("government") or []:
            yield ActorTerm(name, "government", country=code, sector="GOV")
    for o in sections["organizations"]:
        for name in o.get("names") or []:
            yield ActorTerm(name, "organization", country=o.get("country"), sector=o.get("sector"),
                            code=o.get("code"))
    for sector, phrases in sections["agents"].items():
        for phrase in phrases or []:
            yield ActorTerm(str(phrase), "agent", sector=sector)
    for name in sections["regions"]:  # "New Mexico" is no part of Mexico
        yield ActorTerm(str(name), "region")
    for p in sections["people"]:
        for name in [p["name"], *(p.get("aliases") or [])]:
            yield ActorTerm(name, "person", country=p.get("country"), sector=p.get("sector"),
                            valid_from=_iso(p.get("from")), valid_to=_iso(p.get("to")))


def _iso(value) -> str | None:
    return None if value in (None, "") else str(value)


def _pattern(entry: dict, cameo: dict[str, CameoCode]) -> EventPattern:
    unknown = set(entry) - set(EventPattern.__dataclass_fields__)
    if unknown:
        raise ValueError(f"event pattern {entry.get('id')!r}: unknown fields {sorted(unknown)}")
    code = str(entry["cameo"])
    if code not in cameo:
        raise ValueError(f"event pattern {entry.get('id')!r}: unknown CAMEO code {code!r}")
    for key in ("verbs", "nouns", "object", "unless_object", "context", "purpose", "recipient"):
        bad = [w for w in entry.get(key) or [] if not isinstance(w, str)]
        if bad:  # YAML reads a bare on / off / yes / no as a boolean: quote such words
            raise ValueError(f"event pattern {entry.get('id')!r}: {key} must be words, got {bad!r} (quote them)")
    jointly = None if entry.get("jointly") is None else str(entry["jointly"])
    if jointly is not None and jointly not in cameo:
        raise ValueError(f"event pattern {entry.get('id')!r}: unknown CAMEO code {jointly!r} (jointly)")
    pattern = EventPattern(**{**entry, "cameo": code, "jointly": jointly})
    if not pattern.verbs and not pattern.nouns:
        raise ValueError(f"event pattern {pattern.id!r} has neither verbs nor nouns")
    if pattern.plover_type and pattern.plover_type not in {c.plover_type for c in cameo.values()}:
        raise ValueError(f"event pattern {pattern.id!r}: unknown PLOVER type {pattern.plover_type!r}")
    if pattern.voice not in (None, "passive", "transitive", "active", "intransitive"):
        raise ValueError(f"event pattern {pattern.id!r}: voice must be passive, transitive, active or "
                         f"intransitive, got {pattern.voice!r}")
    return pattern
