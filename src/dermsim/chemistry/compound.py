"""Compounds: the permeant's physicochemical properties, from the packaged library or built by hand.

A :class:`Compound` carries what the transport models need of a permeant (molecular weight,
octanol/water partition coefficient, acid/base character) plus the provenance of every number:
``sources`` maps each numeric field to its source text and ``estimated`` names the fields whose
values are calculated or estimated rather than measured.

Three ways to get one::

    get_compound("caffeine")                       # packaged library, parameters/compounds.toml
    compound_from_smiles("CN1C=NC2=C1C(=O)N(C(=O)N2C)C", name="caffeine")   # RDKit estimates
    make_compound("my-active", molecular_weight=250.3, log_kow=1.2, acid_base="acid", pka_acid=4.1)

References
----------
Cheruvu HS, Liu X, Grice JE, Roberts MS (2022) An updated database of human maximum skin fluxes and
epidermal permeability coefficients. Data in Brief 42:108242.
Hansch C, Leo A, Hoekman D (1995) Exploring QSAR: Hydrophobic, Electronic, and Steric Constants. ACS.
Wildman SA, Crippen GM (1999) Prediction of physicochemical parameters by atomic contributions.
J Chem Inf Comput Sci 39:868-873.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from dermsim import parameters
from dermsim.errors import DermsimError, InputError
from dermsim.parameters import Parameter

__all__ = ["Compound", "get_compound", "list_compounds", "compound_from_smiles", "make_compound",
           "ACID_BASE_KINDS", "COMPOUND_KINDS"]

#: Acid/base kinds of a compound: the one definition (qspr, predict and the scenario use it). ``zwitterion``
#: differs from ``ampholyte`` only in the albumin-binding class of the viable tissue (Yamazaki & Kanaoka 2004);
#: ``polyanion``/``polycation`` are many groups of one pKa (see qspr.fraction_unionised).
ACID_BASE_KINDS = ("neutral", "acid", "base", "ampholyte", "zwitterion", "polyanion", "polycation")
COMPOUND_KINDS = ("small_molecule", "protein", "polysaccharide")
LIBRARY_CATEGORIES = ("cosmetic active", "reference permeant", "drug", "macromolecule")

_MW_MAX = 1e8            # g/mol; above any real macromolecule
_LOG_KOW_RANGE = (-10.0, 15.0)
_PKA_RANGE = (-5.0, 20.0)
_PI_RANGE = (0.0, 14.0)
_MELTING_RANGE = (20.0, 1000.0)          # K
_SOLUBILITY_RANGE = (1e-12, 2e6)         # ug/cm^3: from sub-pg/mL to a pure liquid

_CRIPPEN_SOURCE = "RDKit Crippen (Wildman & Crippen 1999 J Chem Inf Comput Sci 39:868), estimate"
_MOLWT_SOURCE = "RDKit Descriptors.MolWt from the SMILES structure (IUPAC standard atomic weights), calc."

# numeric fields of a library entry: name -> must it carry a unit?
_NUMERIC_FIELDS = {"molecular_weight": True, "log_kow": False, "pka_acid": False, "pka_base": False,
                   "isoelectric_point": False}
_TEXT_FIELDS = ("display_name", "kind", "acid_base", "smiles", "category", "notes", "molecule_class")
# physical properties of a library entry (optional): name -> kernel units accepted (log10 amount per volume is
# converted with the molecular weight)
_PROPERTY_FIELDS = {"melting_point": ("K",), "aqueous_solubility": ("ug/cm^3", "log10(mol/cm^3)")}
_ALLOWED_KEYS = set(_NUMERIC_FIELDS) | set(_PROPERTY_FIELDS) | set(_TEXT_FIELDS) | {"aliases"}


@dataclass(frozen=True)
class Compound:
    """A permeant and the provenance of its properties.

    Parameters
    ----------
    name : str
        Canonical name (library key for library compounds).
    molecular_weight : float
        Molecular weight of the permeating form, g/mol.
    log_kow : float or None
        log10 octanol/water partition coefficient of the neutral form, dimensionless; None for
        macromolecules, for which it has no meaning.
    acid_base : str
        ``neutral``, ``acid``, ``base``, ``ampholyte`` or ``polyanion``.
    pka_acid : float or None
        pKa of the acidic group, dimensionless.
    pka_base : float or None
        pKa of the conjugate acid of the basic group, dimensionless.
    kind : str
        ``small_molecule``, ``protein`` or ``polysaccharide``.
    smiles : str or None
        Structure of the form whose molecular weight is given.
    category : str
        ``cosmetic active``, ``reference permeant``, ``drug``, ``macromolecule`` (library) or ``user``.
    aliases : tuple of str
        Other names the library lookup accepts.
    sources : Mapping[str, str]
        Field name -> source text, one per numeric field given.
    estimated : frozenset of str
        Fields whose values are calculated or estimated, not measured (e.g. ``{"log_kow"}``).
    notes : str
        Free text: caveats, omitted values and why.
    isoelectric_point : float or None
        Isoelectric point (proteins), pH units.
    molecule_class : str or None
        Size class of a macromolecule for `dermsim.chemistry.macromolecule` (e.g. ``"dextran"`` for a
        polysaccharide that is not hyaluronan); None: from ``kind``.
    melting_point : float or None
        Melting point of the solid (K); None when unknown (solubility estimates then refuse the compound).
    aqueous_solubility : float or None
        Measured solubility in water, ug/cm³ (= mg/L), at the temperature its source states; None when unknown.
    """

    name: str
    molecular_weight: float
    log_kow: float | None
    acid_base: str = "neutral"
    pka_acid: float | None = None
    pka_base: float | None = None
    kind: str = "small_molecule"
    smiles: str | None = None
    category: str = "user"
    aliases: tuple[str, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict, hash=False)
    estimated: frozenset[str] = frozenset()
    notes: str = ""
    isoelectric_point: float | None = None
    molecule_class: str | None = None
    melting_point: float | None = None
    aqueous_solubility: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "aliases", tuple(self.aliases))
        object.__setattr__(self, "estimated", frozenset(self.estimated))
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))
        _validate(self)

    @property
    def is_macromolecule(self) -> bool:
        """True for proteins and polysaccharides (no lipid-pathway permeation through intact SC)."""
        return self.kind != "small_molecule"

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dictionary of every field, for result provenance."""
        return {
            "name": self.name,
            "molecular_weight": self.molecular_weight,
            "molecular_weight_unit": "g/mol",
            "log_kow": self.log_kow,
            "acid_base": self.acid_base,
            "pka_acid": self.pka_acid,
            "pka_base": self.pka_base,
            "isoelectric_point": self.isoelectric_point,
            "melting_point": self.melting_point,
            "melting_point_unit": "K",
            "aqueous_solubility": self.aqueous_solubility,
            "aqueous_solubility_unit": "ug/cm^3",
            "kind": self.kind,
            "molecule_class": self.molecule_class,
            "smiles": self.smiles,
            "category": self.category,
            "aliases": list(self.aliases),
            "sources": dict(self.sources),
            "estimated": sorted(self.estimated),
            "notes": self.notes,
        }


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_range(name: str, value: object, low: float, high: float, unit: str = "") -> None:
    allowed = f"a finite number in [{low:g}, {high:g}]{unit}"
    if not _is_number(value) or not math.isfinite(value) or not low <= value <= high:
        raise InputError(name, value, allowed)


