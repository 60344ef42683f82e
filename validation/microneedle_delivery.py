"""Microneedle-enhanced delivery against published studies (dermsim issue #4).

``section(fig_dir)`` returns the markdown lines of "## Microneedles: delivery vs published studies" and writes
``microneedle_enhancement_vs_mw.png`` into ``fig_dir``. Standalone: ``python validation/microneedle_delivery.py
[fig_dir]`` prints the section (about 10 s).

Each study of ``validation/data/microneedle_studies.toml`` is built as a scenario dict
(`dermsim.scenario.scenario_from_dict`) as close to the published conditions as that file allows, run with
`dermsim.simulate` (with and without needles, on the same mesh) and compared with the published outcome under
a criterion stated in the table. Conditions the file lists as not found are filled with ONE value each, taken
from a dermsim convention (never fitted to the outcome) and listed under "Assumptions"; where an assumption
moves the result, the table also gives the range over its plausible values. No model parameter is changed.

Quantities (internal units cm, h, ug):

* flux ratio: slope of the cumulative receptor amount over the last quarter of the run, with / without needles
  (Ita et al. 2015 read their fluxes off the steady-state part of the cumulative curve);
* skin content: amount in all skin layers (SC included) plus the channel fluid, receptor excluded (the skin
  the confocal images of Mohammed et al. 2014 show; the study file's comparison note asks for the ratio of
  skin content), with / without needles, at 1 h and 24 h; the ratio below the SC only is shown beside it;
* enhancement ratio: the summary's ``microneedle.enhancement_ratio.past_stratum_corneum`` (everything below the SC, receptor included);
* flux into blood: d(cumulative cleared)/dt, by central differences on the output grid;
* kp with needles: steady flux into the sink / donor concentration.

References: Wermeling et al. 2008 PNAS 105:2058; Banks et al. 2008 Pharm Res 25:1677; Mohammed et al. 2014 PLoS
One 9:e101956; Ita et al. 2015 Pharmaceutics 7:379 (all as recorded, with the part of each paper read, in the study file).
"""

from __future__ import annotations

import json
import math
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import dermsim
from dermsim.chemistry.compound import get_compound
from dermsim.scenario import scenario_from_dict

HERE = Path(__file__).resolve().parent
STUDY_FILE = HERE / "data" / "microneedle_studies.toml"
EXAMPLES = HERE.parent / "examples"
FIGURE = "microneedle_enhancement_vs_mw.png"

# -- one value per unstated condition (dermsim conventions, not fits; see `assumptions`) --------------------
ROLLER = "roller-192-0.5mm"      # library 192-needle 0.5 mm Dermaroller-class roller
ROLLER_PASSES = 4                # "four directions, as usually advised" (examples/*roller*.toml)
STAMP = "stamp-steel-50-wermeling2008"  # library stand-in for the Prausnitz/Stinchcomb steel arrays
STAMP_PASSES = 4                 # "several insertions" per site (recalled, not checked: see the study file)
PASS_RANGE = (1, 10)             # range of passes / insertions shown beside the main value
DONOR = "1 %"                    # infinite-dose aqueous donor; the model is linear, ratios and kp do not depend on it
ITA_SITE = "dermatomed"          # dermsim has no porcine-ear membrane
WERMELING_SITE = "forearm"       # application site not found
BANKS_APPLICATIONS = 2           # "100 MN insertions" read as 2 applications of the 50-needle array
#: Criteria (stated in the table).
SMALL_MAX, LARGE_MIN = 3.0, 100.0            # issue #4: small (< 3x) / large (>= 100x)
MOHAMMED_RANGE = (2.0, 22.0)                 # Mohammed 2014 pooled range
PASSIVE_MAX_FRACTION = 0.1                   # "undetectable": passive <= 1/10 of the MN delivery
PLATEAU_HOURS, PLATEAU_MIN = 48.0, 0.5       # flux at 48 h >= half the peak
RISE_HOURS = 2.0                             # 90 % of the peak flux within 2 h
KP_FACTOR = 3.0                              # kp within a factor 3 of the published value


def studies() -> dict:
    """The study file, parsed."""
    return tomllib.loads(STUDY_FILE.read_text("utf-8"))


