"""Ionisable groups of a structure (RDKit substructure patterns), so that a compound given by SMILES is never
taken as neutral without a word.

dermsim does not predict pKa values: it finds the groups that ionise at skin pH (carboxylic, sulfonic and
phosphonic acids; aliphatic amines, amidines and guanidines; quaternary ammonium) and says which pKa the
user should give (`compound.pka_acid`, `compound.pka_base`). Phenols, anilines, amides and aromatic
nitrogen are weak enough at pH 4–8 to be left out (typical pKa ranges: Perrin, Dempsey & Serjeant 1981,
pKa Prediction for Organic Acids and Bases, Chapman & Hall).
"""

from __future__ import annotations

from dataclasses import dataclass

#: (name, acid or base, SMARTS). Aliphatic amines exclude amides, sulfonamides, anilines, N-N, N-O and
#: nitrogen bonded to anything but carbon and hydrogen.
PATTERNS = (
    ("carboxylic acid", "acid", "[CX3](=O)[OX2H1,OX1-]"),
    ("sulfonic acid", "acid", "[SX4](=O)(=O)[OX2H1,OX1-]"),
    ("phosphonic/phosphoric acid", "acid", "[PX4](=O)[OX2H1,OX1-]"),
    ("aliphatic amine", "base", "[NX3;H2,H1,H0;!$(N-[!#6;!#1]);!$(N-C=[O,N,S]);!$(N-a);!$(N-C#N)]"),
    ("amidine/guanidine", "base", "[NX3;!$(N-C=O)][CX3;!$(C-a)]=[NX2;!$(N-a);!$(N-[!#6])]"),
    ("quaternary ammonium", "base", "[NX4+]"),
)


@dataclass(frozen=True)
class IonisableGroup:
    name: str
    kind: str        # "acid" or "base"
    count: int


def ionisable_groups(smiles: str) -> tuple[IonisableGroup, ...]:
    """Groups of ``smiles`` that ionise at skin pH (empty for a neutral structure or unparsable SMILES)."""
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")
    try:
        mol = Chem.MolFromSmiles(smiles)
    finally:
        RDLogger.EnableLog("rdApp.*")
    if mol is None:
        return ()
    found = []
    for name, kind, smarts in PATTERNS:
        n = len(mol.GetSubstructMatches(Chem.MolFromSmarts(smarts)))
        if n:
            found.append(IonisableGroup(name, kind, n))
    return tuple(found)


def missing_pka_note(name: str, smiles: str, pka_acid: float | None, pka_base: float | None) -> str | None:
    """A note when ``smiles`` has an acid or base group whose pKa was not given (None if nothing is missing)."""
    groups = ionisable_groups(smiles)
    acids = [g.name for g in groups if g.kind == "acid"]
    bases = [g.name for g in groups if g.kind == "base"]
    missing = []
    if acids and pka_acid is None:
        missing.append(f"{', '.join(acids)} (give compound.pka_acid)")
    if bases and pka_base is None:
        missing.append(f"{', '.join(bases)} (give compound.pka_base)")
    if not missing:
        return None
    return (f"{name}: the structure has an ionisable {' and '.join(missing)} but no pKa was given, so it was "
            "treated as NEUTRAL at every pH; its flux may be far too high or too low")
