"""Working days and month arithmetic; every expected date was worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from domain.calendar import (
    add_months,
    add_working_days,
    is_working_day,
    london_today,
    working_days_between,
)

# Christmas and New Year


def test_five_working_days_after_23_december_2015_is_4_january_2016() -> None:
    # 25 Dec (Fri), 28 Dec (Boxing Day substitute), 1 Jan are holidays; 26-27 weekend.
    assert add_working_days(date(2015, 12, 23), 5) == date(2016, 1, 4)


def test_28_december_2015_is_a_substitute_bank_holiday() -> None:
    assert not is_working_day(date(2015, 12, 28))


def test_24_december_2015_is_a_working_day() -> None:
    assert is_working_day(date(2015, 12, 24))


def test_the_working_day_after_christmas_eve_2020_is_29_december() -> None:
    # 25 Dec Friday, 26 Dec Saturday so Boxing Day is substituted on Monday 28 Dec.
    assert add_working_days(date(2020, 12, 24), 1) == date(2020, 12, 29)


def test_christmas_and_boxing_day_2021_are_substituted_on_27_and_28_december() -> None:
    assert not is_working_day(date(2021, 12, 27))
    assert not is_working_day(date(2021, 12, 28))
    assert add_working_days(date(2021, 12, 24), 1) == date(2021, 12, 29)


def test_new_years_day_2021_is_skipped() -> None:
    assert add_working_days(date(2020, 12, 31), 1) == date(2021, 1, 4)


def test_new_year_2022_on_a_saturday_is_substituted_on_monday_3_january() -> None:
    assert not is_working_day(date(2022, 1, 3))
    assert is_working_day(date(2022, 1, 4))


# Easter


def test_good_friday_and_easter_monday_2016_are_skipped() -> None:
    # Good Friday 25 March, Easter Monday 28 March 2016.
    assert add_working_days(date(2016, 3, 24), 1) == date(2016, 3, 29)


def test_good_friday_and_easter_monday_2024_are_skipped() -> None:
    # Good Friday 29 March, Easter Monday 1 April 2024.
    assert add_working_days(date(2024, 3, 28), 1) == date(2024, 4, 2)


def test_weekends_are_not_working_days() -> None:
    assert not is_working_day(date(2024, 3, 23))
    assert not is_working_day(date(2024, 3, 24))
    assert is_working_day(date(2024, 3, 25))


# Before direction and day 0


def test_zero_working_days_is_the_start_day_itself() -> None:
    assert add_working_days(date(2015, 12, 25), 0) == date(2015, 12, 25)


def test_one_working_day_before_the_tuesday_after_easter_2016_is_maundy_thursday() -> None:
    assert add_working_days(date(2016, 3, 29), -1) == date(2016, 3, 24)


def test_five_working_days_before_4_january_2016_is_23_december_2015() -> None:
    assert add_working_days(date(2016, 1, 4), -5) == date(2015, 12, 23)


def test_seven_working_days_before_friday_5_april_2024_is_25_march() -> None:
    # 4, 3, 2 April; 1 April and 29 March are Easter holidays; then 28-25 March.
    assert add_working_days(date(2024, 4, 5), -7) == date(2024, 3, 25)


# Counting working days between two dates


def test_working_days_between_23_december_2015_and_4_january_2016_is_five() -> None:
    assert working_days_between(date(2015, 12, 23), date(2016, 1, 4)) == 5


def test_working_days_across_easter_2024_exclude_both_holidays() -> None:
    # Fri 22 Mar to Fri 5 Apr: 25-28 Mar (4) and 2-5 Apr (4).
    assert working_days_between(date(2024, 3, 22), date(2024, 4, 5)) == 8


def test_working_days_in_2024_are_254() -> None:
    # 262 weekdays in leap year 2024 (starts Monday), less 8 bank holidays on weekdays.
    assert working_days_between(date(2023, 12, 31), date(2024, 12, 31)) == 254


def test_the_start_day_itself_is_not_counted() -> None:
    assert working_days_between(date(2024, 3, 25), date(2024, 3, 26)) == 1


def test_working_days_between_is_zero_when_end_is_not_after_start() -> None:
    assert working_days_between(date(2024, 3, 25), date(2024, 3, 25)) == 0
    assert working_days_between(date(2024, 3, 26), date(2024, 3, 25)) == 0


def test_working_days_to_a_weekend_end_date_stop_at_friday() -> None:
    # Mon 18 Mar to Sun 24 Mar 2024: Tue-Fri count.
    assert working_days_between(date(2024, 3, 18), date(2024, 3, 24)) == 4


# Months and 29 February


def test_one_month_after_31_january_2016_is_29_february() -> None:
    assert add_months(date(2016, 1, 31), 1) == date(2016, 2, 29)


def test_one_month_after_31_january_2024_is_29_february() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_one_month_after_31_january_2023_is_28_february() -> None:
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)


def test_twelve_months_after_29_february_2024_is_28_february_2025() -> None:
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_six_months_after_31_august_2024_is_28_february_2025() -> None:
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)


def test_one_month_after_15_december_2015_is_15_january_2016() -> None:
    assert add_months(date(2015, 12, 15), 1) == date(2016, 1, 15)


def test_one_month_after_31_march_2024_is_30_april() -> None:
    assert add_months(date(2024, 3, 31), 1) == date(2024, 4, 30)


def test_one_month_before_31_march_2016_is_29_february() -> None:
    assert add_months(date(2016, 3, 31), -1) == date(2016, 2, 29)


def test_two_months_before_15_january_2016_is_15_november_2015() -> None:
    assert add_months(date(2016, 1, 15), -2) == date(2015, 11, 15)


# Today in London


def test_london_today_is_the_next_day_at_half_past_eleven_utc_in_summer() -> None:
    assert london_today(datetime(2024, 6, 30, 23, 30, tzinfo=UTC)) == date(2024, 7, 1)


def test_london_today_matches_utc_in_winter() -> None:
    assert london_today(datetime(2024, 1, 31, 23, 30, tzinfo=UTC)) == date(2024, 1, 31)


def test_london_today_converts_from_another_zone() -> None:
    new_york = timezone(timedelta(hours=-5))
    assert london_today(datetime(2024, 1, 31, 20, 0, tzinfo=new_york)) == date(2024, 2, 1)


def test_london_today_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        london_today(datetime(2024, 1, 31, 12, 0))


def test_london_today_without_an_argument_returns_a_date() -> None:
    assert isinstance(london_today(), date)
