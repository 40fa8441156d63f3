"""What the scheduler puts in the outbox: the daily digest of due and overdue tasks per asker,
the escalation of overdue asks to the partnership's conveners, reminders before meetings.

Each message's idempotency key names what it is about and the day (or the meeting time), so
running a job twice, after a restart or a misfire, queues nothing new. Flush only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm import prose, rules, vocab
from crm.accounts.models import PartnershipAccess, User
from crm.contacts.models import Person
from crm.extensions import db
from crm.outreach import letters, mail
from crm.outreach.models import Task
from crm.partnerships.models import Invitation, Meeting, Partnership
from crm.timeutil import as_utc, local, utcnow


def digest_day(config: dict, now: datetime | None = None) -> date:
    """The digest's day, in the install's default partnership zone."""
    return local(now or utcnow(), config.get("PARTNERSHIP_DEFAULT_TIMEZONE")).date()


def _recipients(person_ids: set[int]) -> dict[int, tuple[str, str, int | None]]:
    """person id -> (email, name, user id): the linked account's email, else the person's."""
    found: dict[int, tuple[str, str, int | None]] = {}
    ids = list(person_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for pid, email, name in db.session.execute(
                select(Person.id, Person.email, Person.name).where(Person.id.in_(chunk))):
            if email:
                found[pid] = (email, name, None)
        for pid, email, name, uid in db.session.execute(
                select(User.person_id, User.email, User.name, User.id)
                .where(User.person_id.in_(chunk), User.active.is_(True))):
            found[pid] = (email, found.get(pid, (None, name))[1] or name, uid)
    return found


def queue_digests(config: dict, now: datetime | None = None) -> int:
    """One digest per owner with open tasks due today or overdue; returns how many were queued."""
    day = digest_day(config, now)
    rows = db.session.execute(
        select(Task.id, Task.owner_id, Task.kind, Task.due, Task.title, Person.name, Partnership.name)
        .join(Partnership, Partnership.id == Task.partnership_id)
        .outerjoin(Person, Person.id == Task.person_id)
        .where(Task.status == "open", Task.due <= day, Task.owner_id.is_not(None),
               Partnership.archived_at.is_(None))
        .order_by(Task.owner_id, Task.due, Task.id)
    ).all()
    by_owner: dict[int, list] = defaultdict(list)
    for row in rows:
        by_owner[row[1]].append(row)
    keys = {owner: f"digest:{owner}:{day.isoformat()}" for owner in by_owner}
    done = mail.existing_keys(list(keys.values()))
    todo = [o for o in by_owner if keys[o] not in done]
    recipients = _recipients(set(todo))
    kinds = dict(vocab.TASK_KINDS)
    letters_for = _letters([r[0] for o in todo if o in recipients and recipients[o][2] is None
                            for r in by_owner[o] if r[2] == "ask"])
    rows = []
    for owner in todo:
        if owner not in recipients:
            continue
        email, name, user_id = recipients[owner]
        items = by_owner[owner]
        today = [r for r in items if r[3] == day]
        overdue = [r for r in items if r[3] < day]
        lines = [f"Hello {prose.first_name(name)},", "", f"Your outreach for {day:%A %d %B %Y}:"]
        for title, group in (("Due today", today), ("Overdue", overdue)):
            if group:
                lines += ["", f"{title} ({len(group)}):"]
                lines += [f"  - {kinds.get(r[2], r[2])}{': ' + r[5] if r[5] else ''}"
                          f"{' (' + r[4] + ')' if r[4] else ''} - {r[6]}, due {r[3]:%d %b}" for r in group]
        if user_id is not None:
            lines += ["", "Mark them done in Convene under My tasks."]
        else:  # no account: the page would not open for them, so the digest carries the letters
            ready = [letters_for[r[0]] for r in items if r[0] in letters_for]
            if ready:
                lines += ["", "Your invitation letters, ready to send from your own email:"]
                for to, letter in ready:
                    lines += ["", "-" * 60, f"To: {to}", f"Subject: {letter.subject}", "", letter.body.rstrip()]
                lines += ["-" * 60]
            lines += ["", "When you have made an ask, tell your convener how it went; they record it."]
        subject = f"Your outreach today: {len(today)} due, {len(overdue)} overdue"
        rows.append(mail.message_row(keys[owner], email, subject, "\n".join(lines), to_person_id=owner,
                                     to_user_id=user_id, now=now))
    return mail.enqueue_many(rows)


def _letters(task_ids: list[int]) -> dict[int, tuple[str, letters.Letter]]:
    """task id -> (whom it goes to, the invitation letter) for these asks, rendered from each
    partnership's template (the workbook's sample where the saved one does not render). Loads
    everything first, then renders each partnership's letters in one bounded process, outside
    any transaction."""
    asks: dict[int, list[tuple[int, str, dict]]] = defaultdict(list)  # partnership -> its asks
    templates: dict[int, tuple[str, str]] = {}
    for i in range(0, len(task_ids), 500):
        tasks = db.session.scalars(select(Task).where(Task.id.in_(task_ids[i:i + 500]))
                                   .options(selectinload(Task.person), selectinload(Task.owner))).all()
        meeting_ids = {t.meeting_id for t in tasks if t.meeting_id}
        meetings = {m.id: m for m in db.session.scalars(
            select(Meeting).where(Meeting.id.in_(meeting_ids or [-1]))
            .options(selectinload(Meeting.chairs), selectinload(Meeting.host)))}
        for task in tasks:
            if task.person is None:
                continue
            if task.partnership_id not in templates:
                templates[task.partnership_id] = letters.template_for(task.partnership_id)
            to = task.person.name + (f" <{task.person.email}>" if task.person.email else "")
            asks[task.partnership_id].append((task.id, to, letters.fields_for(task, meetings.get(task.meeting_id))))
    found: dict[int, tuple[str, letters.Letter]] = {}
    for partnership_id, group in asks.items():
        rendered = letters.render_many(*templates[partnership_id], [fields for _id, _to, fields in group])
        failed = [(ask, n) for n, ask in enumerate(group) if isinstance(rendered[n], letters.LetterError)]
        if failed:
            fallback = letters.render_many(letters.DEFAULT_SUBJECT, letters.DEFAULT_BODY,
                                           [ask[2] for ask, _n in failed])
            for (_ask, n), letter in zip(failed, fallback, strict=True):
                rendered[n] = letter
        for (task_id, to, _fields), letter in zip(group, rendered, strict=True):
            if isinstance(letter, letters.Letter):
                found[task_id] = (to, letter)
    return found


def queue_escalations(config: dict, now: datetime | None = None) -> int:
    """Overdue asks, once a day, to each convener of the partnership (admins if it has none)."""
    day = digest_day(config, now)
    asks = db.session.scalars(
        select(Task).where(Task.kind == "ask", Task.status == "open", Task.due < day)
        .options(selectinload(Task.person), selectinload(Task.owner))
        .order_by(Task.partnership_id, Task.due)
    ).all()
    by_partnership: dict[int, list[Task]] = defaultdict(list)
    for task in asks:
        by_partnership[task.partnership_id].append(task)
    queued = 0
    for partnership_id, tasks in by_partnership.items():
        partnership = db.session.get(Partnership, partnership_id)
        conveners = db.session.scalars(
            select(User).join(PartnershipAccess, PartnershipAccess.user_id == User.id)
            .where(PartnershipAccess.partnership_id == partnership_id, User.role == "convener",
                   User.active.is_(True))).all() or db.session.scalars(
            select(User).where(User.role == "admin", User.active.is_(True))).all()
        lines = [f"{prose.plural(len(tasks), 'ask')} in {partnership.name} "
                 f"{'is' if len(tasks) == 1 else 'are'} overdue:", ""]
        lines += [f"  - {t.person.name if t.person else 'someone'}: asker "
                  f"{t.owner.name if t.owner else 'not assigned'}, due {t.due:%d %b}" for t in tasks]
        lines += ["", "The workbook: invitations go out at least 3-4 weeks before the launch, "
                      "with follow-up calls. Reassign or follow up in Convene."]
        for user in conveners:
            if mail.enqueue(f"escalation:{partnership_id}:{user.id}:{day.isoformat()}", user.email,
                            f"Overdue asks in {partnership.name}: {len(tasks)}", "\n".join(lines),
                            to_user_id=user.id, now=now):
                queued += 1
    db.session.flush()
    return queued


def queue_meeting_reminders(config: dict, now: datetime | None = None) -> int:
    """A reminder to each invitee who has not declined, `meeting_reminder_days` before."""
    now = now or utcnow()
    horizon = now + timedelta(days=rules.TIMELINE.meeting_reminder_days)
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.starts_at > now, Meeting.starts_at <= horizon)
        .options(selectinload(Meeting.invitations).selectinload(Invitation.person),
                 selectinload(Meeting.partnership))).all()
    queued = 0
    for meeting in meetings:
        when = local(meeting.starts_at, meeting.partnership.timezone)
        stamp = as_utc(meeting.starts_at).strftime("%Y%m%dT%H%M")
        title = meeting.title or vocab.label(vocab.MEETING_KINDS, meeting.kind)
        for invitation in meeting.invitations:
            person = invitation.person
            if invitation.response == "declined" or not person.email or person.archived_at:
                continue
            body = (f"Dear {person.name},\n\nA reminder: {title} of {meeting.partnership.name} is on "
                    f"{when:%A %d %B at %H:%M} ({when.tzname()})"
                    f"{' at ' + meeting.location if meeting.location else ''}.\n\nWe look forward to seeing you.")
            if mail.enqueue(f"meeting-reminder:{meeting.id}:{person.id}:{stamp}", person.email,
                            f"Reminder: {title}, {when:%d %B}", body, to_person_id=person.id, now=now):
                queued += 1
    db.session.flush()
    return queued