def scenario(compound: str, *, site: str, device: str, passes: int, duration: float, in_vitro: bool = True,
             occluded: bool = False, output_interval: float | None = None, resolution: float = 1.0) -> dict:
    """Scenario dict of a pretreatment study: infinite aqueous donor, sink in vitro or blood in vivo.

    Parameters
    ----------
    compound : library name
    site : body site or in-vitro membrane preset
    device : library device name
    passes : passes of a roller / applications of a stamp (–)
    duration : h
    in_vitro : sink receptor (else blood)
    occluded : the formulation (patch) occludes the site
    output_interval : h, or None for 240 intervals
    resolution : dermsim resolution multiplier (–)
    """
    sim = {"duration": f"{duration:g} h", "resolution": resolution}
    if output_interval is not None:
        sim["output_interval"] = f"{output_interval:g} h"
    return {"title": f"{compound} after {device}", "compound": {"name": compound}, "skin": {"site": site},
            "formulation": {"concentration": DONOR, "dose": "infinite", "occluded": occluded},
            "receptor": {"type": "sink" if in_vitro else "blood"},
            "microneedle": {"device": device, "passes": passes, "treated_area": "1 cm^2"},
            "simulation": sim}


_RUNS: dict[str, object] = {}


def run(data: dict):
    """`dermsim.simulate` of a scenario dict (memoised within the process)."""
    key = json.dumps(data, sort_keys=True)
    if key not in _RUNS:
        _RUNS[key] = dermsim.simulate(scenario_from_dict(data))
    return _RUNS[key]


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b > 0 else math.inf


def late_slope(result, name: str, start_fraction: float = 0.75) -> float:
    """Least-squares slope of a cumulative variable over the last ``1 − start_fraction`` of the run (ug/cm²/h)."""
    t = result.values("time")
    late = t >= start_fraction * t[-1]
    return float(np.polyfit(t[late], result.values(name)[late], 1)[0])


def late_flux_ratio(result) -> float:
    """Steady flux into the receptor with / without needles (–)."""
    return _ratio(late_slope(result, "cumulative_permeated"),
                  late_slope(result, "cumulative_permeated_without_needles"))


def donor_concentration(scenario) -> float:
    """The dissolved donor concentration the model uses, ug/cm³ (below solubility, as the vehicle holds it)."""
    from dermsim.permeation.setup import build as build_setup

    return build_setup(scenario).vehicle_concentration


def kp_with_needles(result, concentration: float, *, without: bool = False) -> float:
    """Permeability coefficient (cm/h) of the needled (or, ``without``, intact) skin: late steady flux / donor
    ``concentration`` (ug/cm³)."""
    name = "cumulative_permeated_without_needles" if without else "cumulative_permeated"
    return late_slope(result, name) / concentration


def skin_content_ratio(result, t: float, *, include_sc: bool = True) -> float:
    """Amount in the skin (all layers, or below the SC only) plus channel fluid, with / without needles at ``t`` h.

    The receptor is excluded: this is what an image of the skin shows (–).
    """
    names = list(result.values("layer"))
    keep = np.array([include_sc or n != "stratum_corneum" for n in names])
    time_ = result.values("time")
    with_ = result.values("amount_in_layer")[:, keep].sum(axis=1) + result.values("amount_in_channels")
    without = result.values("amount_in_layer_without_needles")[:, keep].sum(axis=1)
    return _ratio(float(np.interp(t, time_, with_)), float(np.interp(t, time_, without)))


def enhancement_ratio(result) -> float:
    value = result.summary["microneedle"]["enhancement_ratio"]["past_stratum_corneum"]
    return math.inf if value is None else float(value)