def _validate(c: Compound) -> None:
    """Check every field of a compound; raise InputError naming the first bad field."""
    if not isinstance(c.name, str) or not c.name.strip():
        raise InputError("name", c.name, "a non-empty string")
    mw = c.molecular_weight
    if not _is_number(mw) or not math.isfinite(mw) or not 0 < mw < _MW_MAX:
        raise InputError("molecular_weight", mw, f"a finite number > 0 and < {_MW_MAX:g} g/mol")
    if c.kind not in COMPOUND_KINDS:
        raise InputError("kind", c.kind, " | ".join(COMPOUND_KINDS), choices=COMPOUND_KINDS)
    if c.molecule_class is not None:
        from dermsim.chemistry.macromolecule import MOLECULE_CLASSES

        if c.molecule_class not in MOLECULE_CLASSES:
            raise InputError("molecule_class", c.molecule_class, " | ".join(MOLECULE_CLASSES), choices=MOLECULE_CLASSES)
    if c.log_kow is None:
        if c.kind == "small_molecule":
            raise InputError("log_kow", None, "a number for a small molecule (None only for proteins "
                                              "and polysaccharides)")
    else:
        _check_range("log_kow", c.log_kow, *_LOG_KOW_RANGE)
    if c.acid_base not in ACID_BASE_KINDS:
        raise InputError("acid_base", c.acid_base, " | ".join(ACID_BASE_KINDS), choices=ACID_BASE_KINDS)
    for name in ("pka_acid", "pka_base"):
        value = getattr(c, name)
        if value is not None:
            _check_range(name, value, *_PKA_RANGE)
    if c.isoelectric_point is not None:
        _check_range("isoelectric_point", c.isoelectric_point, *_PI_RANGE, unit=" (pH units)")
    if c.melting_point is not None:
        _check_range("melting_point", c.melting_point, *_MELTING_RANGE, unit=" K")
    if c.aqueous_solubility is not None:
        _check_range("aqueous_solubility", c.aqueous_solubility, *_SOLUBILITY_RANGE, unit=" ug/cm^3")
    if c.acid_base == "acid" and c.pka_acid is None:
        raise InputError("pka_acid", None, "a number when acid_base='acid'")
    if c.acid_base in ("base", "polycation") and c.pka_base is None:
        raise InputError("pka_base", None, f"a number when acid_base={c.acid_base!r}")
    if c.acid_base == "zwitterion" and (c.pka_acid is None or c.pka_base is None):
        missing = "pka_acid" if c.pka_acid is None else "pka_base"
        raise InputError(missing, None, "a number when acid_base='zwitterion' (both pKa values)")
    if c.acid_base == "neutral" and (c.pka_acid is not None or c.pka_base is not None):
        given = "pka_acid" if c.pka_acid is not None else "pka_base"
        raise InputError(given, getattr(c, given),
                         "None when acid_base='neutral' (set acid_base to acid, base or ampholyte)")
    unknown = set(c.estimated) - set(_NUMERIC_FIELDS) - set(_PROPERTY_FIELDS)
    if unknown:
        raise InputError("estimated", sorted(unknown),
                         f"field names among {sorted(set(_NUMERIC_FIELDS) | set(_PROPERTY_FIELDS))}")


