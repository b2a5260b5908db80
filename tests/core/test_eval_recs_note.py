"""`reclmms eval recs` under a table where the hand-set weights score above "palr (ours)": one line
says why ours stays (chosen on the training-pool cross-validation, not on this table, whose cases are
few). Where ours is ahead, or there is no learned ranker (no hand-set row), nothing is added."""

from __future__ import annotations

from typing import Any

from reclmms.commands.eval import format_report

NOTE = "  note: ours"


def report(ours: float, hand: float | None) -> dict[str, Any]:
    methods = {"palr (ours)": {"map12": ours, "hr12": 0.12}}
    if hand is not None:
        methods["palr, hand-set weights"] = {"map12": hand, "hr12": 0.10}
    methods["repurchase + 14-day popularity"] = {"map12": 0.0357, "hr12": 0.0978}
    primary = {"users": 910, "seconds": 12.5, "methods": methods,
               "vs_best_baseline": {"baseline": "repurchase + 14-day popularity", "ratio": ours / 0.0357,
                                    "ratio_ci95": [0.93, 1.25]}}
    return {"data": "hm-sample", "load_seconds": 1.0, "total_seconds": 40.0, "ranker": "learned",
            "ranker_cv_map12": {"learned": 0.0391, "hand": 0.037, "baseline": 0.0339}, "primary": primary}


def test_hand_set_weights_above_ours_get_one_line_saying_why() -> None:
    lines = format_report(report(0.0387, 0.0404)).splitlines()
    notes = [line for line in lines if line.startswith(NOTE)]
    assert notes == [
        "  note: ours (0.96x the hand-set weights here) was chosen on the training-pool cross-validation, where it "
        "scored MAP@12 0.0391 against their 0.0370, not on this table: 910 customers are few (see the 95% interval "
        "above)"]
    assert lines[-1] == notes[0] and lines[-2].startswith("  ours / best baseline")  # under the table


def test_no_line_when_ours_is_ahead_or_there_is_no_hand_set_row() -> None:
    assert NOTE not in format_report(report(0.0404, 0.0387))
    assert NOTE not in format_report(report(0.0404, 0.0404))
    assert NOTE not in format_report(report(0.0404, None))


def test_the_figures_quoted_are_the_shipped_rankers_own() -> None:
    from catalog.recsys.learned import packaged_ranker
    from catalog.recsys.ranking import FEATURES

    ranker = packaged_ranker(FEATURES)
    assert ranker is not None
    cv = ranker.meta["cv_map12"]
    data = report(0.0387, 0.0404)
    data["ranker_cv_map12"] = cv
    assert f"scored MAP@12 {cv['learned']:.4f} against their {cv['hand']:.4f}" in format_report(data)
    assert cv["learned"] > cv["hand"]  # the reason the note gives for keeping ours


def test_without_the_rankers_figures_the_note_names_no_numbers() -> None:
    data = report(0.0387, 0.0404)
    del data["ranker_cv_map12"]
    note = next(line for line in format_report(data).splitlines() if line.startswith(NOTE))
    assert "cross-validation, not on this table" in note and "scored" not in note
