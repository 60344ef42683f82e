"""One-dimensional layered finite-volume mesh, graded towards every interface.

Discretisation (cell-centred finite volumes in the water-equivalent concentration u = c/K):
cell i has width w_i, capacity C_i = K_i w_i (cm) and, for first-order loss at rate k_i (1/h),
loss coefficient k_i C_i. Neighbouring cells exchange the flux g_{i,i+1} (u_i − u_{i+1}) with the
series (harmonic) conductance

    1/g_{i,i+1} = w_i / (2 K_i D_i) + w_{i+1} / (2 K_{i+1} D_{i+1})          [cm/h]^-1

so that u (not c) is continuous at an interface and the partition jump c_right/c_left = K_right/K_left
is exact. A boundary at a fixed u_b couples with conductance 2 K_i D_i / w_i. The scheme is second
order in space on smoothly graded meshes and exact for the piecewise-linear steady profile of a
laminate, whatever the grading.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def graded_widths(thickness: float, n_cells: int, stretch: float) -> np.ndarray:
    """Cell widths for one layer, refined geometrically towards both of its faces.

    Parameters
    ----------
    thickness : layer thickness (cm)
    n_cells : number of cells (≥ 1)
    stretch : ratio of the widest (middle) to the narrowest (face) cell (≥ 1). Keeping it fixed while
        refining keeps the mesh mapping smooth, so the scheme stays second order.
    """
    if n_cells < 1:
        raise ValueError("n_cells must be ≥ 1")
    half = n_cells // 2
    ratio = stretch ** (1.0 / max(half - (0 if n_cells % 2 else 1), 1))
    growth = ratio ** np.arange(half)
    shape = np.concatenate([growth, [ratio**half] if n_cells % 2 else [], growth[::-1]])
    return thickness * shape / shape.sum()


@dataclass(frozen=True)
class LayeredMesh:
    """Cells of a stack of regions; depth 0 is the skin (or membrane) surface.

    Attributes
    ----------
    faces : (n + 1,) face positions (cm), faces[0] = 0
    region : (n,) index of the region each cell belongs to
    region_names : names of the regions, top to bottom
    """

    faces: np.ndarray
    region: np.ndarray
    region_names: tuple[str, ...]

    @property
    def widths(self) -> np.ndarray:
        return np.diff(self.faces)

    @property
    def centres(self) -> np.ndarray:
        return 0.5 * (self.faces[1:] + self.faces[:-1])

    @property
    def n_cells(self) -> int:
        return self.region.size

    def region_bounds(self) -> np.ndarray:
        """(n_regions, 2) top and bottom depth (cm) of each region."""
        out = np.empty((len(self.region_names), 2))
        for r in range(len(self.region_names)):
            idx = np.flatnonzero(self.region == r)
            out[r] = self.faces[idx[0]], self.faces[idx[-1] + 1]
        return out


def layered_mesh(names: list[str], thicknesses: list[float], cells: list[int],
                 stretch: float = 3.0) -> LayeredMesh:
    """Build a mesh of consecutive regions, each graded towards both of its faces.

    Parameters
    ----------
    names : region names, top to bottom
    thicknesses : region thicknesses (cm)
    cells : cells per region
    stretch : widest-to-narrowest cell width ratio within each region
    """
    widths = [graded_widths(h, n, stretch) for h, n in zip(thicknesses, cells, strict=True)]
    faces = np.concatenate([[0.0], np.cumsum(np.concatenate(widths))])
    region = np.repeat(np.arange(len(names)), cells)
    return LayeredMesh(faces=faces, region=region, region_names=tuple(names))