def blood_flux(result, without: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(time h, flux into blood ug/cm²/h) from the cumulative cleared amount."""
    t = result.values("time")
    q = result.values("cumulative_permeated_without_needles" if without else "cumulative_permeated")
    return t, np.gradient(q, t)


def time_to_fraction_of_peak(t: np.ndarray, flux: np.ndarray, fraction: float = 0.9) -> float:
    """First time (h) the flux reaches ``fraction`` of its peak, interpolated between outputs."""
    target = fraction * flux.max()
    i = int(np.argmax(flux >= target))
    if i == 0:
        return float(t[0])
    return float(np.interp(target, flux[i - 1:i + 1], t[i - 1:i + 1]))


def x_text(x: float) -> str:
    return "∞ (no passive route in the model)" if math.isinf(x) else f"{x:.3g}×"


# -- rows ---------------------------------------------------------------------------------------------------
@dataclass
class Check:
    """One table row, plus what the figure needs (ratio cases only)."""

    study: str
    compound: str
    condition: str
    quantity: str
    published: str
    dermsim: str
    agree: bool
    criterion: str
    reason: str = ""                       # likely reason, shown when dermsim disagrees
    qualitative: bool = False
    ratio: float | None = None             # for the figure
    ratio_range: tuple[float, float] | None = None
    published_range: tuple[float, float] | None = None
    figure_label: str = ""                 # compound label in the figure; "" = not plotted
    library_name: str = ""                 # compounds.toml key (molecular weight for the figure)
    hollow: bool = False                   # figure: the issue's below-SC enhancement ratio (open marker)

    def markdown(self) -> str:
        verdict = "agree" if self.agree else "**disagree**"
        if self.qualitative:
            verdict += " (qualitative)"
        return (f"| {self.study} | {self.compound} | {self.condition} | {self.quantity} | {self.published} | "
                f"{self.dermsim} | {verdict}: {self.criterion} |")


def _with_range(value: float, lo: float, hi: float, what: str) -> str:
    if math.isinf(value):
        return x_text(value)
    return f"{x_text(value)} ({lo:.3g}–{hi:.3g}× over {what})"


def _passes_range(build, metric) -> tuple[float, float]:
    values = [metric(run(build(p))) for p in PASS_RANGE]
    return min(values), max(values)


def ita_checks(st: dict) -> list[Check]:
    res = st["ita2015"]["result"]
    out = []
    for compound, key in (("amantadine", "amantadine_enhancement"), ("pramipexole", "pramipexole_enhancement")):
        def build(passes, compound=compound):
            return scenario(compound, site=ITA_SITE, device=ROLLER, passes=passes, duration=24.0)

        result = run(build(ROLLER_PASSES))
        ratio = late_flux_ratio(result)
        lo, hi = _passes_range(build, late_flux_ratio)
        published = res[key]["value"]
        passive = res[f"{compound}_flux_passive"]["value"]
        donor = donor_concentration(scenario_from_dict(build(1)))
        kp0 = kp_with_needles(result, donor, without=True)
        out.append(Check(
            "Ita 2015", compound, f"in vitro, {ITA_SITE} (for porcine ear), 0.5 mm roller × {ROLLER_PASSES}, sink, "
            "24 h", "steady flux ratio MN / untreated (t ≥ 18 h)", f"{published:.3g}× (n.s.)",
            _with_range(ratio, lo, hi, f"{PASS_RANGE[0]}–{PASS_RANGE[1]} passes"), ratio < SMALL_MAX,
            f"< {SMALL_MAX:g}× (issue #4, small permeable drug)",
            reason=_ita_reason(ratio, kp0, passive),
            ratio=ratio, ratio_range=(lo, hi), published_range=(published, published), figure_label=compound,
            library_name=compound))
    return out


def _ita_reason(ratio: float, kp0: float, passive_flux: float) -> str:
    """Likely reason of an Ita 2015 disagreement, from the donor the model would need for the passive flux."""
    needed = passive_flux / kp0  # ug/cm³
    head = (f"the channels add {ratio - 1:.3g}× the passive flux in dermsim; its passive kp of the protonated base "
            f"(pKa ≥ 9.6 at pH 5: polar pathway) is {kp0:.2g} cm/h, so the measured {passive_flux:.3g} ug/cm²/h "
            f"needs a {needed / 1e3:.3g} mg/mL donor")
    if needed >= 1e6:  # more than 1 g/mL: no aqueous donor holds it
        return head + ", more than any solution holds: the model's passive route is far too slow for porcine ear skin"
    return (head + " (possible): more likely the channel flux is off: the residual open fraction of excised-skin "
            "channels (`dermsim.microneedles.excised_skin`) is one global constant fitted to all in-vitro ratios")


def mohammed_checks(st: dict) -> tuple[list[Check], list[Check]]:
    """(rows against Mohammed 2014's 2–22×, rows against issue #4's >= 100× for the same runs)."""
    paper, issue = [], []
    lo_pub, hi_pub = MOHAMMED_RANGE
    for compound in st["mohammed2014"]["compounds"]:
        def build(passes, compound=compound):
            return scenario(compound, site="full-thickness", device=ROLLER, passes=passes, duration=24.0)

        result = run(build(ROLLER_PASSES))
        for hours in st["mohammed2014"]["simulation"]["durations"]["value"]:
            ratio = skin_content_ratio(result, hours)
            tissue = skin_content_ratio(result, hours, include_sc=False)
            lo, hi = _passes_range(build, lambda r, h=hours: skin_content_ratio(r, h))
            paper.append(Check(
                "Mohammed 2014", compound, f"in vitro, full-thickness, 0.5 mm roller × {ROLLER_PASSES}, sink, "
                f"{hours:g} h", "skin content (SC + tissue + channel fluid, no receptor), MN / passive",
                f"{lo_pub:g}–{hi_pub:g}× (fluorescence signal, pooled)",
                _with_range(ratio, lo, hi, f"{PASS_RANGE[0]}–{PASS_RANGE[1]} passes")
                + f"; below the SC only {x_text(tissue)}", lo_pub <= ratio <= hi_pub, f"inside {lo_pub:g}–{hi_pub:g}×",
                reason=("the channels add more than the tagged peptides' fluorescence shows (tag, device and signal "
                        "background unknown)" if ratio > hi_pub else
                        "the channels add less than measured: the unknown device may open more skin than assumed"),
                ratio=ratio if hours == 24.0 else None, ratio_range=(lo, hi) if hours == 24.0 else None,
                published_range=MOHAMMED_RANGE if hours == 24.0 else None, figure_label=compound,
                library_name=compound))
        er = enhancement_ratio(result)
        lo, hi = _passes_range(build, enhancement_ratio)
        issue.append(Check(
            "issue #4", compound, "as Mohammed 2014, 24 h", "enhancement ratio (below the SC, receptor included)",
            f"≥ {LARGE_MIN:g}× (large hydrophilic)",
            _with_range(er, lo, hi, f"{PASS_RANGE[0]}–{PASS_RANGE[1]} passes"),
            er >= LARGE_MIN, f"≥ {LARGE_MIN:g}×",
            reason=("the QSPR gives these sub-1000 Da peptides a small but real passive kp, so intact skin is not "
                    "closed to them"), ratio=er, ratio_range=(lo, hi), figure_label=compound, library_name=compound,
            hollow=True))
    return paper, issue


def _egf_check(result, condition: str, published: str, plotted: bool) -> Check:
    er = enhancement_ratio(result)
    mn = result.summary["microneedle"]
    below = {"with_needles": mn["delivered_past_stratum_corneum_ug_per_cm2"],
             "without_needles": mn["without_needles"]["delivered_past_stratum_corneum_ug_per_cm2"]}
    return Check("issue #4", "EGF (6.2 kDa)", condition, "enhancement ratio (below the SC)", published,
                 f"{x_text(er)}; {below['with_needles']:.3g} vs {below['without_needles']:.3g} ug/cm²",
                 er >= LARGE_MIN, "passive = 0 and MN > 0", qualitative=math.isinf(er),
                 reason="EGF crosses the intact SC in the model", ratio=er if plotted else None,
                 figure_label="EGF" if plotted else "", library_name="egf-human")


def egf_checks() -> list[Check]:
    """EGF under the Mohammed 2014 conditions and in the packaged in-vivo example."""
    in_vitro = run(scenario("egf-human", site="full-thickness", device=ROLLER, passes=ROLLER_PASSES, duration=24.0))
    example = run(tomllib.loads((EXAMPLES / "egf_serum_pen_face.toml").read_text("utf-8")))
    return [_egf_check(in_vitro, "as Mohammed 2014, 24 h", f"≥ {LARGE_MIN:g}× (large hydrophilic; no study with "
                       "numbers)", plotted=True),
            _egf_check(example, "in vivo face, pen 0.5 mm × 2, 24 h (examples/egf_serum_pen_face.toml)",
                       f"≥ {LARGE_MIN:g}×", plotted=False)]


def _kept(result) -> float:
    """Flux into blood at `PLATEAU_HOURS` over its peak (–)."""
    t, flux = blood_flux(result)
    return float(np.interp(PLATEAU_HOURS, t, flux)) / float(flux.max())


def _passive_fraction(result) -> float:
    """Amount into blood (or receptor) at the end, without / with needles (–)."""
    return _ratio(result.values("cumulative_permeated_without_needles")[-1], result.values("cumulative_permeated")[-1])


def wermeling_checks(st: dict) -> list[Check]:
    w = st["wermeling2008"]
    wear = float(w["formulation"]["patch_wear_time"]["value"])

    def build(passes):
        return scenario("naltrexone", site=WERMELING_SITE, device=STAMP, passes=passes, duration=wear,
                        in_vitro=False, occluded=True, output_interval=0.1)

    result = run(build(STAMP_PASSES))
    condition = (f"in vivo, {WERMELING_SITE}, steel array (50 × 620 µm, recalled) × {STAMP_PASSES}, occluded patch, "
                 f"{wear:g} h")
    passive = _passive_fraction(result)
    lo, hi = _passes_range(build, _passive_fraction)
    t, flux = blood_flux(result)
    rise = time_to_fraction_of_peak(t, flux)
    kept = _kept(result)
    rises = [time_to_fraction_of_peak(*blood_flux(run(build(p)))) for p in PASS_RANGE]
    kepts = [_kept(run(build(p))) for p in PASS_RANGE]
    close = result.summary["microneedle"]["plan"]["closure_half_life_h"]
    return [
        Check("Wermeling 2008", "naltrexone", condition, f"passive / MN amount into blood at {wear:g} h",
              "passive undetectable", f"{passive:.2g} ({lo:.2g}–{hi:.2g} over {PASS_RANGE[0]}–{PASS_RANGE[1]} "
              "insertions)", passive <= PASSIVE_MAX_FRACTION, f"≤ {PASSIVE_MAX_FRACTION:g} (assay limit not found)",
              reason="passive kp of naltrexone too high in the model", qualitative=True,
              ratio=_ratio(1.0, passive), ratio_range=(1 / hi, 1 / lo) if lo > 0 else None,
              published_range=(1 / PASSIVE_MAX_FRACTION, math.inf), figure_label="naltrexone (in vivo)",
              library_name="naltrexone"),
        Check("Wermeling 2008", "naltrexone", condition, "time to 90 % of the peak flux into blood",
              f"steady state within {w['result']['time_to_steady_state']['value']:g} h",
              f"{rise:.2g} h (peak {flux.max():.3g} ug/cm²/h at {t[int(np.argmax(flux))]:.2g} h; "
              f"{min(rises):.2g}–{max(rises):.2g} h over {PASS_RANGE[0]}–{PASS_RANGE[1]} insertions)",
              rise <= RISE_HOURS, f"≤ {RISE_HOURS:g} h", reason="slow diffusion from the channel to the capillaries"),
        Check("Wermeling 2008", "naltrexone", condition, f"flux into blood at {PLATEAU_HOURS:g} h / peak",
              f"steady state for ≥ {w['result']['steady_state_duration']['value']:g} h",
              f"{kept:.2f} ({min(kepts):.2f}–{max(kepts):.2f} over {PASS_RANGE[0]}–{PASS_RANGE[1]} insertions)",
              kept >= PLATEAU_MIN, f"≥ {PLATEAU_MIN:g}",
              reason=(f"first-order barrier resealing from t = 0 (occluded t½ = {close:.3g} h, the mean of the "
                      "PMC8259462 impedance half-lives) halves the open area by ~24 h; the published plateau needs "
                      "occluded pores to stay open for 48 h (closure delayed, or not first-order)")),
    ]


def banks_check(st: dict) -> Check:
    b = st["banks2008_invitro"]
    published = float(b["result"]["kp_ntx_hcl_mn_human"]["value"])

    def build(applications):
        return scenario("naltrexone", site="full-thickness", device=STAMP, passes=applications, duration=48.0)

    donor = donor_concentration(scenario_from_dict(build(1)))
    kp = kp_with_needles(run(build(BANKS_APPLICATIONS)), donor)
    kp_alt = kp_with_needles(run(build(b["microneedle"]["insertions"]["value"])), donor)
    ok = published / KP_FACTOR <= kp <= published * KP_FACTOR
    return Check("Banks 2008", "naltrexone (HCl)", f"in vitro, full-thickness, steel array × {BANKS_APPLICATIONS} "
                 "(= 100 needles), sink, 48 h", "kp of MN-treated skin (steady flux / donor)",
                 f"{published:.2g} cm/h", f"{kp:.2g} cm/h ({kp_alt:.2g} if 100 array applications)", ok,
                 f"within {KP_FACTOR:g}× of the published kp",
                 reason=(f"excised-skin channels contract to one global residual open fraction "
                         f"(`dermsim.microneedles.excised_skin`); a measured kp {published / kp:.2g}× the model's "
                         "points to a different effective open area for this array"))


def assumptions(st: dict) -> list[str]:
    """Bullet list: every unstated condition and the value taken."""
    dev = "`roller-192-0.5mm` (192 needles, 0.5 mm, Dermaroller class)"
    return [
        "- All studies: donor an aqueous solution at "
        f"{DONOR} w/v, infinite dose (Franz donor ≫ what permeates); donor pH not found anywhere → dermsim's default "
        "surface pH 5.0; compounds as library bases (salts ionise the same way at pH 5). dermsim is linear in the "
        "donor concentration, so every ratio and kp below is independent of the concentration chosen.",
        f"- Ita 2015 (not found: roller model, passes, skin preparation and thickness, receptor, duration): porcine ear "
        f"skin → the `{ITA_SITE}` human membrane preset (no porcine skin in dermsim); roller → {dev} × "
        f"{ROLLER_PASSES} passes (the four-direction pattern of the examples), range {PASS_RANGE[0]}–{PASS_RANGE[1]} "
        "passes shown; sink receptor; 24 h, flux from t ≥ 18 h.",
        f"- Mohammed 2014 (not found: MN device and protocol, donor, fluorophore, receptor): the same roller × "
        f"{ROLLER_PASSES} (range {PASS_RANGE[0]}–{PASS_RANGE[1]}); `full-thickness` membrane (abdominoplasty skin, "
        "abstract); sink; untagged library peptides (the fluorescent tag adds mass and changes polarity); the published "
        "fluorescence-signal ratio compared with the ratio of amounts in the skin (SC included, receptor excluded).",
        "- EGF: no channel-delivery study with numbers exists (study file `ha_egf_channel_delivery`); checked only "
        "against the issue's qualitative criterion, under the Mohammed conditions and in the packaged example.",
        f"- Wermeling 2008 (not found: site, array geometry, insertions, patch area and loading, sampling times): "
        f"`{WERMELING_SITE}`; library `{STAMP}` (50 needles × 620 µm, recalled, not checked) × {STAMP_PASSES} insertions over "
        f"1 cm² ('several', recalled; range {PASS_RANGE[0]}–{PASS_RANGE[1]}); patch applied right after needling "
        "(delay 0), occluded, infinite reservoir, 72 h wear; compared as flux into blood (plasma Css needs NTX "
        "systemic PK, not collected).",
        f"- Banks 2008 (not found: MN geometry, donor, cell area, duration): the same array; '100 MN insertions' read "
        f"as {BANKS_APPLICATIONS} applications of the 50-needle array over 1 cm² (the reading of 100 array "
        "applications is also shown); `full-thickness` membrane (abdominal skin, abstract); sink (flow-through); 48 h, kp "
        "from the flux over t ≥ 36 h.",
    ]


def plot(checks: list[Check], path: Path) -> None:
    """Enhancement ratio vs molecular weight (log–log), dermsim points with ranges, published bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dermsim.results import atomic_write

    ceiling = 1e5
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    ax.axhspan(0.5, SMALL_MAX, color="tab:green", alpha=0.08, lw=0)
    ax.axhspan(LARGE_MIN, ceiling * 3, color="tab:purple", alpha=0.08, lw=0)
    ax.text(1.9e4, SMALL_MAX * 0.8, f"issue #4: small permeable drugs < {SMALL_MAX:g}×", fontsize=7, va="top",
            ha="right")
    ax.text(1.9e4, LARGE_MIN * 1.15, f"issue #4: large hydrophilic ≥ {LARGE_MIN:g}×", fontsize=7, va="bottom",
            ha="right")
    shown_pub, shown, labelled = False, set(), set()
    for c in checks:
        if not c.figure_label:
            continue
        mw = float(get_compound(c.library_name).molecular_weight)
        if c.published_range is not None:
            lo, hi = c.published_range
            kw = {"label": "published (range or value)"} if not shown_pub else {}
            shown_pub = True
            if math.isinf(hi):
                ax.annotate("", xy=(mw * 0.93, lo * 8), xytext=(mw * 0.93, lo),
                            arrowprops={"arrowstyle": "->", "color": "k", "lw": 1.5})
                ax.plot([mw * 0.93], [lo], "k_", ms=10, **kw)
            else:
                ax.plot([mw * 0.93, mw * 0.93], [lo, hi], "k-", lw=4, alpha=0.6, solid_capstyle="butt", **kw)
                if lo == hi:
                    ax.plot([mw * 0.93], [lo], "ks", ms=5)
        if c.ratio is None:
            continue
        style = "hollow" if c.hollow else "main"
        kw = ({"label": "dermsim, enhancement ratio below the SC" if c.hollow else
               "dermsim, the study's quantity (bar: range over unstated passes)"} if style not in shown else {})
        shown.add(style)
        if math.isinf(c.ratio):
            ax.plot([mw], [ceiling], "r^", ms=8, **kw)
            ax.text(mw * 1.08, ceiling, "∞ (no passive route)", fontsize=7, va="center", color="r")
        else:
            err = None
            if c.ratio_range is not None:
                err = [[c.ratio - c.ratio_range[0]], [c.ratio_range[1] - c.ratio]]
            ax.errorbar([mw * (1.15 if c.hollow else 1.07)], [c.ratio], yerr=err, fmt="o", color="r", ms=5,
                        capsize=3, mfc="white" if c.hollow else "r", alpha=0.6 if c.hollow else 1.0, **kw)
        if c.figure_label not in labelled:
            labelled.add(c.figure_label)
            ax.text(mw, 0.62, c.figure_label, rotation=90, fontsize=7, ha="center", va="bottom")
    ax.set(xscale="log", yscale="log", xlim=(100, 2e4), ylim=(0.5, ceiling * 3),
           xlabel="molecular weight (g/mol, library compound; tags and salts not included)",
           ylabel="enhancement ratio with / without needles (–)",
           title="Microneedle enhancement vs molecular weight: dermsim vs published")
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=120))
    plt.close(fig)


