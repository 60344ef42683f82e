"""Epidermal renewal: stochastic cell-fate kinetics of the basal layer, clones, and the spatial tissue above it."""