def _normalise(name: str) -> str:
    """Lower-case, spaces and underscores as hyphens: 'Hyaluronic acid_5kDa' -> 'hyaluronic-acid-5kda'."""
    return re.sub(r"[\s_]+", "-", name.strip().lower())


# ---------------------------------------------------------------------------------------------
# packaged library
# ---------------------------------------------------------------------------------------------

def _library_error(key: str, message: str) -> DermsimError:
    return DermsimError(f"parameters/compounds.toml [{key}]: {message}")


def _compound_from_entry(key: str, entry: Mapping[str, Any]) -> Compound:
    """Build one library compound from its `dermsim.parameters` table (units and sources already checked by
    the loader; here: which fields, their dimensions and the compound rules)."""
    if not isinstance(entry, parameters.ParameterTable):          # a parsed table not yet through the loader
        try:
            entry = parameters.build(entry, "compounds.toml", key)
        except parameters.ParameterFileError as err:
            raise _library_error(key, f"{err.path[len(key) + 1:]} {err.problem}".strip()) from None
    extra = set(entry) - _ALLOWED_KEYS
    if extra:
        raise _library_error(key, f"unknown keys {sorted(extra)}; allowed: {sorted(_ALLOWED_KEYS)}")
    if key != _normalise(key):
        raise _library_error(key, "key must be lowercase-hyphenated")
    if "molecular_weight" not in entry:
        raise _library_error(key, "molecular_weight is required")
    values: dict[str, float] = {}
    sources: dict[str, str] = {}
    estimated: set[str] = set()
    for name, needs_unit in _NUMERIC_FIELDS.items():
        if name not in entry:
            continue
        item = entry[name]
        if not isinstance(item, Parameter):
            raise _library_error(key, f"{name} must be a table {{ value = ..., unit = \"...\", source = \"...\" }}, "
                                      f"got {item!r}")
        if not _is_number(item.value):
            raise _library_error(key, f"{name}.value must be a number, got {item.given[0]!r}")
        kernel = "g/mol" if needs_unit else ""
        if item.unit != kernel:
            raise _library_error(key, f"{name}.unit must be {'a molar mass (g/mol)' if needs_unit else 'dimensionless'}"
                                      f", got {item.given[1]!r}")
        values[name] = float(item.value)
        sources[name] = item.source
        if "estimate" in item.flags:
            estimated.add(name)
    for name, kernels in _PROPERTY_FIELDS.items():
        if name not in entry:
            continue
        item = entry[name]
        if not isinstance(item, Parameter) or not _is_number(item.value) or item.unit not in kernels:
            raise _library_error(key, f"{name} must be a number {{ value = ..., unit = ..., source = ... }} in a unit "
                                      f"of {' or '.join(kernels)}, got {item!r}")
        value = float(item.value)
        if item.unit.startswith("log10("):                     # log10(mol/cm^3) -> ug/cm^3 with the MW
            value = 10.0 ** value * values["molecular_weight"] * 1e6
        values[name] = value
        sources[name] = item.source
        if "estimate" in item.flags:
            estimated.add(name)
    category = entry.get("category", "")
    if category not in LIBRARY_CATEGORIES:
        raise _library_error(key, f"category {category!r} not in {LIBRARY_CATEGORIES}")
    aliases = entry.get("aliases", ())
    if not isinstance(aliases, (list, tuple)) or not all(isinstance(a, str) for a in aliases):
        raise _library_error(key, "aliases must be a list of strings")
    display = entry.get("display_name", key)
    alias_tuple = tuple(dict.fromkeys(([display] if _normalise(display) != key else []) + list(aliases)))
    try:
        return Compound(
            name=key,
            molecular_weight=values["molecular_weight"],
            log_kow=values.get("log_kow"),
            acid_base=entry.get("acid_base", "neutral"),
            pka_acid=values.get("pka_acid"),
            pka_base=values.get("pka_base"),
            kind=entry.get("kind", "small_molecule"),
            smiles=entry.get("smiles"),
            category=category,
            aliases=alias_tuple,
            sources=sources,
            estimated=frozenset(estimated),
            notes=entry.get("notes", ""),
            isoelectric_point=values.get("isoelectric_point"),
            molecule_class=entry.get("molecule_class"),
            melting_point=values.get("melting_point"),
            aqueous_solubility=values.get("aqueous_solubility"),
        )
    except InputError as err:
        raise _library_error(key, str(err)) from err


