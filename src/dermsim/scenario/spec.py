"""Base of every scenario table: unknown keys are refused and a validated table is immutable."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Spec(BaseModel):
    """A validated scenario table (pydantic model; extra keys forbidden, frozen)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
