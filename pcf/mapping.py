"""Material mapping: how engineers write materials (Q235, SUS304, 1.4301, AL6061-T6, 冷轧钢板 ...) -> dataset keys.

Order of the attempts, each reported with its method and confidence:
1. `key`: the text is a dataset key of the background (confidence 1);
2. `table`: the normalised text equals a pattern of the mapping table (`exact` rows), or contains a `contains`
   pattern as a token sequence (longest pattern wins) (confidence 1, or 0.9 for `contains`);
   A text that names several materials of different families ("Metals (steel, aluminum, copper)", "Stahl/Alu")
   or equals a catch-all row (dataset `AMBIGUOUS`: "metals", "miscellaneous", "electronics") is `ambiguous`: no
   dataset is chosen, the candidates are listed, and the line is reported, never guessed;
3. `fuzzy`: the closest pattern or dataset name by difflib's ratio, accepted above `min_fuzzy` (confidence = ratio);
4. otherwise `unmapped`: the line is kept in the coverage report, never dropped silently.
The shipped table is `lci_data/mapping/materials.csv`; a user's table (same columns) is read first and wins.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from .data.background import Background
from .data.tables import lci_data_dir
from .errors import MappingError

EXCLUDE = "EXCLUDE"
AMBIGUOUS = "AMBIGUOUS"  # dataset of catch-all rows ("metals", "other"): the text names no single material
MATERIAL_RULE_KINDS = ("material", "packaging")  # kinds whose patterns name a material (for the ambiguity check)
DEFAULT_MIN_FUZZY = 0.86
_SYMBOLS = re.compile(r"[™®©]")
_SPACES = re.compile(r"\s+")


PLURAL_MIN_LENGTH = 4  # a one-word pattern of at least this many letters (at its end) also matches its plural


@lru_cache(maxsize=8192)
def _token_pattern(pattern: str, plurals: bool = True) -> re.Pattern:
    """`pattern` as a whole token: no letter or digit may touch an ASCII end (CJK text has no word breaks).

    Compiled on first use and kept (a mapper tries only the patterns whose text occurs in a description).

    A pattern ending in an ASCII word of PLURAL_MIN_LENGTH letters or more, or of several words, also matches with
    `s` or `es` after it (`wooden box` finds `Wooden boxes and planks`, `cable` finds `cables`); short one-word
    codes (`PC`, `PET`, `nut`) do not. plurals=False: the pattern in the singular only.
    """
    left = r"(?<![0-9a-z])" if pattern[:1].isascii() and pattern[:1].isalnum() else ""
    right = r"(?![0-9a-z])" if pattern[-1:].isascii() and pattern[-1:].isalnum() else ""
    last_word = re.search(r"[a-z]+$", pattern)
    plural = "(?:e?s)?" if plurals and last_word and (len(last_word.group()) >= PLURAL_MIN_LENGTH
                                                      or " " in pattern) else ""
    return re.compile(left + re.escape(pattern) + plural + right)


def _singulars(norm: str) -> list[str]:
    """`norm` without a plural ending, for exact patterns: `pallets` -> `pallet`, `boxes` -> `boxe`, `box`."""
    word = re.search(r"[a-z]+$", norm)
    if not word or len(word.group()) < PLURAL_MIN_LENGTH + 1 or not norm.endswith("s"):
        return []
    return [norm[:-1]] + ([norm[:-2]] if norm.endswith("es") else [])


def _head(norm: str) -> str:
    """The part of a description before its first purpose clause or sentence end (see _TRAILER)."""
    found = _TRAILER.search(norm)
    head = norm[:found.start()] if found else norm
    return head if len(re.findall(r"[^\W\d_]", head)) >= 3 else norm  # "nr. 5 lager": too short to be the head


def normalise(text: str) -> str:
    """NFKC (full-width -> ASCII), lower case, trademark symbols removed, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", _SYMBOLS.sub("", str(text))).lower()
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class MappingRule:
    pattern: str  # normalised
    dataset: str
    match: str  # exact | contains
    kind: str
    proxy: bool
    note: str
    origin: str  # file the rule came from
    row: int = 0  # its row in that file (the header is row 1)


