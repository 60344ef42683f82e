"""Writes synthetic_membrane_franz.csv: a synthetic Franz experiment (not measured data; see README.md).

Crank's solution for a membrane (Crank 1975, eq. 4.24a) with the values of synthetic_membrane_fit.toml's
membrane at D = 2.5e-11 cm²/s and K = 10, three donors of two cells each, ln D of each donor drawn with SD
0.3, Gaussian noise of SD 3 % of the 24 h amount, kept non-decreasing; seeded. Run from the repository root:
``.venv/bin/python examples/fit/make_data.py``.
"""

from pathlib import Path

import numpy as np

from dermsim.transport.analytic import crank_infinite_dose_amount

H, D, K, C0 = 15e-4, 2.5e-11 * 3600.0, 10.0, 1000.0          # cm, cm²/h, –, ug/cm³
TIMES = [0, 1, 2, 3, 4, 6, 8, 10, 12, 24]


def main() -> None:
    rng = np.random.default_rng(14)
    t = np.array(TIMES, dtype=float)
    sd = 0.03 * crank_infinite_dose_amount(t[-1:], H, D, K, C0)[0]
    lines = ["donor,cell,time_h,cumulative_ug_per_cm2"]
    for donor in ("A", "B", "C"):
        d = D * np.exp(rng.normal(0, 0.3))
        for cell in (1, 2):
            q = crank_infinite_dose_amount(t, H, d, K, C0) + rng.normal(0, sd, t.size)
            q = np.maximum.accumulate(np.maximum(q, 0.0))
            q[0] = 0.0
            lines += [f"{donor},{donor}{cell},{ti:g},{qi:.3f}" for ti, qi in zip(t, q)]
    (Path(__file__).parent / "synthetic_membrane_franz.csv").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
