"""Permeation: the 1D layered model of a compound moving from its formulation through the skin (scenario
→ `setup` → model → solver → `result`), the front end of `dermsim.simulate` for permeation scenarios."""
