"""Compound library and constructors: data integrity, lookup, RDKit cross-checks, validation."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pytest

from dermsim.chemistry.compound import (
    ACID_BASE_KINDS,
    COMPOUND_KINDS,
    Compound,
    compound_from_smiles,
    get_compound,
    list_compounds,
    make_compound,
)
from dermsim.errors import DermsimError, InputError

ACTIVES_CSV = Path(__file__).resolve().parents[2] / "validation" / "data" / "cosmetic_actives_properties.csv"
CAFFEINE_SMILES = "CN1C=NC2=C1C(=O)N(C(=O)N2C)C"

# compound column of cosmetic_actives_properties.csv -> library key
CSV_TO_LIBRARY = {
    "caffeine": "caffeine",
    "niacinamide (nicotinamide)": "niacinamide",
    "retinol": "retinol",
    "L-ascorbic acid": "l-ascorbic-acid",
    "hyaluronic acid (Na)": None,  # a family of grades, checked separately below
    "salicylic acid": "salicylic-acid",
    "benzoyl peroxide": "benzoyl-peroxide",
    "EGF (human)": "egf-human",
    "hydroquinone": "hydroquinone",
    "glycolic acid": "glycolic-acid",
    "tretinoin (all-trans retinoic acid)": "tretinoin",
    "lidocaine": "lidocaine",
    "nicotine": "nicotine",
    "testosterone": "testosterone",
}
NUMERIC_FIELDS = ("molecular_weight", "log_kow", "pka_acid", "pka_base", "isoelectric_point")


def _leading_number(text: str) -> float | None:
    match = re.match(r"\s*~?\s*([0-9][0-9,]*\.?[0-9]*)", text)
    return float(match.group(1).replace(",", "")) if match else None


# ---------------------------------------------------------------------------------------------
# library data
# ---------------------------------------------------------------------------------------------

def test_library_has_at_least_45_compounds_sorted():
    compounds = list_compounds()
    assert len(compounds) >= 45
    names = [c.name for c in compounds]
    assert names == sorted(names)
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("compound", list_compounds(), ids=lambda c: c.name)
def test_every_number_has_a_source(compound: Compound):
    assert compound.molecular_weight > 0
    assert compound.sources.get("molecular_weight", "").strip()
    for field in NUMERIC_FIELDS:
        if getattr(compound, field) is not None:
            assert compound.sources.get(field, "").strip(), f"{compound.name}.{field} has no source"
    assert compound.estimated <= {f for f in NUMERIC_FIELDS if getattr(compound, f) is not None}
    assert compound.kind in COMPOUND_KINDS
    assert compound.acid_base in ACID_BASE_KINDS
    if compound.log_kow is None:
        assert compound.is_macromolecule and compound.notes, "omitted log Kow must be explained"
    # estimated values say so in their source text too
    for field in compound.estimated:
        assert re.search(r"estimat|calc|nominal|approx", compound.sources[field], re.I), field


def test_cosmetic_actives_csv_present_with_matching_molecular_weight():
    with ACTIVES_CSV.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 14
    assert {r["compound"] for r in rows} == set(CSV_TO_LIBRARY)
    for row in rows:
        key = CSV_TO_LIBRARY[row["compound"]]
        if key is None:
            continue
        compound = get_compound(key)
        csv_mw = _leading_number(row["MW_g_mol"])
        assert csv_mw is not None
        assert abs(compound.molecular_weight - csv_mw) <= 0.5, (key, compound.molecular_weight, csv_mw)
        # the display names of the CSV resolve too (first word group before a bracket)
        assert get_compound(row["compound"].split(" (")[0]) is compound


def test_hyaluronic_acid_grades():
    grades = {"5kda": 5e3, "50kda": 5e4, "200kda": 2e5, "1mda": 1e6, "2mda": 2e6}
    for suffix, mw in grades.items():
        ha = get_compound(f"hyaluronic-acid-{suffix}")
        assert ha.molecular_weight == pytest.approx(mw)
        assert ha.kind == "polysaccharide" and ha.is_macromolecule
        assert ha.acid_base == "polyanion"
        assert ha.pka_acid == pytest.approx(3.0, abs=0.5)
        assert ha.log_kow is None


def test_egf():
    egf = get_compound("EGF")
    assert egf.kind == "protein" and egf.is_macromolecule
    assert egf.molecular_weight == pytest.approx(6216, abs=5)
    assert egf.isoelectric_point == pytest.approx(4.6, abs=0.2)


def test_estimated_log_kow_flagged_for_calculated_values():
    for name in ("retinol", "tretinoin", "alpha-tocopherol"):
        assert "log_kow" in get_compound(name).estimated
    for name in ("caffeine", "testosterone", "water"):
        assert "log_kow" not in get_compound(name).estimated


def test_tabulated_mw_agrees_with_rdkit_for_every_smiles():
    """Catches SMILES/MW mismatches (wrong salt, hydrate or structure) in the data file."""
    pytest.importorskip("rdkit")
    from rdkit import Chem
    from rdkit.Chem import Descriptors

    checked = 0
    for compound in list_compounds():
        if compound.smiles is None:
            assert compound.is_macromolecule, f"{compound.name}: small molecule without SMILES"
            continue
        mol = Chem.MolFromSmiles(compound.smiles)
        assert mol is not None, f"{compound.name}: SMILES does not parse"
        rdkit_mw = Descriptors.MolWt(mol)
        assert abs(rdkit_mw - compound.molecular_weight) <= 0.01 * compound.molecular_weight, (
            compound.name, compound.molecular_weight, rdkit_mw)
        checked += 1
    assert checked >= 45


# ---------------------------------------------------------------------------------------------
# lookup
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, key", [
    ("caffeine", "caffeine"),
    ("CAFFEINE", "caffeine"),
    ("  Caffeine ", "caffeine"),
    ("guaranine", "caffeine"),
    ("1,3,7-Trimethylxanthine", "caffeine"),
    ("Vitamin C", "l-ascorbic-acid"),
    ("L-ascorbic acid", "l-ascorbic-acid"),
    ("nicotinamide", "niacinamide"),
    ("hyaluronic acid 1 MDa", "hyaluronic-acid-1mda"),
    ("Hyaluronic_Acid_50kDa", "hyaluronic-acid-50kda"),
    ("acetaminophen", "paracetamol"),
    ("17beta-estradiol", "estradiol"),
])
def test_case_insensitive_and_alias_lookup(query, key):
    assert get_compound(query).name == key


def test_unknown_name_raises_input_error_with_hint():
    with pytest.raises(InputError) as info:
        get_compound("cafeine")
    message = str(info.value)
    assert "did you mean" in message and "'caffeine'" in message
    assert info.value.field == "compound"
    assert isinstance(info.value, DermsimError)


def test_unknown_name_without_near_miss_has_no_hint():
    with pytest.raises(InputError) as info:
        get_compound("zzzzqqqq")
    assert "did you mean" not in str(info.value)


def test_aliases_are_unique_across_library():
    seen: dict[str, str] = {}
    for compound in list_compounds():
        for label in (compound.name, *compound.aliases):
            norm = re.sub(r"[\s_]+", "-", label.lower())
            assert seen.setdefault(norm, compound.name) == compound.name, label


# ---------------------------------------------------------------------------------------------
# SMILES and hand-made compounds
# ---------------------------------------------------------------------------------------------

def test_compound_from_smiles_caffeine():
    c = compound_from_smiles(CAFFEINE_SMILES, name="my caffeine")
    assert c.name == "my caffeine"
    assert c.molecular_weight == pytest.approx(194.19, abs=0.05)
    assert "log_kow" in c.estimated
    assert "molecular_weight" not in c.estimated
    assert "Crippen" in c.sources["log_kow"] and "estimate" in c.sources["log_kow"]
    assert math.isfinite(c.log_kow)
    assert c.category == "user"
    assert not c.is_macromolecule


def test_compound_from_smiles_default_name_is_canonical_smiles():
    c = compound_from_smiles("OCC")
    assert c.name == "CCO"


@pytest.mark.parametrize("bad", ["C1CC(", "not a smiles", "", "   "])
def test_invalid_smiles_raises_input_error_quietly(bad, capfd):
    with pytest.raises(InputError) as info:
        compound_from_smiles(bad)
    assert info.value.field == "smiles"
    captured = capfd.readouterr()
    assert "SMILES Parse Error" not in captured.err


def test_make_compound_valid():
    c = make_compound("my-acid", 250.3, 1.2, acid_base="acid", pka_acid=4.1, notes="test")
    assert c.pka_acid == 4.1
    assert c.sources["molecular_weight"] == "user input"
    assert c.estimated == frozenset()
    json.dumps(c.to_dict())


@pytest.mark.parametrize("kwargs, field", [
    (dict(molecular_weight=-5.0, log_kow=1.0), "molecular_weight"),
    (dict(molecular_weight=0.0, log_kow=1.0), "molecular_weight"),
    (dict(molecular_weight=2e8, log_kow=1.0), "molecular_weight"),
    (dict(molecular_weight=float("nan"), log_kow=1.0), "molecular_weight"),
    (dict(molecular_weight="100", log_kow=1.0), "molecular_weight"),
    (dict(molecular_weight=100.0, log_kow=float("inf")), "log_kow"),
    (dict(molecular_weight=100.0, log_kow=20.0), "log_kow"),
    (dict(molecular_weight=100.0, log_kow=None), "log_kow"),
    (dict(molecular_weight=100.0, log_kow=1.0, acid_base="acidic"), "acid_base"),
    (dict(molecular_weight=100.0, log_kow=1.0, acid_base="acid"), "pka_acid"),
    (dict(molecular_weight=100.0, log_kow=1.0, acid_base="base"), "pka_base"),
    (dict(molecular_weight=100.0, log_kow=1.0, pka_acid=4.0), "pka_acid"),
    (dict(molecular_weight=100.0, log_kow=1.0, acid_base="acid", pka_acid=99.0), "pka_acid"),
])
def test_make_compound_rejects_bad_values_naming_the_field(kwargs, field):
    with pytest.raises(InputError) as info:
        make_compound("x", **kwargs)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}:")


def test_make_compound_acid_base_hint():
    with pytest.raises(InputError, match="did you mean 'acid'"):
        make_compound("x", 100.0, 1.0, acid_base="acdi", pka_acid=4.0)


def test_macromolecule_may_omit_log_kow():
    c = make_compound("my-protein", 15000.0, None, acid_base="ampholyte", kind="protein",
                      isoelectric_point=5.5)
    assert c.is_macromolecule and c.log_kow is None
    assert c.sources["isoelectric_point"] == "user input"


def test_compound_is_frozen_and_hashable():
    c = get_compound("caffeine")
    with pytest.raises(AttributeError):
        c.molecular_weight = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        c.sources["log_kow"] = "x"  # type: ignore[index]
    assert hash(c) == hash(get_compound("Caffeine"))


def test_to_dict_is_json_able_and_complete():
    d = get_compound("retinol").to_dict()
    text = json.dumps(d)
    assert json.loads(text)["estimated"] == ["log_kow"]
    assert d["molecular_weight_unit"] == "g/mol"
    assert set(d["sources"]) == {"molecular_weight", "log_kow"}


# ---------------------------------------------------------------------------------------------
# load-time validation of compounds.toml entries
# ---------------------------------------------------------------------------------------------

_GOOD_ENTRY = {
    "display_name": "thing",
    "kind": "small_molecule",
    "acid_base": "neutral",
    "category": "reference permeant",
    "molecular_weight": {"value": 100.0, "unit": "g/mol", "source": "somewhere 2020; exp."},
    "log_kow": {"value": 1.0, "unit": "", "source": "somewhere 2020; exp."},
}


@pytest.mark.parametrize("change, words", [
    ({"log_kow": {"value": 1.0}}, "log_kow has no source"),
    ({"log_kow": {"value": 1.0, "source": "  "}}, "log_kow has no source"),
    ({"log_kow": 1.0}, "must be a table"),
    ({"molecular_weight": {"value": 100.0, "source": "x"}}, "molecular_weight has no unit"),
    ({"molecular_weight": {"value": 100.0, "unit": "", "source": "x"}}, "must be a molar mass (g/mol)"),
    ({"molecular_weight": None}, "molecular_weight is required"),
    ({"pka_acid": {"value": "4", "unit": "", "source": "x"}}, "pka_acid.value must be a number"),
    ({"log_kow": {"value": 1.0, "source": "x", "estimate": "yes"}}, "estimate must be true or false"),
    ({"category": "misc"}, "category"),
    ({"colour": "red"}, "unknown keys"),
    ({"acid_base": "acid"}, "pka_acid"),
])
def test_library_entry_validation(change, words):
    from dermsim.chemistry.compound import _compound_from_entry

    entry = {**_GOOD_ENTRY, **change}
    entry = {k: v for k, v in entry.items() if v is not None}
    assert _compound_from_entry("thing", _GOOD_ENTRY).name == "thing"
    with pytest.raises(DermsimError) as info:
        _compound_from_entry("thing", entry)
    assert "compounds.toml [thing]" in str(info.value)
    assert words in str(info.value)
