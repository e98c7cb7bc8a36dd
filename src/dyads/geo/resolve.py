"""Place-name resolution with story context, place detection, and event locations.

How a place name is resolved (all of it dictionary look-ups and a few sums per candidate):

1. Candidates: every gazetteer entry with that name (main names before alternate names; "Oaxaca State"
   falls back to "Oaxaca" preferring divisions, "St." / "Saint" are the same).
2. Prior: population (log scale), feature type (countries, continents, divisions, seas and regions
   over towns; national capitals over other towns), a penalty for matching only an alternate name.
3. Context, in two rounds: after a first pass on priors alone, the places of the story vote for their
   countries and divisions (leaving each name's own vote out), joined by the dateline and the actor
   countries the coder passes in.  A candidate gains for lying in a country or division of the story,
   for neighbouring a country of the story, and for being close to the story's unambiguous places.
   Explicit containment ("Paris, Texas", "Alexandria, Louisiana", "Tripoli, Lebanon") restricts the
   candidates to those inside the container.
4. One sense per story: every mention of the same name gets the same place.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..models import Event, Location
from ..nlp import is_lower_cased
from .gazetteer import ADMIN1, CAPITAL, CITY, CONTINENT, COUNTRY, DIVISION, Gazetteer, Place, km, normalize

# Prior weights.  Population counts on a log10 scale; feature bonuses put an area named exactly
# above the towns that share its name, and national capitals above other towns.
FEATURE_BONUS = {COUNTRY: 4.0, CONTINENT: 4.0, ADMIN1: 1.5, DIVISION: 1.0, CAPITAL: 3.0, CITY: 0.0}
AREA_BONUS = 9.0  # seas, oceans, regions of our own table (no population)
ALTERNATE_PENALTY = 2.5
SAME_NAME_CITY_MIN_POP = 100_000  # "New York": the city, not the state that holds it
CONTAINER_FEATURES = (COUNTRY, ADMIN1, DIVISION)  # what "Paris, Texas" may name after the comma
SAME_NAME_TOWN_KM = 150  # "Cork", "Idlib": the town, not the subdivision around it named after it
# Context weights: at most a couple of orders of magnitude of population, so that a world city still
# beats a same-name village of the story's country.
COUNTRY_SHARE_WEIGHT = 4.0  # times the share of the story's places in the candidate's country
NEIGHBOUR_BONUS = 0.5
ADMIN1_BONUS = 1.5  # a town in a division the story names (or whose other towns it names)
ADMIN1_OWN_BONUS = 2.0  # a division whose towns the story names
NEAR_KM, NEAR_BONUS = 150.0, 2.0
REGION_KM, REGION_BONUS = 400.0, 0.5
CONTAINED_BONUS = 12.0
DATELINE_WEIGHT = 2.0
ACTOR_COUNTRY_WEIGHT = 1.0
MAX_CANDIDATES = 60  # by population: a name shared by hundreds of hamlets keeps its largest ones

_SUFFIX = re.compile(r"\s+(state|province|region|county|governorate|prefecture|oblast|district|city)$", re.I)
_POSSESSIVE = re.compile(r"[’']s?$")
_CONTAINER = re.compile(r",\s*((?:[A-Z][\w’'.&-]*\.?)(?:\s+(?:of\s+)?[A-Z][\w’'.-]*){0,3})")
# "CAIRO, Egypt (Reuters) -", "WASHINGTON (AP) —", "Tripoli, Lebanon, March 3 (AFP) -"
_DATELINE = re.compile(
    r"\A\s*(?:[^\n]{0,80}\n\s*)?"  # an optional title line
    r"(?P<place>[A-Z][A-Za-z.'’ -]{1,40}?)(?:\s*,\s*(?P<container>[A-Z][A-Za-z.'’ ]{1,30}?))?"
    r"(?:\s*,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*"
    r"(?:\((?:[A-Za-z .&-]{2,30})\)\s*)?[-—–:]{1,2}\s")
AREA_WORDS = {"state", "province", "region", "county", "governorate", "prefecture", "oblast", "district"}
DETECT_LABELS = {"GPE", "LOC", "FAC"}
RESCUE_LABELS = {"ORG", "PERSON", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART"}
RESCUE_TOWN_MIN_POP = 100_000
# Labels of longer names that may hold a place name ("Central Bank of Malta", "one million US dollars").
INNER_LABELS = {"MONEY", "LAW", "FAC"}
# Words before a name that make it a place ("in Riverdale", "travelling to Cirencester").
LOCATIVE_WORDS = {"in", "at", "near", "from", "to", "outside", "around", "across", "throughout", "into",
                  "towards", "toward", "via"}
# Lower-cased stories (some corpora come so) have no capitals to tell names: a town there is a place
# name where a locative precedes it or a noun of a town's own bodies follows it ("kolkata police", "surat
# district"; not a noun that describes, as in "temple town"), or where it is a large city (1,000,000+)
# named by a noun, also inside a longer name ("the new york times"); a country or a division or region
# of several words is one anyway.
LOWER_CASE_TOWN_MIN_POP = 15_000
LOWER_CASE_CITY_MIN_POP = 1_000_000
TOWN_NOUNS = {"police", "district", "municipality", "municipal", "corporation", "collector", "collectorate",
              "cantonment", "airport", "mayor"}
# (the model's names of people and bodies are guesses in lower case: "kolkata police" tagged a person)
NOT_LOWER_CASE_PLACES = {"DATE", "TIME", "ORDINAL", "CARDINAL", "MONEY", "PERCENT", "QUANTITY"}


class PlaceSpan(tuple):
    """A detected place-name span: ``(start, end)``, plus whether it is part of a longer name."""

    part_of_name: bool

    def __new__(cls, start: int, end: int, part_of_name: bool = False):
        span = super().__new__(cls, (start, end))
        span.part_of_name = part_of_name
        return span


@dataclass
class _Mention:
    start: int
    end: int
    text: str  # the span as written
    key: str  # normalised lookup name


@dataclass
class _Group:
    """All mentions of one name in a story; resolved together."""

    key: str
    mentions: list[_Mention]
    candidates: list[tuple[Place, float]] = field(default_factory=list)  # (place, prior)
    containers: list[Place] = field(default_factory=list)
    choice: Place | None = None
    margin: float = 0.0


class PlaceResolver:
    """Resolves the place names of a story to gazetteer entries (see the module docstring)."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or Gazetteer.load()
        self._lookup_cache: dict[str, list[tuple[Place, float]]] = {}

    # -- resolution --------------------------------------------------------------------------------

    def resolve(self, text: str, spans: list[tuple[int, int]],
                context_countries: Sequence[str] = (), *, approximate: bool = False) -> list[dict]:
        """Resolve the given place-name spans of one story; each dict is
        {start, end, text, name, geonameid, lat, lon, country (ISO-3), admin1, feature}
        (geonameid and coordinates None if unresolved), in the order of ``spans``.

        A name the gazetteer does not know at all (a street, a building, a neighbourhood) is, with
        ``approximate``, placed at the story's town mentioned last before it (else its most
        mentioned town): such a record has ``"approximate": True``, the town's coordinates, country
        and admin1, and no geonameid or feature of its own."""
        groups: dict[str, _Group] = {}
        mentions: list[_Mention] = []
        for start, end in spans:
            surface = text[start:end]
            key = normalize(_POSSESSIVE.sub("", surface.strip()) if surface.endswith(("'s", "’s")) else surface)
            mention = _Mention(start, end, surface, key)
            mentions.append(mention)
            if key not in groups:
                groups[key] = _Group(key, [], list(self._lookup(surface)))
            groups[key].mentions.append(mention)

        for group in groups.values():
            for mention in group.mentions:
                group.containers += self._containers(text, mention.end)

        base_mass: dict[str, float] = defaultdict(float)
        dateline = self.dateline(text)
        if dateline is not None and dateline.country:
            base_mass[dateline.country] += DATELINE_WEIGHT
        for code in context_countries:
            cc = self.gazetteer.iso2(code) if code else None
            if cc:
                base_mass[cc] += ACTOR_COUNTRY_WEIGHT

        self._choose(groups.values(), None)  # round 1: priors and containment only
        for _ in range(2):  # rounds 2 and 3: story context
            self._choose(groups.values(), self._context(groups.values(), base_mass, dateline))

        records = [self._record(m, groups[m.key].choice) for m in mentions]
        for record, span in zip(records, spans, strict=True):
            if getattr(span, "part_of_name", False):
                record["part_of_name"] = True
        if approximate:
            self._approximate(records, [not groups[m.key].candidates for m in mentions])
        return records

    def _approximate(self, records: list[dict], unknown: list[bool]) -> None:
        if not any(unknown):
            return
        towns = sorted((r for r, u in zip(records, unknown, strict=True)
                        if not u and r["feature"] in (CITY, CAPITAL)), key=lambda r: r["start"])
        if not towns:
            return
        salient = _most_salient(towns)
        for record, is_unknown in zip(records, unknown, strict=True):
            if not is_unknown:
                continue
            before = [t for t in towns if t["end"] <= record["start"]]
            town = before[-1] if before else salient
            record.update(name=None, geonameid=None, lat=town["lat"], lon=town["lon"],
                          country=town["country"], admin1=town["admin1"], feature=None,
                          approximate=True, near=town["name"])

    def resolve_name(self, name: str, context_countries: Sequence[str] = ()) -> dict:
        """Resolve a single name without a story (e.g. a user's query)."""
        return self.resolve(name, [(0, len(name))], context_countries)[0]

    def _lookup(self, surface: str) -> list[tuple[Place, float]]:
        cached = self._lookup_cache.get(surface)
        if cached is not None:
            return cached
        name = surface.strip()
        if name.endswith(("'s", "’s")):
            name = name[:-2]
        name = re.sub(r"^(?:the|The)\s+", "", name)
        found = self.gazetteer.candidates(name)
        if not found and "," in name:  # "Thruxton, Hampshire" given as one span: the first, inside the rest
            head, _, rest = name.partition(",")
            return self._within(self._lookup(head.strip()), rest.strip())
        wanted_area = False
        if not found:
            suffix = _SUFFIX.search(name)
            if suffix:
                wanted_area = suffix.group(1).lower() in AREA_WORDS
                found = self.gazetteer.candidates(name[: suffix.start()])
        if _is_acronym(name):  # "EU", "SA", "N.B.": only our own abbreviations, never a village "Eu"
            found = [(p, primary) for p, primary in found if p.feature != CITY or p.name.isupper()]
        scored = []
        for place, primary in found:
            prior = _prior(place, primary)
            if wanted_area:
                prior += 3.0 if place.is_area else -3.0
            scored.append((place, prior))
        if not wanted_area:
            scored = _city_over_own_division(scored)
        scored.sort(key=lambda pair: -pair[1])
        scored = scored[:MAX_CANDIDATES]
        if len(self._lookup_cache) > 200_000:
            self._lookup_cache.clear()
        self._lookup_cache[surface] = scored
        return scored

    def _within(self, candidates: list[tuple[Place, float]], container: str) -> list[tuple[Place, float]]:
        """The candidates that lie inside the country or division called ``container``, else all."""
        return _inside(candidates, self._container_places(container)) or candidates

    def _container_places(self, name: str) -> list[Place]:
        """The countries and divisions called ``name`` (what may follow a comma: "Paris, Texas")."""
        return [p for p, _ in self._lookup(name) if p.feature in CONTAINER_FEATURES]

    def _containers(self, text: str, end: int) -> list[Place]:
        """Countries / divisions named right after a place: "Paris, Texas", "Tripoli, Lebanon"."""
        match = _CONTAINER.match(text, end)
        if not match:
            return []
        words = match.group(1).split()
        for n in range(len(words), 0, -1):
            found = self._container_places(" ".join(words[:n]))
            if found:
                return found
        return []

    def _context(self, groups, base_mass: dict[str, float], dateline: Place | None) -> _Context:
        country_votes: dict[str, dict[str, float]] = {}
        admin_votes: dict[str, dict[str, float]] = {}
        anchors: dict[str, list[Place]] = {}
        for group in groups:
            place = group.choice
            if place is None:
                continue
            weight = min(len(group.mentions), 3) * (1.0 if group.margin >= 1.0 else 0.5)
            if place.country:
                country_votes[group.key] = {place.country: weight}
                if place.admin1:
                    admin_votes[group.key] = {f"{place.country}.{place.admin1}": weight}
            if not place.is_area and (group.margin >= 2.0 or len(group.candidates) == 1):
                anchors[group.key] = [place]
        if dateline is not None:
            anchors["\0dateline"] = [dateline] if not dateline.is_area else []
            if dateline.admin1:
                admin_votes["\0dateline"] = {f"{dateline.country}.{dateline.admin1}": DATELINE_WEIGHT}
        return _Context(base_mass, country_votes, admin_votes, anchors)

    def _choose(self, groups, context: _Context | None) -> None:
        gaz = self.gazetteer
        for group in groups:
            if not group.candidates:
                group.choice, group.margin = None, 0.0
                continue
            contained = _inside(group.candidates, group.containers)
            candidates = contained or group.candidates
            bonus = CONTAINED_BONUS if contained else 0.0
            if context is not None:
                countries, total = context.countries_without(group.key)
                admins = context.admins_without(group.key)
                anchors = context.anchors_without(group.key)
            scored = []
            for place, prior in candidates:
                score = prior + bonus
                if context is not None and place.country:
                    share = countries.get(place.country, 0.0)
                    if share:
                        score += COUNTRY_SHARE_WEIGHT * share / total
                    else:
                        neighbours = gaz.countries.get(place.country, {}).get("neighbours", ())
                        if any(n in countries for n in neighbours):
                            score += NEIGHBOUR_BONUS
                    if place.admin1 and f"{place.country}.{place.admin1}" in admins:
                        score += ADMIN1_OWN_BONUS if place.feature == ADMIN1 else ADMIN1_BONUS
                    if not place.is_area and anchors:
                        nearest = min(km(place.lat, place.lon, a.lat, a.lon) for a in anchors)
                        if nearest <= NEAR_KM:
                            score += NEAR_BONUS
                        elif nearest <= REGION_KM:
                            score += REGION_BONUS
                scored.append((score, place))
            scored.sort(key=lambda pair: -pair[0])
            group.choice = scored[0][1]
            group.margin = scored[0][0] - scored[1][0] if len(scored) > 1 else 10.0

    def _record(self, mention: _Mention, place: Place | None) -> dict:
        record = {"start": mention.start, "end": mention.end, "text": mention.text, "name": None,
                  "geonameid": None, "lat": None, "lon": None, "country": None, "admin1": None,
                  "feature": None}
        if place is not None:
            record.update(name=place.name, geonameid=place.geonameid, lat=place.lat, lon=place.lon,
                          country=self.gazetteer.iso3(place.country) if place.country else None,
                          admin1=self.gazetteer.admin1_name(place), feature=place.feature)
        return record

    # -- dateline ----------------------------------------------------------------------------------

    def dateline(self, text: str) -> Place | None:
        """The place of a wire dateline at the start of the story ("CAIRO, Egypt (Reuters) -")."""
        match = _DATELINE.match(text[:200])
        if not match:
            return None
        place_text = match.group("place").strip()
        if not (place_text.isupper() or match.group("container") or "(" in match.group(0)):
            return None  # "Officials said - ..." is no dateline: require capitals, a container or agency
        candidates = self._lookup(place_text.title() if place_text.isupper() else place_text)
        if not candidates:
            return None
        container = match.group("container")
        if container:
            candidates = self._within(candidates, container.strip())
        return candidates[0][0]

    def dateline_span(self, text: str) -> tuple[int, int] | None:
        """Character span of the dateline's place name, if the story has a dateline."""
        match = _DATELINE.match(text[:200])
        if not match or self.dateline(text) is None:
            return None
        return match.start("place"), match.start("place") + len(match.group("place").rstrip())

    # -- detection ---------------------------------------------------------------------------------

    def detect(self, doc) -> list[PlaceSpan]:
        """Place-name spans in a parsed spaCy Doc.

        The GPE / LOC / FAC entities, plus names the model labelled otherwise (or not at all) that are
        places all the same:

        - the same words labelled GPE / LOC elsewhere in the story;
        - names the gazetteer knows as a country, division, continent or region (or, for a name the
          model took for an organisation, event or the like, as a town of 100,000+ people);
        - any town the gazetteer knows by that main name, when a locative preposition precedes it
          ("in Riverdale", "travelling to Cirencester"), whatever the model's label;
        - places named inside a longer name ("the Central Bank of Malta", "Pakistan Army", "the New
          York Times", "U.S.-led"): countries, divisions, regions and towns of 100,000+ (countries only
          inside a person's name).  These spans are marked ``part_of_name`` so that event locations
          do not take them for the scene of an event.

        Spans lose a leading "the" and a trailing possessive.
        """
        text = doc.text  # (a join over all tokens: once)
        ents = doc.ents
        lower_cased = is_lower_cased(doc)
        place_keys = {normalize(text[s:e]) for s, e in
                      (_trim(ent) for ent in ents if ent.label_ in ("GPE", "LOC")) if e > s}
        found: dict[tuple[int, int], bool] = {}  # span -> part of a longer name
        covered: set[int] = set()
        inner: list[tuple[list, str]] = []  # names not places as a whole: (tokens, label), looked into
        for ent in ents:
            covered.update(range(ent.start, ent.end))
            start, end = _trim(ent)
            if end <= start:
                continue
            if ent.label_ in DETECT_LABELS:
                parts = self._parts(text, ent, start, end)
                if parts:
                    found.update((part, ent.label_ == "FAC") for part in parts)
                else:
                    found[(start, end)] = False
                continue
            if ent.label_ not in RESCUE_LABELS and ent.label_ not in INNER_LABELS:
                continue
            # A town name used as a modifier ("Corona epidemic") is no place mention.
            modifier = ent.end < len(doc) and doc[ent.end].pos_ == "NOUN" and doc[ent.end].is_lower
            locative = _after_locative(doc, ent.start, past_article=not lower_cased)  # ("at the temple")
            if ent.label_ in RESCUE_LABELS and self._is_place_name(
                    text[start:end], place_keys, allow_town=ent.label_ != "PERSON" and not modifier and not lower_cased,
                    any_town=locative and not modifier, lower_cased=lower_cased):
                found[(start, end)] = False
            elif not (modifier and len(ent) == 1):  # (nor is a one-word name inside itself)
                inner.append((list(ent), ent.label_))
        # Proper nouns the model left out of every entity ("Sudan", "BEIRUT", "in Riverdale").
        run: list = []
        for token in [*doc, None]:
            if token is not None and token.i not in covered and token.pos_ == "PROPN" and len(run) < 4:
                run.append(token)
                continue
            if run:
                start, end = run[0].idx, run[-1].idx + len(run[-1].text)
                if self._is_place_name(text[start:end], place_keys, allow_town=False,
                                       any_town=_after_locative(doc, run[0].i)):
                    found[(start, end)] = False
                else:
                    inner.append((run, ""))
                run = []
        if lower_cased:
            taken = {t.i for s, e in found for t in doc.char_span(s, e, alignment_mode="expand") or ()}
            countries = {places[0][0].country for s, e in found if (places := self._lookup(text[s:e]))}
            for span in self._lower_cased_places(doc, taken, countries):
                found.setdefault(span, False)
        # Places inside longer names, and names that are places elsewhere in the story.
        known = place_keys | {normalize(text[s:e]) for s, e in found}
        for tokens, label in inner:
            for start, end in self._inner_places(text, tokens, label, known, lower_cased):
                whole = start == tokens[0].idx and end == tokens[-1].idx + len(tokens[-1].text)
                found.setdefault((start, end), not whole)
        return [PlaceSpan(start, end, part_of_name) for (start, end), part_of_name in sorted(found.items())]

    def _lower_cased_places(self, doc, taken: set[int], countries: set[str]) -> list[tuple[int, int]]:
        """Place names of a lower-cased story (see ``TOWN_NOUNS``) among the runs of up to three nouns or
        proper nouns the model left out, longest first. ``countries`` (ISO-2) of the places already found
        vouch for smaller towns, together with the places this finds unconditionally."""
        sure: list[tuple[int, int]] = []
        towns: list[tuple[tuple[int, int], Place]] = []  # small towns named where a place may stand
        i = 0
        while i < len(doc):
            for j in range(min(len(doc), i + 3), i, -1):
                words = doc[i:j]
                if any(t.i in taken or not t.is_alpha or t.is_stop or t.ent_type_ in NOT_LOWER_CASE_PLACES
                       or t.lower_ in TOWN_NOUNS for t in words) or words[-1].pos_ not in ("NOUN", "PROPN") \
                        or _next_to_number(doc, words):
                    continue
                place, vouched = self._lower_cased_place(doc, words)
                if place is not None:
                    span = (words[0].idx, words[-1].idx + len(words[-1].text))
                    if vouched:
                        sure.append(span)
                        countries = countries | {place.country}
                    else:
                        towns.append((span, place))
                    i = j - 1
                    break
            i += 1
        # a smaller town only in a country the story names ("around temple town" in a story about India
        # is no Temple, Texas), unless it is a large one
        return sure + [span for span, town in towns
                       if town.country in countries or town.population >= RESCUE_TOWN_MIN_POP]

    def _lower_cased_place(self, doc, words) -> tuple[Place | None, bool]:
        """The place a lower-case run names, if any, and whether it needs no country of the story to
        vouch for it."""
        found = self._lookup(words.text)[:1]
        if not found or not _spelled_as(found[0][0], words.text):
            return None, False
        place = found[0][0]
        after = doc[words.end] if words.end < len(doc) else None
        cue = _after_locative(doc, words.start, past_article=False) \
            or (after is not None and after.lower_ in TOWN_NOUNS) \
            or (after is not None and after.text == ":" and (words.start == 0 or "\n" in doc[words.start - 1].text))
        if place.feature in (COUNTRY, CONTINENT) or (len(words) > 1 and place.feature not in (CITY, CAPITAL)) \
                or (place.feature == ADMIN1 and (cue or words[0].pos_ == "PROPN")):
            return place, True  # (a lone word for a lesser division is too often a word: "lot", "pool", "line")
        if place.feature not in (CITY, CAPITAL):
            return None, False
        if place.population >= LOWER_CASE_CITY_MIN_POP or (cue and place.population >= RESCUE_TOWN_MIN_POP):
            return place, True
        return (place, False) if cue and place.population >= LOWER_CASE_TOWN_MIN_POP else (None, False)

    def _parts(self, text: str, ent, start: int, end: int) -> list[tuple[int, int]]:
        """The places inside a place entity the gazetteer does not know as a whole: the items of a list
        the model ran together ("Thruxton, Hampshire", "Donington Park, Leicestershire"), else names
        inside it ("north west London", "Asia-Pacific", "the Buffalo Bisons")."""
        surface = text[start:end]
        if "," not in surface and self._lookup(surface):
            return []
        if "," in surface:
            parts, offset = [], start
            for item in surface.split(","):
                item_start = offset + len(item) - len(item.lstrip())
                item_end = offset + len(item.rstrip())
                if item_end > item_start and self._lookup(text[item_start:item_end]):
                    parts.append((item_start, item_end))
                offset += len(item) + 1
            if parts:
                return parts
        tokens = [t for t in ent if start <= t.idx < end]
        return self._inner_places(text, tokens, ent.label_, set())

    def _inner_places(self, text: str, tokens: list, label: str, known: set[str],
                      lower_cased: bool = False) -> list[tuple[int, int]]:
        """Place names among the capitalised words (any words, in a lower-cased story) of a longer name,
        longest first, not overlapping."""
        def named(token) -> bool:
            return token.text[:1].isupper() or (lower_cased and token.is_alpha and not token.is_stop)

        out: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            first = tokens[i]
            if not named(first):
                i += 1
                continue
            for j in range(min(len(tokens), i + 4), i, -1):
                last = tokens[j - 1]
                if not named(last):
                    continue
                start, end = first.idx, last.idx + len(last.text)
                surface = text[start:end]
                if normalize(surface) in known or self._is_inner_place(surface, label, lower_cased):
                    out.append((start, end))
                    i = j
                    break
            else:
                # "U.S.-led", "Syria-based": a place before a hyphen inside one token.
                head, dash, _rest = first.text.partition("-")
                if dash and head and self._is_inner_place(head, label, lower_cased):
                    out.append((first.idx, first.idx + len(head)))
                i += 1
        return out

    def _is_inner_place(self, surface: str, label: str, lower_cased: bool = False) -> bool:
        if len(surface) <= 2 and not surface.isupper():
            return False  # "La Silla Vacia": a short word inside a name is no postal code ("LA")
        for place, _prior in self._lookup(surface)[:1]:
            if lower_cased and not _spelled_as(place, surface):
                return False
            if label == "PERSON":
                return place.feature == COUNTRY
            if place.feature in (CITY, CAPITAL):
                return place.population >= (LOWER_CASE_CITY_MIN_POP if lower_cased else RESCUE_TOWN_MIN_POP) \
                    and normalize(place.name) == normalize(surface)
            # a lesser division only by its own name: "Public" (in "the Public Security Ministry") is another
            # name of Rubanda, Uganda
            return place.feature != DIVISION or normalize(place.name) == normalize(surface)
        return False

    def _is_place_name(self, surface: str, place_keys: set[str], allow_town: bool,
                       any_town: bool = False, lower_cased: bool = False) -> bool:
        if normalize(surface) in place_keys:
            return True
        if not (surface[:1].isupper() or lower_cased):
            return False
        for place, _prior in self._lookup(surface)[:1]:
            if not surface[:1].isupper() and not _spelled_as(place, surface):
                return False
            if place.feature in (CITY, CAPITAL):
                if normalize(place.name) != normalize(surface):
                    return False
                return any_town or allow_town and place.population >= RESCUE_TOWN_MIN_POP
            return True
        return False

    # -- event locations ---------------------------------------------------------------------------

    def locate_events(self, text: str, events: list[Event], places: list[dict],
                      dateline: dict | Place | None = None) -> None:
        """Fill each event's ``location`` with the place of its clause, else its sentence, else the
        dateline, else the story's most salient place; ``Location.method`` says which.

        ``places`` are this story's resolved places (from :meth:`resolve`); unresolved ones and
        those inside a longer name (``part_of_name``) are ignored.  ``dateline`` is a resolved place
        dict or gazetteer Place; when None the story's own dateline (if any) is used.
        """
        resolved = [p for p in places if (p.get("geonameid") is not None or p.get("lat") is not None)
                    and not p.get("part_of_name")]  # "the Washington Post" is no scene of events
        if dateline is None:
            place = self.dateline(text)
            span = self.dateline_span(text)
            if place is not None and span is not None:
                dateline = self._record(_Mention(span[0], span[1], text[span[0]:span[1]], ""), place)
        elif isinstance(dateline, Place):
            dateline = self._record(_Mention(0, 0, dateline.name, ""), dateline)
        salient = _most_salient(resolved)
        for event in events:
            chosen, method = self._event_place(text, event, resolved)
            if chosen is None and dateline is not None:
                chosen, method = dateline, "dateline"
            if chosen is None and salient is not None:
                chosen, method = salient, "story"
            if chosen is None:
                continue
            event.location = Location(
                text=chosen["text"], country=chosen["country"], start=chosen["start"] if chosen["end"] else None,
                end=chosen["end"] or None, name=chosen["name"], geonameid=chosen["geonameid"],
                lat=chosen["lat"], lon=chosen["lon"], admin1=chosen["admin1"], feature=chosen["feature"],
                method=method)

    def _event_place(self, text: str, event: Event, places: list[dict]) -> tuple[dict | None, str]:
        start = event.sentence_start
        end = start + len(event.sentence)
        inside = [p for p in places if start <= p["start"] and p["end"] <= end]
        if not inside:
            return None, ""
        # Places not used as an actor of the event ("Syria and Russia discussed ...") come first.
        actor_spans = [(a.start, a.end) for a in [*event.actor, *event.recipient]
                       if a.start is not None and a.end is not None]
        not_actor = [p for p in inside if not any(s <= p["start"] < e for s, e in actor_spans)]
        pool = not_actor or inside
        trigger = event.trigger.start
        clause = [p for p in pool if _same_clause(text, trigger, p["start"])
                  and _locative(text, p["start"])]
        if clause:
            best = min(clause, key=lambda p: (_area_rank(p), abs(p["start"] - trigger)))
            return best, "clause"
        if not not_actor:
            return None, ""
        best = min(not_actor, key=lambda p: (_area_rank(p), abs(p["start"] - trigger)))
        return best, "sentence"