@dataclass(frozen=True)
class Match:
    """The decision for one text: which dataset, how, how sure."""

    text: str
    dataset: str | None  # None: unmapped or ambiguous; EXCLUDE: excluded on purpose
    method: str  # key | table | fuzzy | unmapped | excluded | ambiguous
    confidence: float
    proxy: bool = False
    rule: str = ""  # the pattern or dataset name that matched
    note: str = ""
    candidates: tuple[str, ...] = ()  # for an ambiguous text: the datasets it could mean

    @property
    def mapped(self) -> bool:
        return self.dataset is not None and self.dataset != EXCLUDE

    @property
    def ambiguous(self) -> bool:
        return self.method == "ambiguous"


# what separates the items of a list of materials: "steel, aluminium", "Stahl/Alu", "PE und PP", "钢、铝" (also
# for splitting a text into its listed items: "钢和铝" -> 钢, 铝)
_LIST_SEPARATOR = re.compile(r"[,;/&+()\[\]、，；（）]|[和及与或]"
                             r"|(?<![0-9a-z])(?:and|or|und|oder)(?![0-9a-z])")
# a material word that names a surface layer or a filler, not a second material: "Steel, zinc plated",
# "Brass, nickel-plated", "POM glass reinforced"
_SURFACE = re.compile(r"[\s-]*(plated|plating|coated|coating|finish|finished|beschichtet"
                      r"|reinforced|filled|verstärkt|gefüllt)(?![0-9a-z])")
# where a description stops naming the line and starts saying what it is for or what it touches: "M3 stainless
# screws are used to attach the stepper motor", "Barb hose fitting. This barb connects ... the pressure sensor"
_TRAILER = re.compile(r"\.\s|\s(?:used to|used for|is used|are used|for|to attach|für|zur|zum)\s|用于|用来")
FASTENER = "fastener"  # kind of rows that name a fastener, not its material: they decide only when no other row matches
_REGION_SUFFIX = re.compile(r"_(cn|na|eu|global|us|de)$")


def family(dataset: str) -> str:
    """The material family of a dataset key, for telling "several materials" from "one material, two words"
    (`stainless_steel_304` and `stainless_steel_316` are one family; `steel_plate_cn` and `aluminium_sheet` are two)."""
    key = _REGION_SUFFIX.sub("", dataset)
    if key.startswith("stainless"):
        return "stainless"
    if "steel" in key or key.startswith(("cast_iron", "iron")):
        return "ferrous"
    if key.startswith(("copper", "brass", "bronze")):
        return "copper"
    if key.startswith("aluminium"):
        return "aluminium"
    if re.match(r"pa\d", key):
        return "polyamide"
    if key.startswith("rubber"):
        return "rubber"
    if key.startswith(("plywood", "sawn_wood", "osb", "pallet_wood")) or "softwood" in key:
        return "wood"
    return key.split("_")[0]


def _read_rules(path: Path) -> list[MappingRule]:
    rules = []
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise MappingError(f"cannot read the mapping table ({exc.strerror})", file=str(path)) from None
    with handle:
        reader = csv.DictReader(handle)
        missing = {"pattern", "dataset"} - set(reader.fieldnames or [])
        if missing:
            raise MappingError(f"mapping table lacks columns {sorted(missing)}", file=str(path), row=1,
                               expected="columns pattern,dataset[,match,kind,proxy,note]")
        for number, row in enumerate(reader, start=2):
            pattern = normalise(row.get("pattern") or "")
            dataset = (row.get("dataset") or "").strip()
            if not pattern or not dataset:
                raise MappingError("empty pattern or dataset", file=str(path), row=number,
                                   column="pattern" if not pattern else "dataset")
            match = (row.get("match") or "exact").strip().lower()
            if match not in ("exact", "contains"):
                raise MappingError(f"unknown match '{match}'", file=str(path), row=number, column="match",
                                   expected="exact or contains")
            rules.append(MappingRule(pattern, dataset, match, (row.get("kind") or "").strip(),
                                     (row.get("proxy") or "").strip().lower() in ("true", "1", "yes"),
                                     (row.get("note") or "").strip(), str(path), number))
    return rules


def regional_variant(regional: dict, background: Background, dataset: str, country: str | None):
    """(regional dataset, note) of `dataset` for a line made in `country` (ISO 3166), where `regional` (read from
    lci_data/mapping/regional.csv) has one that the background holds; else None."""
    if not country:
        return None
    found = regional.get((dataset, str(country).strip().upper()))
    return found if found and background.has(found[0]) else None


