"""The outreach plan derived from the state, and reconciling saved steps with it: the chairs'
decisions own the asks, proposals only fill, late approvals are asked at once (short notice),
declined or removed people's asks close with the reason, nothing is created twice, and any
sequence of edits ends where building the plan from scratch would."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from crm.outreach import guardrails, plan
from crm.outreach.plan import Asker, Member, State

TODAY = date(2026, 2, 1)
LAUNCH = date(2026, 3, 18)  # 45 days out: asks due 25 Feb
CHAIR, CHAMPION, CONVENER, PARTNER = 1, 2, 5, 6


def _state(**changes) -> State:
    base = State(LAUNCH, members=(Member(CHAIR, "champion", "chair"), Member(CONVENER, "champion", "convener"),
                                  Member(10, "approved"), Member(11, "approved")),
                 chair_ids=(CHAIR,), convener_id=CONVENER)
    return replace(base, **changes)


def _run(saved: dict, state: State, today: date = TODAY) -> tuple[dict, plan.Changes]:
    members = {m.person_id: m for m in state.members}
    changes = plan.reconcile(saved.values(), plan.wanted(state), today, members)
    return plan.apply(saved, changes, today), changes


def test_the_chairs_decision_owns_the_ask_and_a_proposal_only_fills_where_nobody_decided():
    state = _state(decided={10: Asker(CHAIR)}, proposed={10: CHAMPION, 11: CHAMPION})
    saved, _ = _run({}, state)
    assert saved["ask:10"].owner_id == CHAIR and saved["ask:11"].owner_id == CHAMPION
    assert saved["follow_up_call:10"].owner_id == CHAIR


def test_a_later_decision_reassigns_the_open_ask_but_a_new_proposal_does_not():
    saved, _ = _run({}, _state(proposed={10: CHAMPION}))
    saved, changes = _run(saved, _state(proposed={10: 7}))
    assert saved["ask:10"].owner_id == CHAMPION and not changes
    saved, changes = _run(saved, _state(proposed={10: 7}, decided={10: Asker(PARTNER, "Her board seat")}))
    assert changes.update["ask:10"] == {"owner_id": PARTNER, "asker_reason": "Her board seat"}
    assert saved["ask:10"].owner_id == PARTNER and saved["follow_up_call:10"].owner_id == PARTNER


def test_approved_after_the_meeting_is_set_is_asked_at_once_due_per_the_timeline_or_today():
    saved, _ = _run({}, _state())
    late_state = _state(members=_state().members + (Member(12, "approved"),))
    on_time, _ = _run(saved, late_state)
    assert on_time["ask:12"].due == LAUNCH - timedelta(days=21)
    ten_days_before = LAUNCH - timedelta(days=10)
    late, changes = _run(saved, late_state, today=ten_days_before)
    assert [w.key for w, _due in changes.create] == ["ask:12", "follow_up_call:12"]
    assert late["ask:12"].due == ten_days_before
    assert [w.code for w in guardrails.task_warnings("ask", late["ask:12"].due, "open", LAUNCH, TODAY)] \
        == ["short_notice"]
    assert guardrails.task_warnings("ask", late["ask:11"].due, "open", LAUNCH, TODAY) == []
    again, changes = _run(late, late_state, today=ten_days_before + timedelta(days=3))
    assert not changes and again["ask:12"].due == ten_days_before  # stays late, never re-dated


def test_declined_not_now_or_removed_close_open_asks_with_the_reason_and_come_back_when_wanted():
    saved, _ = _run({}, _state())
    members = (Member(CHAIR, "champion", "chair"), Member(10, "not_now", reason="Selling the company"))
    saved, changes = _run(saved, _state(members=members))
    assert changes.close["ask:10"] == ("cancelled", "Not now: Selling the company.")
    assert changes.close["ask:11"] == ("cancelled", "Removed from the partnership.")
    assert saved["ask:10"].status == "cancelled"
    saved, changes = _run(saved, _state())
    assert changes.reopen == {"ask:10", "follow_up_call:10", "ask:11", "follow_up_call:11"}
    assert not changes.create


def test_asked_closes_the_ask_as_done_and_keeps_the_follow_up():
    saved, _ = _run({}, _state())
    members = _state().members[:2] + (Member(10, "asked"), Member(11, "approved"))
    saved, changes = _run(saved, _state(members=members))
    assert changes.close == {"ask:10": ("done", "Now Asked.")}
    assert saved["follow_up_call:10"].status == "open"


def test_steps_a_person_closed_stay_closed_and_nothing_is_created_twice():
    saved, _ = _run({}, _state())
    saved["ask:10"] = replace(saved["ask:10"], status="done")
    saved, changes = _run(saved, _state(members=_state().members[:2]))
    assert "ask:10" not in changes.close and saved["ask:10"].status == "done"
    saved, changes = _run(saved, _state())
    assert "ask:10" not in changes.reopen and not changes.create


def test_moving_the_meeting_moves_open_steps_and_keeps_done_ones():
    saved, _ = _run({}, _state(priority_areas=((100, CHAMPION),)))
    saved["ask:10"] = replace(saved["ask:10"], status="done")
    moved = _state(meeting_day=LAUNCH + timedelta(days=14), priority_areas=((100, CHAMPION),))
    saved, changes = _run(saved, moved)
    assert not changes.create and "ask:10" not in changes.update
    assert saved["ask:11"].due == LAUNCH - timedelta(days=7)
    assert saved["champion_call:100"].due == LAUNCH + timedelta(days=44)


def test_a_hand_picked_owner_stays_against_the_roles_but_not_against_the_chairs():
    saved, _ = _run({}, _state())
    saved["reminder_email"] = replace(saved["reminder_email"], owner_id=CHAMPION, pinned=True)
    saved, changes = _run(saved, _state(chair_ids=(7,)))
    assert saved["reminder_email"].owner_id == CHAMPION and saved["thank_you"].owner_id == 7


def test_an_ask_made_by_hand_is_not_doubled_by_the_plan():
    saved, _ = _run({}, _state(asked_by_hand=frozenset({10})))
    assert "ask:10" not in saved and "follow_up_call:10" in saved and "ask:11" in saved


def test_a_non_employer_asking_an_employer_needs_a_reason():
    assert plan.needs_reason(True, False)
    assert not plan.needs_reason(True, True) and not plan.needs_reason(False, False)
    assert "employer-to-employer" in plan.ASKER_REASON_MESSAGE


# --- any sequence of edits gives the plan built from scratch ------------------------------------

PEOPLE = range(10, 16)
STAGES = ("candidate", "suggested", "approved", "ask_assigned", "asked", "accepted", "declined",
          "not_now", None)
edits = st.one_of(
    st.tuples(st.just("stage"), st.sampled_from(PEOPLE), st.sampled_from(STAGES)),
    st.tuples(st.just("decide"), st.sampled_from(PEOPLE), st.sampled_from((CHAIR, CHAMPION, PARTNER))),
    st.tuples(st.just("area"), st.sampled_from((100, 101)), st.sampled_from((None, CHAMPION, CHAIR, "gone"))),
    st.tuples(st.just("attend"), st.sampled_from(PEOPLE), st.booleans()),
    st.tuples(st.just("meeting"), st.integers(-30, 60), st.none()),
    st.tuples(st.just("chairs"), st.sampled_from(((CHAIR,), (CHAIR, CHAMPION), ())), st.none()),
    st.tuples(st.just("convener"), st.sampled_from((CONVENER, PARTNER)), st.none()),
    st.tuples(st.just("held"), st.sampled_from(("second_meeting", "champion_call:100")), st.booleans()),
)


def _edit(state: State, edit) -> State:
    what, a, b = edit
    if what == "stage":
        members = tuple(m for m in state.members if m.person_id != a)
        return replace(state, members=members + ((Member(a, b, reason="why"),) if b else ()))
    if what == "decide":
        return replace(state, decided={**state.decided, a: Asker(b, "why" if b == PARTNER else None)})
    if what == "area":
        areas = tuple(x for x in state.priority_areas if x[0] != a)
        return replace(state, priority_areas=areas + (() if b == "gone" else ((a, b),)))
    if what == "attend":
        ids = set(state.attendee_ids) - {a} | ({a} if b else set())
        return replace(state, attendee_ids=tuple(sorted(ids)))
    if what == "meeting":
        return replace(state, meeting_day=LAUNCH + timedelta(days=a))
    if what == "chairs":
        return replace(state, chair_ids=a)
    if what == "held":
        fulfilled = {k: v for k, v in state.fulfilled.items() if k != a}
        return replace(state, fulfilled={**fulfilled, a: "Held."} if b else fulfilled)
    return replace(state, convener_id=a)


def _open(saved: dict) -> dict:
    return {k: (s.due, s.owner_id, s.asker_reason) for k, s in saved.items() if s.status == "open"}


@settings(max_examples=300, deadline=None)
@given(st.lists(edits, max_size=25), st.dictionaries(st.sampled_from(PEOPLE), st.sampled_from((CHAIR, 7))))
def test_any_sequence_of_edits_gives_the_plan_built_from_scratch(sequence, proposed):
    state = _state(proposed=proposed)
    saved, _ = _run({}, state)
    for edit in sequence:
        state = _edit(state, edit)
        saved, _ = _run(saved, state)
    scratch, _ = _run({}, state)
    assert _open(saved) == _open(scratch)
    _again, changes = _run(saved, state)
    assert not changes  # idempotent