@dataclass
class _Context:
    base: dict[str, float]
    country_votes: dict[str, dict[str, float]]
    admin_votes: dict[str, dict[str, float]]
    anchors: dict[str, list[Place]]

    def countries_without(self, key: str) -> tuple[dict[str, float], float]:
        mass = defaultdict(float, self.base)
        for other, votes in self.country_votes.items():
            if other != key:
                for cc, w in votes.items():
                    mass[cc] += w
        return mass, (sum(mass.values()) or 1.0)

    def admins_without(self, key: str) -> set[str]:
        return {code for other, votes in self.admin_votes.items() if other != key for code in votes}

    def anchors_without(self, key: str) -> list[Place]:
        return [p for other, places in self.anchors.items() if other != key for p in places]


def _prior(place: Place, primary: bool) -> float:
    score = math.log10(place.population + 1)
    if place.feature in FEATURE_BONUS:
        score += FEATURE_BONUS[place.feature]
    else:
        score += AREA_BONUS
    if not primary:
        score -= ALTERNATE_PENALTY
    return score


def _trim(ent) -> tuple[int, int]:
    """Character span of an entity without a leading "the" or trailing possessive / punctuation."""
    tokens = list(ent)
    while tokens and tokens[0].lower_ in ("the", "'s", "’s"):
        tokens = tokens[1:]
    while tokens and (tokens[-1].lower_ in ("'s", "’s", "'", "’") or tokens[-1].is_punct):
        tokens = tokens[:-1]
    if not tokens:
        return 0, 0
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _next_to_number(doc, words) -> bool:
    """"march 15", "15 march": a word beside a day's number is a month (the model may not say so)."""
    return (words.end < len(doc) and doc[words.end].like_num) or (words.start > 0 and doc[words.start - 1].like_num)


