"""Finite-volume meshes: 1D layered (graded towards every interface) and 2D axisymmetric (r, z).

The 2D mesh and its interface rule are documented in `AxisymmetricMesh`. 1D:

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

import math
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
    shape = graded_shape(n_cells, stretch)
    return thickness * shape / shape.sum()


def graded_shape(n_cells: int, stretch: float) -> np.ndarray:
    """Relative cell widths of `graded_widths` (unnormalised: the face cells are 1)."""
    if n_cells < 1:
        raise ValueError("n_cells must be ≥ 1")
    half = n_cells // 2
    ratio = stretch ** (1.0 / max(half - (0 if n_cells % 2 else 1), 1))
    growth = ratio ** np.arange(half)
    return np.concatenate([growth, [ratio**half] if n_cells % 2 else [], growth[::-1]])


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


# --------------------------------------------------------------------------------------------------------------
# two-dimensional axisymmetric (r, z) meshes


def one_sided_widths(length: float, n_cells: int, first_width: float) -> np.ndarray:
    """Cell widths growing geometrically away from the start of a segment.

    Parameters
    ----------
    length : segment length (cm)
    n_cells : number of cells (≥ 1)
    first_width : width of the first cell (cm). The growth ratio q ≥ 1 is solved so the widths sum to
        ``length``; if even uniform cells would be narrower than ``first_width`` the cells are uniform.
    """
    if n_cells < 1:
        raise ValueError("n_cells must be ≥ 1")
    if n_cells == 1 or first_width * n_cells >= length:
        return np.full(n_cells, length / n_cells)
    from scipy.optimize import brentq

    def excess(log_q):
        return first_width * math.expm1(n_cells * log_q) / math.expm1(log_q) - length

    hi = 1.0
    while excess(hi) < 0:
        hi *= 2.0
    log_q = brentq(excess, 1e-12, hi, xtol=1e-14)
    widths = first_width * np.exp(log_q * np.arange(n_cells))
    return widths * (length / widths.sum())


@dataclass(frozen=True)
class AxisymmetricMesh:
    """Cell-centred finite volumes of a cylinder 0 ≤ r ≤ R, 0 ≤ z ≤ L (z = depth below the surface).

    Cells are indexed (j, i) = (z row, r column) and numbered p = j·n_r + i, so neighbours in z are n_r
    apart and the matrix of the scheme is banded with half-bandwidth n_r.

    Discretisation (in u = c/K; the model supplies K and D per material, see `dermsim.microneedles.channel_cell`):

    * cell volume V = π (r_{i+1}² − r_i²) Δz_j, axial face area A = π (r_{i+1}² − r_i²), radial face area
      2π r Δz_j; the node of a ring sits at its mid-radius r_c = (r_i + r_{i+1})/2;
    * a cell may hold two materials, an inner core r < a (a channel) and the outer rest. Its capacity is
      the volume-weighted K, and the axial half-cell conductance uses the area-weighted (parallel) K·D::

          C = V [θ K_a + (1 − θ) K_b],   g_z,half = A [θ K_a D_a + (1 − θ) K_b D_b] / (Δz/2),
          θ = (clip(a, r_i, r_{i+1})² − r_i²) / (r_{i+1}² − r_i²)

    * radial conductances come from the exact steady radial resistance between the node and the face,
      with the material change at r = a inside it (series, logarithmic)::

          1/g_r,half = (1/(2π Δz)) [ ln(m/lo)/(K_a D_a) + ln(hi/m)/(K_b D_b) ],   m = clip(a, lo, hi)

      where lo, hi are the node radius and the face radius in increasing order;
    * neighbouring cells exchange g (u_p − u_q) with g = 1/(1/g_half,p + 1/g_half,q): flux continuity and
      continuity of u at every face, hence exact partition jumps c_b/c_a = K_b/K_a, both at the layer
      interfaces (which are z faces) and at a channel wall that coincides with an r face.

    The scheme is second order in Δr, Δz on smoothly graded meshes when every material boundary lies on
    a face (layer interfaces, a cylindrical channel at full opening); a wall that cuts cells (a cone, or
    a channel narrowed by closure) is represented by the mixture rule above, which is first order in the
    cut cells' size but keeps the resistance of a thin wall layer exact in r.

    Attributes
    ----------
    r_faces : (n_r + 1,) radial faces (cm), r_faces[0] = 0
    z_faces : (n_z + 1,) depth faces (cm), z_faces[0] = 0
    """

    r_faces: np.ndarray
    z_faces: np.ndarray

    @property
    def n_r(self) -> int:
        return self.r_faces.size - 1

    @property
    def n_z(self) -> int:
        return self.z_faces.size - 1

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_z, self.n_r

    @property
    def n_cells(self) -> int:
        return self.n_r * self.n_z

    @property
    def dr(self) -> np.ndarray:
        return np.diff(self.r_faces)

    @property
    def dz(self) -> np.ndarray:
        return np.diff(self.z_faces)

    @property
    def r_centres(self) -> np.ndarray:
        return 0.5 * (self.r_faces[1:] + self.r_faces[:-1])

    @property
    def z_centres(self) -> np.ndarray:
        return 0.5 * (self.z_faces[1:] + self.z_faces[:-1])

    @property
    def ring_areas(self) -> np.ndarray:
        """(n_r,) axial face area of each ring, π (r_{i+1}² − r_i²) (cm²)."""
        return np.pi * np.diff(self.r_faces**2)

    @property
    def cross_section(self) -> float:
        """π R² (cm²)."""
        return float(np.pi * self.r_faces[-1] ** 2)

    @property
    def volumes(self) -> np.ndarray:
        """(n_z, n_r) cell volumes (cm³)."""
        return np.outer(self.dz, self.ring_areas)


def graded_axis(breaks: list[float], cells: list[int], kinds: list[str], stretch: float = 3.0,
                first_widths: list[float | None] | None = None) -> np.ndarray:
    """Faces of an axis split at ``breaks`` (increasing, breaks[0] = start) into graded segments.

    Parameters
    ----------
    breaks : segment end points (cm), len = n_segments + 1
    cells : cells per segment
    kinds : per segment, ``"both"`` (refined towards both ends, `graded_widths` with ``stretch``),
        ``"uniform"``, or ``"start"`` (geometric growth away from the segment start, first cell
        ``first_widths[k]``)
    stretch : widest/narrowest cell ratio of ``"both"`` segments
    first_widths : first cell width (cm) of each ``"start"`` segment
    """
    widths = []
    for k, (a, b, n, kind) in enumerate(zip(breaks[:-1], breaks[1:], cells, kinds, strict=True)):
        length = b - a
        if kind == "both":
            widths.append(graded_widths(length, n, stretch))
        elif kind == "uniform":
            widths.append(np.full(n, length / n))
        elif kind == "start":
            widths.append(one_sided_widths(length, n, (first_widths or [None] * len(cells))[k] or length / n))
        else:
            raise ValueError(f"unknown grading kind {kind!r}")
    faces = np.concatenate([[breaks[0]], breaks[0] + np.cumsum(np.concatenate(widths))])
    # land exactly on the breaks (no round-off drift)
    idx = np.cumsum([0] + list(cells))
    faces[idx] = breaks
    return faces
