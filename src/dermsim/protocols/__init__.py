"""Treatment protocols over weeks: schedules of microneedle sessions and product applications, coupled to the
permeation, microneedle and dermis models (`schedule`, `run`, `adverse_events`)."""
