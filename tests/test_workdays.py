"""Working days: the Algemene termijnenwet's public holidays, weekends and closure days."""

from datetime import date, timedelta

import pytest

from basisjeugdhulp.workdays import (
    add_working_days,
    is_public_holiday,
    is_working_day,
    working_days_between,
)

# Written out by hand from the calendar, not computed: a wrong holiday rule must fail here.
# 2024: Easter in March (31 March). 2025: Koningsdag moves to Saturday 26 April (27th is a
# Sunday), and a lustrum Bevrijdingsdag. 2026 and 2027: 5 May on a weekday in a non-lustrum
# year. 2027: Easter in March (28 March), Christmas on a weekend.
HOLIDAYS = {
    2024: {
        "Nieuwjaarsdag": date(2024, 1, 1),
        "Goede Vrijdag": date(2024, 3, 29),
        "Eerste Paasdag": date(2024, 3, 31),
        "Tweede Paasdag": date(2024, 4, 1),
        "Koningsdag": date(2024, 4, 27),
        "Bevrijdingsdag": date(2024, 5, 5),
        "Hemelvaartsdag": date(2024, 5, 9),
        "Eerste Pinksterdag": date(2024, 5, 19),
        "Tweede Pinksterdag": date(2024, 5, 20),
        "Eerste Kerstdag": date(2024, 12, 25),
        "Tweede Kerstdag": date(2024, 12, 26),
    },
    2025: {
        "Nieuwjaarsdag": date(2025, 1, 1),
        "Goede Vrijdag": date(2025, 4, 18),
        "Eerste Paasdag": date(2025, 4, 20),
        "Tweede Paasdag": date(2025, 4, 21),
        "Koningsdag": date(2025, 4, 26),
        "Bevrijdingsdag": date(2025, 5, 5),
        "Hemelvaartsdag": date(2025, 5, 29),
        "Eerste Pinksterdag": date(2025, 6, 8),
        "Tweede Pinksterdag": date(2025, 6, 9),
        "Eerste Kerstdag": date(2025, 12, 25),
        "Tweede Kerstdag": date(2025, 12, 26),
    },
    2026: {
        "Nieuwjaarsdag": date(2026, 1, 1),
        "Goede Vrijdag": date(2026, 4, 3),
        "Eerste Paasdag": date(2026, 4, 5),
        "Tweede Paasdag": date(2026, 4, 6),
        "Koningsdag": date(2026, 4, 27),
        "Bevrijdingsdag": date(2026, 5, 5),
        "Hemelvaartsdag": date(2026, 5, 14),
        "Eerste Pinksterdag": date(2026, 5, 24),
        "Tweede Pinksterdag": date(2026, 5, 25),
        "Eerste Kerstdag": date(2026, 12, 25),
        "Tweede Kerstdag": date(2026, 12, 26),
    },
    2027: {
        "Nieuwjaarsdag": date(2027, 1, 1),
        "Goede Vrijdag": date(2027, 3, 26),
        "Eerste Paasdag": date(2027, 3, 28),
        "Tweede Paasdag": date(2027, 3, 29),
        "Koningsdag": date(2027, 4, 27),
        "Bevrijdingsdag": date(2027, 5, 5),
        "Hemelvaartsdag": date(2027, 5, 6),
        "Eerste Pinksterdag": date(2027, 5, 16),
        "Tweede Pinksterdag": date(2027, 5, 17),
        "Eerste Kerstdag": date(2027, 12, 25),
        "Tweede Kerstdag": date(2027, 12, 26),
    },
}
ALL = [(year, name, day) for year, days in HOLIDAYS.items() for name, day in days.items()]


@pytest.mark.parametrize(("year", "name", "day"), ALL, ids=[f"{y}-{n}" for y, n, _ in ALL])
def test_every_public_holiday_is_no_working_day(year, name, day):
    assert is_public_holiday(day)
    assert not is_working_day(day)


@pytest.mark.parametrize("year", HOLIDAYS)
def test_no_other_day_of_the_year_is_a_public_holiday(year):
    day, found = date(year, 1, 1), set()
    while day.year == year:
        if is_public_holiday(day):
            found.add(day)
        day += timedelta(days=1)
    assert found == set(HOLIDAYS[year].values())


