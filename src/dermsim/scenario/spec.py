"""Base of every scenario table: unknown keys are refused and a validated table is immutable."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from dermsim.scenario.edit import ValidatedCopy


class Spec(ValidatedCopy, BaseModel):
    """A validated scenario table (pydantic model; extra keys forbidden, frozen; ``model_copy(update=...)``
    validates)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