def shipped_table() -> Path:
    return lci_data_dir() / "mapping" / "materials.csv"


@dataclass
class Mapper:
    """Maps material / component texts to dataset keys of one background."""

    background: Background
    rules: list[MappingRule] = field(default_factory=list)
    min_fuzzy: float = DEFAULT_MIN_FUZZY

    regional: dict = field(default_factory=dict)  # (dataset, country) -> (regional dataset, note)

    def __post_init__(self):
        self._exact: dict[str, MappingRule] = {}
        for rule in self.rules:  # earlier rules (the user's) win
            if rule.match == "exact":
                self._exact.setdefault(rule.pattern, rule)
        contains = {}
        for rule in self.rules:
            if rule.match == "contains":
                contains.setdefault(rule.pattern, rule)
        self._contains = sorted(contains.values(), key=lambda r: -len(r.pattern))
        datasets = self.background.tables.datasets
        names = dict(zip(datasets.index, datasets["name"]))  # plain dicts: a Series lookup per key costs 6 us
        categories = dict(zip(datasets.index, datasets["category"]))
        self._candidates: dict[str, tuple[str, str, str]] = {}  # normalised text -> (dataset, label, kind)
        for rule in self.rules:  # fuzzy matching only proposes datasets this background holds
            if rule.dataset == EXCLUDE or self.background.has(rule.dataset):  # never "close to" a catch-all
                self._candidates.setdefault(rule.pattern, (rule.dataset, rule.pattern, rule.kind))
        for key in self.background.keys:
            self._candidates.setdefault(normalise(key), (key, key, str(categories[key])))
            self._candidates.setdefault(normalise(names[key]), (key, str(names[key]), str(categories[key])))
        self._cache: dict[str, Match] = {}

    @classmethod
    def create(cls, background: Background, user_table: str | Path | None = None,
               min_fuzzy: float = DEFAULT_MIN_FUZZY) -> "Mapper":
        """The shipped table, with a user's table (same columns) in front of it."""
        rules = _read_rules(Path(user_table)) if user_table else []
        shipped = shipped_table()
        if shipped.exists():
            rules += _shipped_rules(str(shipped))
        mapper = cls(background, rules, min_fuzzy, _regional(str(shipped.parent / "regional.csv")))
        unknown = sorted({r.dataset for r in rules
                          if r.dataset not in (EXCLUDE, AMBIGUOUS) and not background.has(r.dataset)})
        if unknown and user_table:
            user_unknown = [r for r in rules if r.origin == str(user_table) and r.dataset in unknown]
            if user_unknown:
                names = sorted({r.dataset for r in user_unknown})
                raise MappingError(f"the mapping table names unknown datasets {names[:10]}", file=str(user_table),
                                   row=user_unknown[0].row, column="dataset",
                                   expected="keys listed by `pcf data list`")
        return mapper

    def match(self, text: str | None, kinds: tuple[str, ...] | None = None, country: str | None = None) -> Match:
        """The dataset for `text` (a key, a grade, a code or free text).

        kinds: only table rows of these kinds (e.g. a part's material: material, packaging); rows without a kind
        and dataset keys always count. country: the line's country (ISO 3166); a grade mapped through the table
        then takes its regional variant where `lci_data/mapping/regional.csv` has one (a key given as such is
        kept as it is).
        """
        if text is None or str(text).strip() == "":
            return Match("", None, "unmapped", 0.0, note="no material or dataset given")
        raw = str(text).strip()
        key = (raw, kinds)
        if key not in self._cache:
            self._cache[key] = self._match(raw, kinds)
        found = self._cache[key]
        if country and found.method in ("table", "fuzzy"):
            regional = regional_variant(self.regional, self.background, found.dataset, country)
            if regional:
                return replace(found, dataset=regional[0], method=found.method + "+regional",
                               note=f"{found.note}; regional variant for {country}: {regional[1]}".strip("; "))
        return found

    def _match(self, raw: str, kinds: tuple[str, ...] | None) -> Match:
        if self.background.has(raw):
            return Match(raw, raw, "key", 1.0, rule=raw)
        norm = normalise(raw)

        def kind_ok(kind: str, dataset: str) -> bool:
            return kinds is None or not kind or kind in kinds or kind == FASTENER or dataset == EXCLUDE

        def allowed(rule: MappingRule) -> bool:
            return kind_ok(rule.kind, rule.dataset) and self._usable(rule.dataset)

        rule = self._exact.get(norm)
        if rule is not None and not allowed(rule):
            rule = None
        if rule is not None and rule.dataset == AMBIGUOUS:
            return self._ambiguous(raw, [rule])
        if rule is None and _head(norm) != norm:  # a catch-all heading a description: "Polyamide 6 & 66 for ..."
            head_rule = self._exact.get(_head(norm))
            if head_rule is not None and head_rule.dataset == AMBIGUOUS and allowed(head_rule):
                return self._ambiguous(raw, [head_rule])
        if rule is None:
            # among the patterns found in the text: a specific (non-proxy) one before a generic word, then the longest
            # only the head of a description names the line ("... screws are used to attach the stepper motor")
            spans = self._spans(_head(norm), allowed)
            # a pattern inside a longer one found at the same place does not count: "hydraulic motor" is not a
            # "motor", "glass wool" not "glass", "PA66-GF35" not "PA66"
            spans = [(span, c) for span, c in spans
                     if not any(o != span and o[0] <= span[0] and span[1] <= o[1] for o, _ in spans)]
            # a plating or coating ("zinc plated") is not the material when the text names another one
            found = [c for span, c in spans if not _SURFACE.match(norm, span[1])] or [c for _, c in spans]
            if found:
                several = self._several_materials(spans, norm)
                if several:
                    return self._ambiguous(raw, several)
                # a fastener word ("screw", "Mutter") decides only when nothing else is named ("Nylon screw")
                # and so does a catch-all found inside a text ("Miscellaneous steel parts" is steel)
                rule = min(found, key=lambda r: (r.kind == FASTENER or r.dataset == AMBIGUOUS, r.proxy,
                                                 -len(r.pattern)))
        if rule is None:  # a list of whole items that are exact patterns of different families: "钢和铝", "Stahl; Alu"
            listed = self._listed_exact(norm, allowed)
            if listed:
                return self._ambiguous(raw, listed)
        for singular in _singulars(norm) if rule is None else []:  # `pallets` -> the exact pattern `pallet`
            rule = self._exact.get(singular)
            if rule is not None and allowed(rule):
                break
            rule = None
        if rule is not None and rule.dataset == AMBIGUOUS:
            return self._ambiguous(raw, [rule])
        if rule is not None and self._usable(rule.dataset):
            method = "excluded" if rule.dataset == EXCLUDE else "table"
            confidence = 1.0 if rule.match == "exact" else 0.9
            return Match(raw, rule.dataset, method, confidence, rule.proxy, rule.pattern, rule.note)
        # fuzzy matching proposes only datasets of the kinds asked for (a part's material never becomes a process)
        pool = [c for c, (dataset, _, kind) in self._candidates.items() if kind_ok(kind, dataset)]
        best = difflib.get_close_matches(norm, pool, n=1, cutoff=self.min_fuzzy)
        if best:
            dataset, label, _ = self._candidates[best[0]]
            if self._usable(dataset):
                ratio = difflib.SequenceMatcher(None, norm, best[0]).ratio()
                return Match(raw, dataset, "excluded" if dataset == EXCLUDE else "fuzzy", round(ratio, 3),
                             rule=label, note=f"closest to '{label}'")
        return Match(raw, None, "unmapped", 0.0, note="no key, table pattern or close name")

    def _spans(self, text: str, allowed) -> list[tuple[tuple[int, int], MappingRule]]:
        """Where each allowed `contains` pattern occurs in `text` (first occurrence).

        A token pattern matches its text literally (its other parts match no characters or only a plural ending
        after it), so only the patterns whose text occurs in `text` are compiled and searched: same spans, far
        fewer regular expressions (about 1,000 rules)."""
        return [(m.span(), c) for c in self._contains if c.pattern in text and allowed(c)
                for m in [_token_pattern(c.pattern).search(text)] if m]

    def _listed_exact(self, norm: str, allowed) -> list[MappingRule]:
        """The exact material rules of a text that is a list of whole items ("钢和铝": 钢, 铝), when every item is an
        exact pattern and they name two or more families; [] otherwise."""
        items = [part.strip() for part in _LIST_SEPARATOR.split(norm) if part and part.strip()]
        if len(items) < 2:
            return []
        rules = [self._exact.get(item) for item in items]
        if any(r is None or not allowed(r) or (r.kind not in MATERIAL_RULE_KINDS and r.dataset != AMBIGUOUS)
               for r in rules):
            return []
        families = {AMBIGUOUS if r.dataset == AMBIGUOUS else family(r.dataset) for r in rules}
        return list(dict.fromkeys(rules)) if len(families) >= 2 else []

    def _usable(self, dataset: str) -> bool:
        return dataset in (EXCLUDE, AMBIGUOUS) or self.background.has(dataset)

    @staticmethod
    def _several_materials(spans: list[tuple[tuple[int, int], MappingRule]], norm: str) -> list[MappingRule]:
        """The material rules found at separate places of the text when it lists materials of two or more
        families ("steel, aluminium", "Stahl/Alu"); [] when it names one material. A pattern inside a longer one
        does not count (`steel` in `stainless steel`), nor two words without a list separator between them
        (`Edelstahl 1.4404`: a generic word and a grade, the grade wins), nor a plating or coating (`Steel, zinc
        plated`), nor a text that also names a component
        (`Cable, copper, PVC insulated`: when component rows may match, the component decides)."""
        if any(r.kind == "component" for _, r in spans):
            return []  # a component named with its materials ("Cable, copper, PVC insulated") is one component
        material = [(span, r) for span, r in spans if (r.kind in MATERIAL_RULE_KINDS or r.dataset == AMBIGUOUS)
                    and not _SURFACE.match(norm, span[1])]
        outer = sorted({(span, r.pattern): (span, r) for span, r in material
                        if not any(o != span and o[0] <= span[0] and span[1] <= o[1] for o, _ in material)}.values(),
                       key=lambda x: x[0])
        listed = []
        for (span, rule), (nxt_span, nxt_rule) in zip(outer, outer[1:]):
            if nxt_span[0] >= span[1] and _LIST_SEPARATOR.search(norm[span[1]:nxt_span[0]]):
                listed += [rule, nxt_rule]
        families = {AMBIGUOUS if r.dataset == AMBIGUOUS else family(r.dataset) for r in listed}
        if len(families) < 2:
            return []
        return list(dict.fromkeys(r for _, r in outer))

    def _ambiguous(self, raw: str, rules: list[MappingRule]) -> Match:
        candidates: list[str] = []
        for rule in rules:
            names = [rule.dataset] if rule.dataset != AMBIGUOUS else [
                c.strip() for c in rule.note.split("candidates:", 1)[-1].split(";")[0].split(",")
                if "candidates:" in rule.note and c.strip()]
            for name in names:
                if name not in candidates and name not in (AMBIGUOUS, "none"):
                    candidates.append(name)
        words = ", ".join(f"'{r.pattern}'" for r in rules)
        note = (f"names several materials ({words})" if len(rules) > 1 else
                f"a catch-all word ('{rules[0].pattern}')" + (f": {rules[0].note}" if rules[0].note else ""))
        note += "; give the line's material, or add a mapping row for this text"
        return Match(raw, None, "ambiguous", 0.0, True, "; ".join(r.pattern for r in rules), note,
                     tuple(candidates))

    def words(self, *, dataset: str | None = None, contains: str | None = None) -> list[dict]:
        """The vocabulary: every table row that can decide a match (a user's row first; a shipped row that a user's
        row with the same pattern and match replaces is left out), optionally only those for `dataset` (a key,
        EXCLUDE or AMBIGUOUS) or whose normalised pattern contains `contains`."""
        seen, out = set(), []
        needle = normalise(contains) if contains else None
        for rule in self.rules:
            if (rule.pattern, rule.match) in seen:
                continue
            seen.add((rule.pattern, rule.match))
            if dataset and rule.dataset != dataset:
                continue
            if needle and needle not in rule.pattern:
                continue
            out.append({"pattern": rule.pattern, "match": rule.match, "dataset": rule.dataset, "kind": rule.kind,
                        "proxy": rule.proxy, "usable": self._usable(rule.dataset), "note": rule.note,
                        "origin": "shipped" if rule.origin == str(shipped_table()) else rule.origin})
        return out

    def classify(self, text: str) -> str | None:
        """The category of the dataset `text` maps to (material, component, process ...), None if unmapped."""
        found = self.match(text)
        return self.category(found.dataset) if found.mapped else None

    def category(self, dataset: str) -> str | None:
        if dataset == EXCLUDE or not self.background.has(dataset):
            return None
        return str(self.background.tables.datasets.at[dataset, "category"])


