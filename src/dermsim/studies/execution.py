"""Where batches of skins are computed: in this process, or on a Dask cluster (a local one started for the run,
or an existing one at ``scheduler``).

Work is cut into batches of `BATCH_SKINS` skins before it is sent (one Dask task must carry ≳ 100 ms: a task
costs ~1.8 ms of overhead on the 2-core machine, and one batched skin ~0.1 ms). Every batch is computed by the
same function from the same inputs whatever the engine, with the BLAS on one thread, so a run is bit-identical
in process and on any cluster for the same seed. A batch whose worker dies is sent again (Dask reschedules the
tasks of a lost worker; ``retries`` covers errors raised inside a task).
"""

from __future__ import annotations

import logging
from typing import Callable, Sequence

from dermsim.errors import InputError

#: Skins per batch: ~0.3 s of work per task at ~30 nodes (benchmarks/population.py), cache-sized eigenvectors.
BATCH_SKINS = 2500
ENGINES = ("auto", "serial", "dask")
#: How long to try to reach a scheduler before saying so in one line.
CONNECT_TIMEOUT = "10s"


def batches(n: int, size: int = BATCH_SKINS) -> list[slice]:
    """Consecutive slices of ``n`` items, ``size`` at a time (the same cut for every engine)."""
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def choose_engine(engine: str, n_batches: int, scheduler: str | None) -> str:
    """"serial" or "dask": ``auto`` takes Dask for more than one batch or when a scheduler is given."""
    if engine not in ENGINES:
        raise InputError("engine", engine, " | ".join(ENGINES), choices=ENGINES)
    if scheduler is not None and engine == "serial":
        raise InputError("scheduler", scheduler, "no scheduler with engine 'serial'")
    if engine == "auto":
        return "dask" if (n_batches > 1 or scheduler is not None) else "serial"
    return engine


def run(function: Callable, payloads: Sequence, *, engine: str = "auto", scheduler: str | None = None,
        workers: int | None = None, progress: Callable[[float], None] | None = None) -> list:
    """``[function(p) for p in payloads]`` in order, in process or on Dask (see the module docstring).

    ``function`` must be importable by the workers (a module-level function of dermsim) and its payloads
    picklable. ``workers``: processes of a local cluster (default: the machine's cores)."""
    kind = choose_engine(engine, len(payloads), scheduler)
    if kind == "serial":
        out = []
        for i, payload in enumerate(payloads):
            out.append(function(payload))
            if progress:
                progress((i + 1) / len(payloads))
        return out
    return _run_dask(function, payloads, scheduler, workers, progress)


def _run_dask(function, payloads, scheduler, workers, progress) -> list:
    import os

    from distributed import Client, LocalCluster, as_completed

    import dask

    cluster = None
    if scheduler is None:
        # Dask's nanny sets MALLOC_TRIM_THRESHOLD_ in its workers, which switches off glibc's adaptive mmap
        # threshold: every large array is then mmapped and unmapped again, and the batched solver runs 2-3x
        # slower (measured). A fixed 32 MiB mmap threshold keeps the arrays of a batch on the heap.
        dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": 1 << 25})
        n = workers or max(1, min(os.cpu_count() or 1, len(payloads)))
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, silence_logs=logging.ERROR)
        address = cluster.scheduler_address
    else:
        address = scheduler
    try:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise InputError("scheduler", address, "the address of a running Dask scheduler (tcp://host:port)",
                             problem=f"cannot connect: {exc}") from None
        with client:
            futures = client.map(function, list(payloads), pure=False, retries=2)
            order = {f.key: i for i, f in enumerate(futures)}
            results = [None] * len(futures)
            for done, future in enumerate(as_completed(futures), start=1):
                results[order[future.key]] = future.result()
                if progress:
                    progress(done / len(futures))
            return results
    finally:
        if cluster is not None:
            cluster.close()