def test_koningsdag_moves_to_saturday_when_the_27th_is_a_sunday():
    assert date(2025, 4, 27).weekday() == 6
    assert is_public_holiday(date(2025, 4, 26))
    assert not is_public_holiday(date(2025, 4, 27)) and not is_working_day(date(2025, 4, 27))
    assert is_working_day(date(2025, 4, 28))


def test_bevrijdingsdag_counts_every_year_not_only_in_lustrum_years():
    assert date(2026, 5, 5).weekday() == 1  # a Tuesday
    assert not is_working_day(date(2026, 5, 5))
    # Triage on Friday 1 May 2026: Mon 4 (1), Tue 5 is Bevrijdingsdag, Wed 6 (2) … Mon 11 (5).
    assert add_working_days(date(2026, 5, 1), 5) == date(2026, 5, 11)


def test_weekends_do_not_count():
    # Wednesday 18 November 2026 + 5: Thu, Fri, Mon, Tue, Wed.
    assert add_working_days(date(2026, 11, 18), 5) == date(2026, 11, 25)


def test_easter_in_march_is_skipped():
    # Thursday 25 March 2027: Good Friday, the weekend and Easter Monday do not count;
    # Tue 30 (1), Wed 31 (2), Thu 1 April (3), Fri 2 (4), Mon 5 (5).
    assert add_working_days(date(2027, 3, 25), 5) == date(2027, 4, 5)


def test_hemelvaart_and_pinksteren_are_skipped():
    # Wednesday 13 May 2026: Thu 14 Hemelvaart; 15 (1), 18 (2), 19 (3), 20 (4), 21 (5).
    assert add_working_days(date(2026, 5, 13), 5) == date(2026, 5, 21)
    # Friday 22 May 2026: Mon 25 is Tweede Pinksterdag; 26 (1) … 29 (4), 1 June (5).
    assert add_working_days(date(2026, 5, 22), 5) == date(2026, 6, 1)


def test_christmas_and_closure_days_between_christmas_and_new_year():
    # Wednesday 23 December 2026: 24 (1), 25–27 off, 28 (2), 29 (3), 30 (4), 31 (5).
    assert add_working_days(date(2026, 12, 23), 5) == date(2026, 12, 31)
    closed = {date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)}
    # Then: 24 (1), New Year's Day off, 4 Jan (2), 5 (3), 6 (4), 7 (5).
    assert add_working_days(date(2026, 12, 23), 5, closed) == date(2027, 1, 7)


def test_a_triage_on_saturday_counts_from_monday_like_one_on_friday():
    friday, saturday, sunday = date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)
    assert add_working_days(saturday, 5) == date(2026, 11, 27)
    assert add_working_days(sunday, 5) == add_working_days(friday, 5) == date(2026, 11, 27)
    assert add_working_days(saturday, 1) == date(2026, 11, 23)


def test_zero_working_days_is_the_day_itself_or_the_next_working_day():
    assert add_working_days(date(2026, 11, 18), 0) == date(2026, 11, 18)
    assert add_working_days(date(2026, 11, 21), 0) == date(2026, 11, 23)  # Saturday → Monday
    assert add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 28)
    assert add_working_days(date(2026, 12, 28), 0, {date(2026, 12, 28)}) == date(2026, 12, 29)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 18), -1)


def test_working_days_between_counts_forward_and_backward():
    wednesday, next_wednesday = date(2026, 11, 18), date(2026, 11, 25)
    assert working_days_between(wednesday, next_wednesday) == 5
    assert working_days_between(next_wednesday, wednesday) == -5
    assert working_days_between(wednesday, wednesday) == 0
    # From Saturday to Monday: one working day left.
    assert working_days_between(date(2026, 11, 21), date(2026, 11, 23)) == 1
    # A deadline on Friday, seen on Monday after: one working day late.
    assert working_days_between(date(2026, 11, 30), date(2026, 11, 27)) == -1
    # 24 (1), Christmas and the weekend off, 28 closed, 29 (2), 30 (3), 31 (4).
    assert working_days_between(date(2026, 12, 23), date(2026, 12, 31), {date(2026, 12, 28)}) == 4


@pytest.mark.parametrize("start", [date(2024, 3, 27) + timedelta(days=i) for i in range(0, 300, 7)])
def test_the_two_functions_agree(start):
    for n in range(1, 12):
        end = add_working_days(start, n)
        assert working_days_between(start, end) == n