CORPUS_OUTCOMES = ("correct", "wrong", "ambiguous", "unmapped")
UNMAPPED = "UNMAPPED"  # a corpus row's expected value for a text that should stay unmapped (no dataset, no fair proxy)


@dataclass(frozen=True)
class CorpusAccuracy:
    """How a mapper does on a corpus of descriptions with their expected dataset (`tests/data/mapping_corpus*.csv`).

    Each row is `correct` (the expected dataset, AMBIGUOUS, EXCLUDE or UNMAPPED), `wrong` (a dataset or EXCLUDE
    other than the expected one: silently wrong), `ambiguous` (flagged ambiguous where one dataset was expected) or
    `unmapped` (left unmapped where a dataset was expected)."""

    rows: tuple[dict, ...]  # text, kinds, expected, origin, got, outcome, method, rule

    def count(self, outcome: str, origin: str | None = None) -> int:
        return sum(1 for r in self.rows if r["outcome"] == outcome and (origin is None or r["origin"] == origin))

    def total(self, origin: str | None = None) -> int:
        return sum(1 for r in self.rows if origin is None or r["origin"] == origin)

    def share(self, outcome: str, origin: str | None = None) -> float:
        n = self.total(origin)
        return self.count(outcome, origin) / n if n else 0.0

    @property
    def ambiguous_flagged(self) -> tuple[int, int]:
        """(flagged, expected): of the rows expected AMBIGUOUS, how many the mapper flags."""
        expected = [r for r in self.rows if r["expected"] == AMBIGUOUS]
        return sum(1 for r in expected if r["got"] == AMBIGUOUS), len(expected)

    def misses(self) -> list[dict]:
        return [r for r in self.rows if r["outcome"] != "correct"]

    def summary(self, origin: str | None = None) -> str:
        n = self.total(origin)
        parts = ", ".join(f"{self.share(o, origin):.1%} {o}" for o in CORPUS_OUTCOMES)
        return f"{self.count('correct', origin)} of {n} ({parts})"