def _spelled_as(place: Place, surface: str) -> bool:
    """Does a lower-case word name the place: as its main name, or as a town's other spelling too long to
    be a code or a short common word ("faizabad" for Fyzabad; not "das" for Dasoguz, nor "public" for a
    district that has it among its many names)?"""
    key = normalize(surface)
    return normalize(place.name) == key or (place.feature in (CITY, CAPITAL) and len(key.replace(" ", "")) >= 5)


def _after_locative(doc, i: int, past_article: bool = True) -> bool:
    """Does a locative preposition come right before token i (past a "the", unless ``past_article`` is
    false: in lower-cased text "at the time" names no town)?"""
    i -= 1
    if past_article and i >= 0 and doc[i].lower_ == "the":
        i -= 1
    return i >= 0 and doc[i].lower_ in LOCATIVE_WORDS


def _is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return 0 < len(letters) <= 4 and all(c.isupper() for c in letters)


def _city_over_own_division(scored: list[tuple[Place, float]]) -> list[tuple[Place, float]]:
    """A division and a town of the same name inside it: the bare name means the town (a large one,
    for first-level divisions: "New York"; any, for the subdivisions named after their seat: "Cork")."""
    towns = [(p, prior) for p, prior in scored if p.feature in (CITY, CAPITAL)]
    if not towns:
        return scored
    out = []
    for place, prior in scored:
        if place.feature == ADMIN1:
            inside = [t_prior for t, t_prior in towns if (t.country, t.admin1) == (place.country, place.admin1)
                      and t.population >= SAME_NAME_CITY_MIN_POP]
        elif place.feature == DIVISION:
            inside = [t_prior for t, t_prior in towns if t.country == place.country
                      and km(t.lat, t.lon, place.lat, place.lon) <= SAME_NAME_TOWN_KM]
        else:
            inside = []
        out.append((place, min(prior, max(inside) - 1.0)) if inside else (place, prior))
    return out


