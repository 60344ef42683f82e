"""Repetition rules → event times (h from the start of the protocol).

``repeat`` phrases: "once"; "daily"; "twice daily" (08:00 and 20:00); "N times daily" (from 08:00, evenly over
12 h); "weekly"; "every N hours|days|weeks|months x K" (× also written "×"). Or the fields: ``start`` (h),
``every`` (h), ``count``, ``until`` (h), ``times`` ("HH:MM" each day the rule falls on: ``every`` then must be
whole days) and ``days`` (weekdays; day 0 of the protocol is ``start_weekday``). Months are 1/12 year (pint).
"""

from __future__ import annotations

import math
import re

import numpy as np

from dermsim.errors import InputError
from dermsim.scenario.protocol import MAX_EVENTS, WEEKDAYS

DAY = 24.0
_EVERY = re.compile(r"^every\s+([0-9.]+)\s*(hours?|h|days?|d|weeks?|months?)\s*(?:[x×]\s*(\d+))?$")
_UNIT_H = {"h": 1.0, "hour": 1.0, "hours": 1.0, "d": DAY, "day": DAY, "days": DAY, "week": 7 * DAY,
           "weeks": 7 * DAY, "month": 365.25 * DAY / 12, "months": 365.25 * DAY / 12}


def _clock(text: str, field: str) -> float:
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise InputError(field, text, "a clock time 'HH:MM' (00:00 to 23:59)")
    return int(m.group(1)) + int(m.group(2)) / 60.0


def from_phrase(text: str, field: str) -> dict:
    """The schedule fields a ``repeat`` phrase stands for."""
    phrase = " ".join(text.strip().lower().split())
    if phrase == "once":
        return {"count": 1}
    if phrase == "daily":
        return {"every": DAY}
    if phrase == "weekly":
        return {"every": 7 * DAY}
    if phrase == "twice daily":
        return {"every": DAY, "times": ["08:00", "20:00"]}
    m = re.fullmatch(r"(\d+) times daily", phrase)
    if m and 1 <= int(m.group(1)) <= 24:
        n = int(m.group(1))
        minutes = [480 + round(720 * k / (n - 1)) for k in range(n)] if n > 1 else [480]    # 08:00 to 20:00
        return {"every": DAY, "times": [f"{x // 60:02d}:{x % 60:02d}" for x in minutes]}
    m = _EVERY.fullmatch(phrase)
    if m and float(m.group(1)) > 0:
        out = {"every": float(m.group(1)) * _UNIT_H[m.group(2)]}
        if m.group(3):
            out["count"] = int(m.group(3))
        return out
    raise InputError(field, text, "'once', 'daily', 'twice daily', 'N times daily', 'weekly' or "
                                  "'every N hours|days|weeks|months x K'")


def event_times(rule, duration: float, start_weekday: str, field: str) -> np.ndarray:
    """Event times (h, ascending, in [0, duration)) of a `dermsim.scenario.protocol.Schedule`; an explicit count
    that does not fit in the protocol, or a rule with no event in it, is an `InputError`."""
    fields = {"every": rule.every, "count": rule.count, "times": rule.times}
    if rule.repeat is not None:
        implied = from_phrase(rule.repeat, f"{field}.repeat")
        clash = [k for k in implied if fields[k] is not None]
        if clash:
            raise InputError(f"{field}.{clash[0]}", fields[clash[0]], f"either repeat = {rule.repeat!r} or "
                             f"{clash[0]}, not both")
        fields.update(implied)
    every, count, times = fields["every"], fields["count"], fields["times"]
    end = min(duration, rule.until) if rule.until is not None else duration
    if rule.start >= duration:
        raise InputError(f"{field}.start", f"{rule.start / DAY:g} d", f"a start within the protocol "
                         f"({duration / DAY:g} d)")
    if count is not None and count > 1 and every is None:
        raise InputError(f"{field}.count", count, "a count with a repetition ('every' or 'repeat')")
    first_day = WEEKDAYS.index(start_weekday)
    if times:
        clocks = sorted(_clock(t, f"{field}.times") for t in times)
        step = (every or DAY) / DAY
        if abs(step - round(step)) > 1e-9 or round(step) < 1:
            raise InputError(f"{field}.every", f"{(every or DAY) / DAY:g} d", "whole days with clock times")
        day0 = math.floor(rule.start / DAY + 1e-12)
        days = np.arange(day0, math.ceil(end / DAY) + 1, int(round(step)))
        if rule.days:
            allowed = {WEEKDAYS.index(d) for d in rule.days}
            days = days[[(first_day + int(d)) % 7 in allowed for d in days]]
        t = (days[:, None] * DAY + np.array(clocks)[None, :]).ravel()
        t = t[(t >= rule.start) & (t < end)]
        if count is not None:
            if t.size < count:
                _too_many(field, count, end)
            t = t[:count]
    else:
        if every is None:
            t = np.array([rule.start])
        else:
            n = count if count is not None else int(math.floor((end - rule.start) / every - 1e-12)) + 1
            t = rule.start + every * np.arange(min(n, MAX_EVENTS + 1))
            if count is not None and t[-1] >= end:
                _too_many(field, count, end)
            t = t[t < end]
        if rule.days:
            allowed = {WEEKDAYS.index(d) for d in rule.days}
            t = t[[(first_day + int(x // DAY)) % 7 in allowed for x in t]]
    if t.size == 0:
        raise InputError(field, "its schedule", "at least one event within the protocol", problem="no event falls "
                         f"within the protocol's {duration / DAY:g} days")
    if t.size > MAX_EVENTS:
        raise InputError(field, f"{t.size} events", f"at most {MAX_EVENTS} events in one schedule")
    return t


def _too_many(field: str, count: int, end: float) -> None:
    raise InputError(f"{field}.count", count, f"events that fit before the end ({end / DAY:g} d)",
                     problem=f"{count} events do not fit before the end ({end / DAY:g} d)")
