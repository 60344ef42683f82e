"""Microneedles: devices, insertion, channel density, resealing and risk."""
