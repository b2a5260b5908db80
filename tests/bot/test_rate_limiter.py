"""Offline: the per-user rate limit keeps only the users who sent something within its window."""

from __future__ import annotations

from bot.runtime import RateLimiter


def test_users_who_went_quiet_are_forgotten() -> None:
    limiter = RateLimiter(per_minute=2, window_s=60.0)
    for user in range(1000):  # a thousand shoppers, once each
        assert limiter.hit(user, now=0.0) == 0.0
    blocked = limiter.hit(5000, now=1.0), limiter.hit(5000, now=1.0), limiter.hit(5000, now=1.0)
    assert blocked[:2] == (0.0, 0.0) and blocked[2] > 0 and limiter.should_warn(5000, blocked[2], now=1.0)
    assert limiter.tracked() == 1001
    assert limiter.hit(7, now=61.5) == 0.0  # a minute later only the one who came back is kept
    assert limiter.tracked() == 1
    assert limiter.hit(7, now=62.0) == 0.0 and limiter.hit(7, now=62.0) > 0  # and still limited as before


def test_a_user_within_the_window_is_kept() -> None:
    limiter = RateLimiter(per_minute=1, window_s=60.0)
    assert limiter.hit(1, now=0.0) == 0.0
    assert limiter.hit(2, now=59.0) == 0.0
    assert limiter.hit(3, now=61.0) == 0.0  # user 1's minute is over; user 2's is not
    assert limiter.tracked() == 2 and limiter.hit(2, now=61.0) > 0
