"""Repetition rules written once give the event times a person would write out by hand."""

import numpy as np
import pytest

from dermsim.errors import InputError
from dermsim.protocols.schedule import event_times
from dermsim.scenario.protocol import Schedule

DAY, WEEK = 24.0, 168.0


def times(duration_h, start_weekday="mon", **fields):
    return event_times(Schedule.model_validate(fields), duration_h, start_weekday, "protocol.x[0]")


def test_phrases():
    assert times(10 * DAY, repeat="twice daily")[:4].tolist() == [8, 20, 32, 44]
    assert times(10 * DAY, repeat="twice daily").size == 20
    assert times(20 * WEEK, repeat="every 4 weeks x 5").tolist() == [0, 4 * WEEK, 8 * WEEK, 12 * WEEK, 16 * WEEK]
    assert times(3 * DAY, repeat="3 times daily")[:3].tolist() == [8, 14, 20]
    assert times(3 * WEEK, repeat="weekly", start="2 h").tolist() == [2, WEEK + 2, 2 * WEEK + 2]
    assert times(5 * DAY, repeat="once", start="1 d").tolist() == [DAY]
    assert times(2 * DAY, repeat="every 6 h").tolist() == [0, 6, 12, 18, 24, 30, 36, 42]


def test_clock_times_and_weekdays():
    # day 0 a Monday: Monday, Wednesday and Friday evenings for two weeks
    t = times(14 * DAY, times=["21:00"], days=["mon", "wed", "fri"])
    assert (t // DAY).astype(int).tolist() == [0, 2, 4, 7, 9, 11]
    assert np.all(t % DAY == 21)
    # day 0 a Saturday: the first Monday is day 2
    assert times(7 * DAY, start_weekday="sat", times=["09:30"], days=["mon"]).tolist() == [2 * DAY + 9.5]
    # every other day at 08:00, until day 6
    assert times(30 * DAY, times=["08:00"], every="2 d", until="6 d").tolist() == [8, 56, 104]


@pytest.mark.parametrize("fields, message", [
    ({"repeat": "every 4 weeks x 6"}, r"^protocol\.x\[0\]\.count: 6 events do not fit before the end \(84 d\)"),
    ({"repeat": "fortnightly"}, r"^protocol\.x\[0\]\.repeat: got 'fortnightly'; allowed: 'once'"),
    ({"repeat": "daily", "every": "2 d"}, r"^protocol\.x\[0\]\.every: .*either repeat = 'daily' or every"),
    ({"times": ["25:00"]}, r"^protocol\.x\[0\]\.times: got '25:00'; allowed: a clock time"),
    ({"times": ["08:00"], "every": "36 h"}, r"^protocol\.x\[0\]\.every: got '1\.5 d'; allowed: whole days"),
    ({"count": 3}, r"^protocol\.x\[0\]\.count: got 3; allowed: a count with a repetition"),
    ({"start": "90 d"}, r"^protocol\.x\[0\]\.start: "),
])
def test_bad_rules_are_one_line(fields, message):
    with pytest.raises(InputError, match=message):
        times(12 * WEEK, **fields)
