"""Time frames of a history question ("what did I buy last month?", "上个月我买了什么", "letzte Woche") and the
dates they cover (``agent/tools/purchase_history.py``)."""

from __future__ import annotations

import re
from datetime import date, timedelta

_F = re.IGNORECASE | re.UNICODE

# period -> the words that name it, in several languages
_PERIODS: dict[str, re.Pattern[str]] = {
    "last_month": re.compile(
        r"(last month|previous month|past month|el mes pasado|le mois dernier|letzten monat|vorigen monat|"
        r"vormonat|в прошлом месяце|за прошлый месяц|上个月|上月|先月|il mese scorso|no mês passado|mês passado|"
        r"vorige maand|förra månaden|지난달|الشهر الماضي|geçen ay|w zeszłym miesiącu)", _F),
    "this_month": re.compile(
        r"(this month|este mes|ce mois-ci|ce mois|diesen monat|in diesem monat|в этом месяце|这个月|本月|今月|"
        r"questo mese|este mês|deze maand|denna månad|이번 달|هذا الشهر|bu ay|w tym miesiącu)", _F),
    "last_week": re.compile(
        r"(last week|previous week|past week|la semana pasada|la semaine dernière|letzte woche|letzten woche|"
        r"vorige woche|на прошлой неделе|за прошлую неделю|上周|上个星期|上星期|先週|la settimana scorsa|"
        r"semana passada|vorige week|förra veckan|지난주|الأسبوع الماضي|geçen hafta|w zeszłym tygodniu)", _F),
    "this_week": re.compile(
        r"(this week|esta semana|cette semaine|diese woche|diesen woche|на этой неделе|这周|本周|这个星期|今週|"
        r"questa settimana|deze week|denna vecka|이번 주|هذا الأسبوع|bu hafta|w tym tygodniu)", _F),
    "last_year": re.compile(
        r"(last year|previous year|el año pasado|l'année dernière|l’année dernière|letztes jahr|letzten jahr|"
        r"vorjahr|в прошлом году|去年|昨年|l'anno scorso|ano passado|vorig jaar|förra året|작년|العام الماضي|"
        r"geçen yıl|w zeszłym roku)", _F),
    "this_year": re.compile(
        r"(this year|este año|cette année|dieses jahr|in diesem jahr|в этом году|今年|quest'anno|este ano|"
        r"dit jaar|i år|올해|هذا العام|bu yıl|w tym roku)", _F),
}
PERIODS = tuple(_PERIODS)
# A history older than this is a dataset's (the demo's ends in 2020): its time frames count from its newest purchase.
_LIVE_DAYS = 366


def find_period(text: str) -> str | None:
    """The time frame ``text`` names (one of ``PERIODS``), else None."""
    return next((period for period, pattern in _PERIODS.items() if pattern.search(text)), None)


def reference_day(newest: date | None, today: date | None = None) -> date:
    """The day a time frame counts from: today, or the newest purchase of a history that ended long ago (a
    dataset's, such as the demo's), so that "last month" there is the month before its last purchases."""
    today = today or date.today()
    if newest is not None and (today - newest).days > _LIVE_DAYS:
        return newest
    return today


def window(period: str, ref: date) -> tuple[date, date]:
    """The first and the last day (both included) of ``period`` counted from ``ref``."""
    if period == "this_month":
        return ref.replace(day=1), ref
    if period == "last_month":
        end = ref.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if period == "this_week":
        return ref - timedelta(days=ref.weekday()), ref
    if period == "last_week":
        start = ref - timedelta(days=ref.weekday() + 7)
        return start, start + timedelta(days=6)
    if period == "this_year":
        return ref.replace(month=1, day=1), ref
    if period == "last_year":
        return date(ref.year - 1, 1, 1), date(ref.year - 1, 12, 31)
    raise ValueError(f"unknown period {period!r}")