def corpus_accuracy(mapper: Mapper, path: str | Path) -> CorpusAccuracy:
    """Map every row of a corpus CSV (columns text, kinds, expected[, origin]; kinds `material` = as a part's
    material, anything else = as a component line) and classify the outcome (see CorpusAccuracy)."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise MappingError(f"cannot read the mapping corpus ({exc.strerror})", file=str(path)) from None
    out = []
    with handle:
        reader = csv.DictReader(handle)
        missing = {"text", "kinds", "expected"} - set(reader.fieldnames or [])
        if missing:
            raise MappingError(f"mapping corpus lacks columns {sorted(missing)}", file=str(path), row=1,
                               expected="columns text,kinds,expected[,origin,source_title,source_url,note]")
        for number, row in enumerate(reader, start=2):
            text, expected = (row.get("text") or "").strip(), (row.get("expected") or "").strip()
            if not text or not expected:
                raise MappingError("empty text or expected", file=str(path), row=number,
                                   column="text" if not text else "expected")
            kinds = ("material", "packaging") if (row.get("kinds") or "").strip() == "material" else None
            found = mapper.match(text, kinds=kinds)
            got = AMBIGUOUS if found.ambiguous else (found.dataset or UNMAPPED)
            if got == expected:
                outcome = "correct"
            elif got in (AMBIGUOUS, UNMAPPED):
                outcome = "ambiguous" if got == AMBIGUOUS else "unmapped"
            else:
                outcome = "wrong"
            out.append({"text": text, "kinds": row.get("kinds", ""), "expected": expected,
                        "origin": (row.get("origin") or "").strip() or "unlabelled", "got": got, "outcome": outcome,
                        "method": found.method, "rule": found.rule})
    return CorpusAccuracy(tuple(out))


def corpus_markdown(accuracy: CorpusAccuracy, corpus_name: str) -> list[str]:
    """The accuracy section of docs/mapping_vocabulary.md."""
    flagged, expected = accuracy.ambiguous_flagged
    lines = ["", "## Accuracy on the mapping corpus", "",
             f"`{corpus_name}`: {accuracy.total()} descriptions with the dataset they should map to (or `AMBIGUOUS`, "
             "`EXCLUDE`, `UNMAPPED` for texts that have no dataset and no fair stand-in), each with its source. "
             "`real` rows were copied from public material tables (a product manual's disposal table, a material "
             "declaration sheet, a PCR appendix, an EPD data set, electronics and e-waste composition tables, "
             "plastics makers' product lists, a GRI materials disclosure) and open machine BOMs (title and address "
             "in the file); `holdout` rows were copied the same way from further open BOMs after the vocabulary "
             "was last changed, and measure it out of sample; `synthetic` rows are ERP-style lines written for the "
             "corpus and labelled as such. `wrong` means mapped to another dataset (silently wrong), `ambiguous` "
             "flagged where one dataset was expected, `unmapped` left out where one was expected. The vocabulary "
             "was extended from what the `real` and `synthetic` rows showed missing, so their figures are in-sample (see "
             "lci_data/mapping/README.md#mapping-corpora).", "",
             "| rows | lines | correct | wrong | ambiguous | unmapped |", "| --- | --- | --- | --- | --- | --- |"]
    for label, origin in (("all", None), ("real", "real"), ("holdout", "holdout"), ("synthetic", "synthetic")):
        if accuracy.total(origin):
            lines.append(f"| {label} | {accuracy.total(origin)} | "
                         + " | ".join(f"{accuracy.share(o, origin):.1%}" for o in CORPUS_OUTCOMES) + " |")
    lines += ["", f"Lines expected `AMBIGUOUS` that are flagged: {flagged} of {expected}. "
              "`tests/test_mapping.py` enforces these figures as a floor (a ratchet: raise it when the vocabulary "
              "improves, never lower it)."]
    return lines


def vocabulary_markdown(rules: list[MappingRule], accuracy: CorpusAccuracy | None = None,
                        corpus_name: str = "") -> str:
    """docs/mapping_vocabulary.md: every shipped pattern, grouped by the dataset it maps to (`pcf data words
    --markdown`; a test keeps the page current)."""
    by_dataset: dict[str, list[MappingRule]] = {}
    for rule in rules:
        by_dataset.setdefault(rule.dataset, []).append(rule)
    lines = ["# Mapping vocabulary", "",
             "Every word of the shipped mapping table (`lci_data/mapping/materials.csv`), by the dataset it maps to. "
             "Generated by `pcf data words --markdown docs/mapping_vocabulary.md --corpus "
             "tests/data/mapping_corpus_sourced.csv`; a test keeps it current. "
             "Patterns are shown normalised (lower case); `=` marks an `exact` pattern (the whole text), the others "
             "are `contains` (a whole word sequence in the text, plural s/es allowed); `*` marks a proxy. `AMBIGUOUS`: "
             "the line is reported as ambiguous, not mapped; `EXCLUDE`: left out on purpose. How these rules "
             "combine: lci_data/mapping/README.md.", "",
             f"{len(rules)} patterns, {len([k for k in by_dataset if k not in (EXCLUDE, AMBIGUOUS)])} datasets.", "",
             "| dataset | patterns |", "| --- | --- |"]
    order = sorted(k for k in by_dataset if k not in (EXCLUDE, AMBIGUOUS)) + [AMBIGUOUS, EXCLUDE]
    for key in order:
        if key not in by_dataset:
            continue
        words = [("=" if r.match == "exact" else "") + r.pattern.replace("|", "\\|") + ("*" if r.proxy else "")
                 for r in by_dataset[key]]
        lines.append(f"| `{key}` | {', '.join(words)} |")
    if accuracy is not None:
        lines += corpus_markdown(accuracy, corpus_name)
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=4)
def _regional(path: str) -> dict:
    out = {}
    p = Path(path)
    if p.exists():
        with p.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                out[(row["dataset"].strip(), row["country"].strip().upper())] = (row["regional_dataset"].strip(),
                                                                                (row.get("note") or "").strip())
    return out


@lru_cache(maxsize=4)
def _shipped_rules(path: str) -> list[MappingRule]:
    return _read_rules(Path(path))