@parameters.cache
def _library() -> tuple[dict[str, Compound], dict[str, str]]:
    """Load and validate compounds.toml once: (key -> Compound, normalised name -> key)."""
    data = parameters.load("compounds")
    compounds: dict[str, Compound] = {}
    index: dict[str, str] = {}
    for key, entry in data.items():
        if not isinstance(entry, Mapping):
            raise _library_error(key, "expected a table")
        compound = _compound_from_entry(key, entry)
        compounds[key] = compound
        for label in (key, *compound.aliases):
            norm = _normalise(label)
            if index.get(norm, key) != key:
                raise _library_error(key, f"name {label!r} is already used by [{index[norm]}]")
            index[norm] = key
    return compounds, index


def _all_names() -> list[str]:
    compounds, _ = _library()
    names: list[str] = []
    for key, compound in compounds.items():
        names.append(key)
        names.extend(a.lower() for a in compound.aliases)
    return names


def get_compound(name: str) -> Compound:
    """Look up a library compound by key, display name or alias (case-insensitive).

    Parameters
    ----------
    name : str
        e.g. ``"caffeine"``, ``"Vitamin C"``, ``"hyaluronic acid 1 MDa"``.

    Raises
    ------
    InputError
        Unknown name; the message lists the closest library names.
    """
    compounds, index = _library()
    if isinstance(name, str):
        key = index.get(_normalise(name))
        if key is not None:
            return compounds[key]
    raise InputError("compound", name, "a library compound name (see `dermsim compounds list`)",
                     choices=_all_names())


def list_compounds() -> list[Compound]:
    """All library compounds, sorted by name."""
    compounds, _ = _library()
    return sorted(compounds.values(), key=lambda c: c.name)


# ---------------------------------------------------------------------------------------------
# user compounds
# ---------------------------------------------------------------------------------------------