def _inside(candidates: list[tuple[Place, float]], containers: list[Place]) -> list[tuple[Place, float]]:
    if not containers:
        return []
    out = []
    for place, prior in candidates:
        for box in containers:
            if place.index == box.index:
                continue
            if box.feature == COUNTRY and place.country == box.country:
                out.append((place, prior))
                break
            if box.feature == ADMIN1 and place.country == box.country and place.admin1 == box.admin1 \
                    and place.feature != ADMIN1:
                out.append((place, prior))
                break
            if box.feature == DIVISION and place.country == box.country and not place.is_area \
                    and km(place.lat, place.lon, box.lat, box.lon) <= SAME_NAME_TOWN_KM:
                out.append((place, prior))
                break
    return out


_CLAUSE_BREAK = re.compile(r"[;:]|,\s+(?:but|while|whereas)\s")
# "in Sochi", "at the border near Kharkiv", "in the Russian resort of Sochi", "outside the capital, Kyiv"
# (not "near the border with Turkey": what lies beyond the border is not where it happened)
_LOCATIVE = re.compile(
    r"(?:\b(?:in|at|near|outside|inside|across|around|throughout|within)\s+(?:the\s+)?"
    r"(?:(?!(?:with|from|to|and|by)\s)[\w’'-]+\s+){0,4}"
    r"|\b(?:city|town|village|resort|port|capital|province|region|district|state|area|suburb|outskirts)"
    r"\s+of\s+(?:the\s+)?(?:[\w’'-]+\s+){0,2}"
    r"|\b(?:capital|city|town|village|resort|port),\s+)$", re.I)


