"""The lifecycle table: every transition allowed works, every other one is refused,
every state is reachable, and no sequence of actions reaches an illegal state."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import IllegalTransition, PreconditionFailed, ScreeningHitsOpen
from corridor.domain.lifecycle import (
    FINAL_STATES,
    HELD_BY_OPEN_HITS,
    TRANSITIONS,
    Action,
    MovementState,
    Transition,
    actions_from,
    transition_for,
)
from corridor.domain.network import Corridor
from lifecycle_harness import drive_to, fire, open_new, path_to

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
ON_THE_ROAD = {
    MovementState.RELEASED,
    MovementState.IN_TRANSIT,
    MovementState.INCIDENT,
    MovementState.OVERDUE,
    MovementState.UNDER_ENQUIRY,
    MovementState.ARRIVED,
}


@pytest.mark.parametrize("state", list(MovementState))
def test_every_state_is_reachable(
    state: MovementState, tripp: Corridor, declaration: TransitDeclaration
) -> None:
    movement = drive_to(tripp, declaration, T0, state)
    assert movement.state is state
    assert movement.version == len(path_to(state))


@pytest.mark.parametrize(
    "transition",
    [t for t in TRANSITIONS if t.source is not None],
    ids=lambda t: f"{t.source}-{t.action}",
)
def test_every_allowed_transition_works(
    transition: Transition, tripp: Corridor, declaration: TransitDeclaration
) -> None:
    assert transition.source is not None
    before = drive_to(tripp, declaration, T0, transition.source)
    after, event = fire(tripp, before, transition.action)
    assert after.state is (transition.target or transition.source)
    assert after.version == before.version + 1
    assert (event.action, event.source, event.target) == (
        transition.action,
        before.state,
        after.state,
    )
    assert event.sequence == after.version


@pytest.mark.parametrize(
    "transition",
    [t for t in TRANSITIONS if t.source is not None],
    ids=lambda t: f"{t.source}-{t.action}",
)
def test_open_screening_hits_hold_back_release_and_nothing_else(
    transition: Transition, tripp: Corridor, declaration: TransitDeclaration
) -> None:
    assert transition.source is not None
    before = drive_to(tripp, declaration, T0, transition.source)
    if transition.action not in HELD_BY_OPEN_HITS:
        after, _ = fire(tripp, before, transition.action, open_hits=2)
        assert after.state is (transition.target or transition.source)
        return
    with pytest.raises(ScreeningHitsOpen) as held:
        fire(tripp, before, transition.action, open_hits=2)
    assert held.value.open_hits == 2 and "2 screening hits are still open" in held.value.detail
    assert fire(tripp, before, transition.action, open_hits=0)[0].state is transition.target


def test_release_is_the_one_way_out_of_departure_that_open_hits_hold() -> None:
    """Of the departure office's rows, those that let the goods go (to released) are
    exactly the ones the open hits hold back."""
    leaving = {t.action for t in TRANSITIONS if t.target is MovementState.RELEASED}
    assert leaving == HELD_BY_OPEN_HITS == {Action.RELEASE}


REFUSED = [
    (state, action)
    for state in MovementState
    for action in Action
    if action not in actions_from(state) and action not in (Action.LODGE, Action.PRE_LODGE)
]


@pytest.mark.parametrize("state_action", REFUSED, ids=lambda sa: f"{sa[0]}-{sa[1]}")
def test_every_other_action_is_refused_naming_state_and_action(
    state_action: tuple[MovementState, Action], tripp: Corridor, declaration: TransitDeclaration
) -> None:
    state, action = state_action
    movement = drive_to(tripp, declaration, T0, state)
    with pytest.raises(IllegalTransition) as refused:
        fire(tripp, movement, action)
    assert (refused.value.state, refused.value.action) == (str(state), str(action))
    assert str(state) in str(refused.value) and str(action) in str(refused.value)


def test_lodging_only_creates() -> None:
    for state in MovementState:
        for action in (Action.LODGE, Action.PRE_LODGE):
            with pytest.raises(IllegalTransition):
                transition_for(state, action)


def test_final_states_have_no_way_out() -> None:
    for state in FINAL_STATES:  # a remembered dismissal may be revoked whatever the state
        assert actions_from(state) == (Action.REVOKE_DISMISSAL,)
        assert transition_for(state, Action.REVOKE_DISMISSAL).target is None
    for state in set(MovementState) - FINAL_STATES:
        assert actions_from(state), f"{state} is a dead end but not final"


def test_table_has_one_row_per_state_and_action() -> None:
    keys = [(t.source, t.action) for t in TRANSITIONS]
    assert len(keys) == len(set(keys))


class MovementMachine(RuleBasedStateMachine):
    """Fire any action in any order; the movement only ever goes where the table says."""

    corridor: Corridor
    declaration: TransitDeclaration

    def __init__(self) -> None:
        super().__init__()
        self.movement = open_new(self.corridor, self.declaration, T0)
        self.history = [MovementState.LODGED]

    @rule(action=st.sampled_from([a for a in Action if a not in (Action.LODGE, Action.PRE_LODGE)]))
    def take(self, action: Action) -> None:
        before = self.movement
        if action not in actions_from(before.state):
            with pytest.raises(IllegalTransition):
                fire(self.corridor, before, action)
            return
        try:
            after, event = fire(self.corridor, before, action)
        except PreconditionFailed:  # e.g. every checkpoint already passed
            return
        expected = transition_for(before.state, action).target or before.state
        assert after.state is expected and event.target is expected
        self.movement = after
        self.history.append(after.state)

    @invariant()
    def consistent(self) -> None:
        movement = self.movement
        assert movement.version == len(self.history)
        if movement.state in ON_THE_ROAD:
            assert movement.seals and movement.time_limit and movement.released_at
        if movement.state in FINAL_STATES:
            assert movement.closed_at is not None
        if movement.state is MovementState.INCIDENT:
            assert movement.open_incident is not None
        if movement.state is MovementState.IN_TRANSIT:
            assert movement.passages or movement.incidents
        passed = [p.office for p in movement.passages]
        assert len(passed) == len(set(passed)) and set(passed) <= set(movement.en_route)


@pytest.mark.slow
def test_no_sequence_of_actions_reaches_an_illegal_state(
    tripp: Corridor, declaration: TransitDeclaration
) -> None:
    MovementMachine.corridor = tripp
    MovementMachine.declaration = declaration
    machine = MovementMachine.TestCase
    machine.settings = settings(
        max_examples=150,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    machine().runTest()