def compound_from_smiles(smiles: str, name: str | None = None, *, acid_base: str | None = None,
                         pka_acid: float | None = None, pka_base: float | None = None) -> Compound:
    """Build a compound from a SMILES string with RDKit estimates.

    Molecular weight (g/mol) is RDKit's average molecular weight; log Kow is the Crippen atomic
    contribution estimate and is flagged in ``estimated``. pKa values are not predicted: give them
    (``pka_acid``, ``pka_base``; ``acid_base`` defaults from which are given). A structure with an
    ionisable group and no pKa is neutral, and `dermsim.chemistry.ionisable_groups.missing_pka_note`
    says so in every result.

    Parameters
    ----------
    smiles : str
        SMILES of the permeating form.
    name : str, optional
        Compound name; defaults to the canonical SMILES.

    Raises
    ------
    InputError
        The SMILES cannot be parsed.
    """
    from rdkit import Chem, RDLogger
    from rdkit.Chem import Crippen, Descriptors

    allowed = "a valid SMILES string, e.g. 'CN1C=NC2=C1C(=O)N(C(=O)N2C)C' for caffeine"
    if not isinstance(smiles, str) or not smiles.strip():
        raise InputError("smiles", smiles, allowed)
    RDLogger.DisableLog("rdApp.*")
    try:
        mol = Chem.MolFromSmiles(smiles.strip())
    finally:
        RDLogger.EnableLog("rdApp.*")
    if mol is None or mol.GetNumAtoms() == 0:
        raise InputError("smiles", smiles, allowed)
    canonical = Chem.MolToSmiles(mol)
    if acid_base is None:
        acid_base = ("ampholyte" if pka_acid is not None and pka_base is not None else
                     "acid" if pka_acid is not None else "base" if pka_base is not None else "neutral")
    return make_compound(
        name if name is not None else canonical,
        molecular_weight=float(Descriptors.MolWt(mol)),
        log_kow=float(Crippen.MolLogP(mol)),
        acid_base=acid_base, pka_acid=pka_acid, pka_base=pka_base,
        smiles=canonical,
        sources={"molecular_weight": _MOLWT_SOURCE, "log_kow": _CRIPPEN_SOURCE},
        estimated=frozenset({"log_kow"}),
        notes="Built from SMILES; pKa values as given (none predicted).",
    )


def make_compound(name: str, molecular_weight: float, log_kow: float | None,
                  acid_base: str = "neutral", pka_acid: float | None = None,
                  pka_base: float | None = None, **kw: Any) -> Compound:
    """Build a user compound, checking every value.

    Parameters
    ----------
    name : str
        Compound name.
    molecular_weight : float
        g/mol, > 0 and < 1e8.
    log_kow : float or None
        log10 octanol/water partition coefficient, in [-10, 15]; None only for macromolecules
        (``kind="protein"`` or ``"polysaccharide"``).
    acid_base : str
        ``neutral``, ``acid``, ``base``, ``ampholyte`` or ``polyanion``.
    pka_acid, pka_base : float, optional
        pKa of the acidic group / of the conjugate acid of the basic group, in [-5, 20].
    **kw
        Further :class:`Compound` fields: ``kind``, ``smiles``, ``category``, ``aliases``,
        ``sources``, ``estimated``, ``notes``, ``isoelectric_point``, ``melting_point`` (K),
        ``aqueous_solubility`` (ug/cm³). Numeric fields without a source get ``"user input"``.

    Raises
    ------
    InputError
        A value is out of range or of the wrong type; the message names the field.
    """
    allowed_kw = {"kind", "smiles", "category", "aliases", "sources", "estimated", "notes",
                  "isoelectric_point", "melting_point", "aqueous_solubility"}
    for key in kw:
        if key not in allowed_kw:
            raise InputError("make_compound argument", key, ", ".join(sorted(allowed_kw)),
                             choices=allowed_kw)
    aliases = kw.pop("aliases", ())
    if isinstance(aliases, str) or not isinstance(aliases, Iterable):
        raise InputError("aliases", aliases, "a list of strings")
    given = {"molecular_weight": molecular_weight, "log_kow": log_kow, "pka_acid": pka_acid,
             "pka_base": pka_base, "isoelectric_point": kw.get("isoelectric_point"),
             "melting_point": kw.get("melting_point"), "aqueous_solubility": kw.get("aqueous_solubility")}
    sources = {f: "user input" for f, v in given.items() if v is not None}
    sources.update(kw.pop("sources", {}) or {})
    return Compound(
        name=name,
        molecular_weight=molecular_weight,
        log_kow=log_kow,
        acid_base=acid_base,
        pka_acid=pka_acid,
        pka_base=pka_base,
        aliases=tuple(aliases),
        sources=sources,
        **kw,
    )