def _same_clause(text: str, a: int, b: int) -> bool:
    lo, hi = (a, b) if a <= b else (b, a)
    return not _CLAUSE_BREAK.search(text, lo, hi)


def _locative(text: str, start: int) -> bool:
    """Is the place introduced by a locative preposition ("in", "at", "resort of", ...)?"""
    return bool(_LOCATIVE.search(text[max(0, start - 60):start]))


def _area_rank(place: dict) -> int:
    """Prefer the most specific place: towns, then divisions, then countries and larger areas."""
    feature = place.get("feature")
    if feature in (CITY, CAPITAL):
        return 0
    if feature in (ADMIN1, DIVISION):
        return 1
    if feature == COUNTRY:
        return 2
    return 3


def _most_salient(places: list[dict]) -> dict | None:
    """The story's most mentioned specific place (earliest on ties; towns before countries)."""
    if not places:
        return None
    counts: dict[object, int] = defaultdict(int)
    first: dict[object, dict] = {}
    for p in places:
        key = p["geonameid"] or (p["lat"], p["lon"])
        counts[key] += 1
        first.setdefault(key, p)
    return min(first.values(), key=lambda p: (-counts[p["geonameid"] or (p["lat"], p["lon"])],
                                              _area_rank(p) > 1, p["start"]))