def section(fig_dir: Path) -> list[str]:
    """Markdown lines of the section; writes ``fig_dir/microneedle_enhancement_vs_mw.png``."""
    started = time.perf_counter()
    fig_dir = Path(fig_dir)
    st = studies()
    mohammed, issue = mohammed_checks(st)
    checks = ita_checks(st) + mohammed + issue + egf_checks() + wermeling_checks(st) + [banks_check(st)]
    plot(checks, fig_dir / FIGURE)
    agree = sum(c.agree for c in checks)
    lines = ["## Microneedles: delivery vs published studies", "",
             "Each study of `validation/data/microneedle_studies.toml` run as a scenario with a `[microneedle]` table "
             "(`dermsim.simulate`: the 2D unit cell with and without needles on the same mesh). No parameter was "
             "changed to fit. Most study conditions were reachable only through abstracts: the assumptions below fill "
             "the gaps, and where an unstated number of passes moves the result, the range over it is given in "
             "brackets. Script: `validation/microneedle_delivery.py`.", "",
             "| study | compound | condition | quantity | published | dermsim | verdict (criterion) |",
             "|---|---|---|---|---|---|---|",
             *[c.markdown() for c in checks], "",
             f"{agree} of {len(checks)} rows agree. Where dermsim disagrees, the likely reason:", ""]
    reasons: dict[str, list[str]] = {}
    for c in checks:
        if not c.agree:
            reasons.setdefault(c.reason, []).append(f"{c.study} {c.compound} ({c.quantity}, "
                                                    f"{c.condition.split(',')[-1].strip()})")
    lines += [f"- {'; '.join(rows)}: {reason}." for reason, rows in reasons.items()]
    lines += ["", "Notes:", "",
              "- The issue's ≥ 100× for peptides and Mohammed 2014's 2–22× cannot both hold for the same runs; both are "
              "reported. An infinite ratio (EGF: the intact SC is impermeable to proteins in dermsim) makes that check "
              "qualitative: it only confirms that everything below the SC came through the channels.",
              "- Mohammed 2014 measured a fluorescence signal in images of the skin, SC included; dermsim's skin content "
              "is compared (as the study file's comparison note asks). Below the SC alone the passive amount at 1 h is "
              "almost nil in the model (lag time), so that ratio is huge and would disagree; it is shown beside each "
              "value.",
              "- Ita 2015's ratios are not significant (p > 0.05); Mohammed 2014's range is pooled over three peptides and "
              "two times (which gave 2× and which 22× was not found), so each row is held to the whole range.",
              "", "Assumptions (conditions the study file lists as not found):", ""]
    lines += assumptions(st)
    lines += ["", f"![enhancement ratio vs molecular weight]({fig_dir.name}/{FIGURE})", "",
              f"(section built in {time.perf_counter() - started:.0f} s, {len(_RUNS)} simulations)", ""]
    return lines


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "docs" / "validation"
    print("\n".join(section(out)))
