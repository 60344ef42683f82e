"""What each product of a protocol does once it reaches the skin: a cited concentration–response where one exists,
"no data" otherwise (`parameters/active_effects.toml`). Delivery (how much reaches the basal layer) is always
simulated; an effect on the tissue is only ever taken from this table, never invented."""

from __future__ import annotations


def effects(scenario) -> list[dict]:
    """One row per product: its compound, the effect the model applies (or "no data") and the source."""
    from dermsim import parameters

    table = parameters.load("active_effects")
    by_compound = {}
    for key, entry in table.items():
        for name in entry.get("compounds", []):
            by_compound[str(name)] = (key, entry)
    rows = []
    for app in scenario.protocol.applications:
        name = app.compound.name or "solute"
        key, entry = by_compound.get(name, (None, None))
        rows.append({"product": app.name or name, "compound": name,
                     "effect": "no data" if entry is None else str(entry["status"].value),
                     "evidence": ("no entry: no quantitative effect of this compound on the tissue is known to dermsim"
                                  if entry is None else f"{entry['description']} ({entry['status'].source})")})
    if scenario.protocol.sun:
        sun = table["sunscreen"]
        rows.append({"product": "sunscreen (protocol.sun)", "compound": "UV filters", "effect": "modelled",
                     "evidence": f"{sun['description']} ({sun['spf_amount_exponent_reference'].source})"})
    return rows
