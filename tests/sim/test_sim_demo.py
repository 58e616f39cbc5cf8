"""`corridor demo` drives its movements as the offices would: customs at departure decide
each screening hit before release (confirmed where the party is the listed entity, then a
physical control; dismissed with a note where it is a namesake)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from corridor import review_service, services
from corridor.bootstrap import Settings, bootstrap
from corridor.screening.review import ReviewState
from corridor.sim.demo import START, SimulatedClock, plan_demo, run_demo
from corridor.store.reviews import ReviewFilter


def test_the_demo_decides_every_hit_before_release(tmp_path: Path) -> None:
    clock = SimulatedClock(START)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'demo.sqlite'}")
    ctx = bootstrap(settings, clock=clock, initialise=True)
    try:
        plan = plan_demo(ctx, 12, seed=94)  # a seed whose plan has a listed party and a namesake
        planted = [t for t in plan.trips if t.scenario == "watch_list_hit"]
        assert {bool(t.listed) for t in planted} == {True, False}
        result = run_demo(ctx, clock, plan)
        items = review_service.list_reviews(ctx, ReviewFilter(limit=1000))
        movements = {i.movement_ref: services.get_movement(ctx, i.movement_ref) for i in items}
    finally:
        ctx.close()
    assert {t.mrn for t in planted} <= set(movements)
    assert {i.state for i in items} == {ReviewState.CONFIRMED, ReviewState.DISMISSED}
    assert result.by_review == Counter(item.state.value for item in items)
    for item in items:
        movement = movements[item.movement_ref]
        assert movement.released_at is not None and item.decided_at is not None
        assert item.decided_at <= movement.released_at and item.note
        if item.state is ReviewState.CONFIRMED:
            assert movement.control == "physical"
