"""Many skins at once: virtual populations, sweeps and sensitivity analyses on the batched exact solver, run
in process or on a Dask cluster (`skin_batch`, `variability`, `population`, `design`, `sweep`, `sensitivity`,
`execution`)."""
