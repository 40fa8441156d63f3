"""Forms of the outreach pages: meetings, moving them, tasks, asks and the letter template."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from crm import vocab
from crm.ids import IdField, coerce_id
from crm.timeutil import date_in_range


def _optional_id(value):
    """An optional id select: blank is None, anything else must be an id."""
    if value in (None, "", "None"):
        return None
    return coerce_id(value)


class MeetingForm(FlaskForm):
    """A meeting: when (start, end), where, who chairs it (the workbook's 1-3) and which
    employer hosts it; the view fills the chairs' and hosts' choices from the partnership."""

    kind = SelectField("Kind", choices=dict(vocab.MEETING_KINDS), default="launch")
    starts_at = DateTimeLocalField("Starts (partnership's local time)", format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(message="Choose the date and time."), date_in_range])
    ends_at = DateTimeLocalField("Ends", format="%Y-%m-%dT%H:%M", validators=[Optional(), date_in_range])
    title = StringField("Title", validators=[Optional(), Length(max=300)])
    location = StringField("Place (host employer's facility)", validators=[Optional(), Length(max=300)])
    host_organisation_id = SelectField("Host organisation (an employer)", coerce=_optional_id,
                                       validators=[Optional()])
    chair_ids = SelectMultipleField("Chairs (1-3 employer chairs sign the invitation)", coerce=coerce_id,
                                    validate_choice=False, validators=[Optional()])

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError("The meeting must end after it starts.")


class MoveMeetingForm(FlaskForm):
    # its own id: the meeting page shows it beside the details form's starts_at, and a label
    # pointing at the other's box moved nothing (the same name is posted)
    starts_at = DateTimeLocalField("New start", format="%Y-%m-%dT%H:%M", id="move-starts_at",
                                   validators=[DataRequired(message="Choose the new date and time."), date_in_range])


class TaskForm(FlaskForm):
    kind = SelectField("Kind", choices=dict(vocab.TASK_KINDS), default="custom")
    title = StringField("What", validators=[Optional(), Length(max=300)])
    due = DateField("Due", validators=[DataRequired(message="Choose a due date."), date_in_range])
    person_id = IdField("For person", validators=[Optional()], message="Choose a person.")


class OwnTaskForm(FlaskForm):
    """A task of one's own: what, for whom (optional), who does it, by when."""

    title = StringField("What", validators=[DataRequired(message="Say what is to be done."), Length(max=300)])
    person_id = IdField("For whom", validators=[Optional()], message="Choose a person.")
    owner_id = IdField("Who does it", validators=[DataRequired(message="Choose who does it.")],
                       message="Choose who does it.")
    due = DateField("Due", validators=[DataRequired(message="Choose a due date."), date_in_range])


class CompleteTaskForm(FlaskForm):
    status = SelectField("Status", choices=dict(vocab.TASK_STATUSES), default="done")
    outcome = SelectField("Outcome", choices={"": "-", **dict(vocab.TASK_OUTCOMES)}, default="")
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=10000)])
    referred_name = StringField("Referred person's name", validators=[Optional(), Length(max=200)])
    referred_email = EmailField("Their email", validators=[Optional(), Email(), Length(max=320)])


class AssignForm(FlaskForm):
    owner_id = IdField("Asker", validators=[Optional()], message="Choose an asker.")
    asker_reason = TextAreaField("Why not employer-to-employer", validators=[Optional(), Length(max=2000)])


class LetterForm(FlaskForm):
    subject = StringField("Subject", validators=[DataRequired(message="A subject, please."), Length(max=300)])
    body = TextAreaField("Letter", validators=[DataRequired(message="The letter is empty."), Length(max=20000)])
