"""Single-threaded BLAS for the small dense kernels of the solvers.

The exact solvers multiply matrices of a few hundred rows at most. Multi-threaded OpenBLAS gains nothing
there and, when the other core is busy, its threads wait on each other: a 56 × 56 by 56 × 241 product took
16 ms instead of 0.1 ms on the 2-core machine of `benchmarks/peer_cases.py`. `single_threaded()` limits
the BLAS libraries loaded so far (numpy's and scipy's OpenBLAS) to one thread for the duration of a block,
with threadpoolctl (the tool scikit-learn uses for the same purpose).
"""

from __future__ import annotations

import contextlib
import functools
from functools import lru_cache


@lru_cache(maxsize=4)
def _controller(n_modules: int):
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


class _OneThread:
    """Context: limit BLAS to one thread; nested uses (a solver called inside another) cost nothing."""

    _depth = 0

    def __enter__(self):
        import sys

        cls = type(self)
        self._limiter = None
        if cls._depth == 0:
            # a new controller when more libraries may have been loaded (keyed on the module count)
            self._limiter = _controller(len(sys.modules) // 100).limit(limits=1, user_api="blas")
        cls._depth += 1
        return self

    def __exit__(self, *exc):
        type(self)._depth -= 1
        if self._limiter is not None:
            self._limiter.restore_original_limits()
        return False


def single_threaded():
    """Context manager: BLAS calls inside use one thread. Call it after importing scipy.linalg, so that
    scipy's own BLAS is among the libraries limited."""
    return _NESTED if _OneThread._depth else _OneThread()


_NESTED = contextlib.nullcontext()  # inside a limited block: nothing to do


def single_threaded_blas(function):
    """Decorator: run ``function`` inside `single_threaded` (scipy.linalg is imported first so that its
    BLAS is loaded, and limited, before the solver's first call)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        import scipy.linalg  # noqa: F401  (load its BLAS before limiting)

        with single_threaded():
            return function(*args, **kwargs)

    return wrapper
