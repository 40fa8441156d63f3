"""Forms for partnerships and their members."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from crm import rules, vocab
from crm.config import default_timezone
from crm.ids import IdField
from crm.timeutil import date_in_range, zone


class PartnershipForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    sector = StringField("Sector", validators=[DataRequired(), Length(max=120)])
    region = StringField("Region (counties, comma-separated)", validators=[Optional(), Length(max=500)])
    timezone = StringField("Time zone", default=default_timezone, validators=[DataRequired(), Length(max=64)])
    stage = SelectField("Stage", choices=dict(vocab.PARTNERSHIP_STAGES), default="scoping")
    launch_target_low = IntegerField("Launch target: aim from", default=rules.LAUNCH_TARGET_LOW,
                                     validators=[NumberRange(1, 1000)])
    launch_target_high = IntegerField("to", default=rules.LAUNCH_TARGET_HIGH,
                                      validators=[NumberRange(1, 1000)])
    launch_minimum = IntegerField("Happy with at least", default=rules.LAUNCH_MINIMUM,
                                  validators=[NumberRange(1, 1000)])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=20000)])

    def validate_timezone(self, field):
        if zone(field.data).key != field.data:
            raise ValidationError(f"Use a time zone name such as {default_timezone()}.")

    def validate_launch_target_high(self, field):
        if self.launch_target_low.data and field.data and field.data < self.launch_target_low.data:
            raise ValidationError("The upper target must not be below the lower one.")


class MemberForm(FlaskForm):
    person_id = IdField("Person", validators=[DataRequired(message="Choose a person.")], message="Choose a person.")
    role = SelectField("Role", choices=dict(vocab.ROLES), default="member")
    stage = SelectField("Stage", choices=dict(vocab.STAGES), default="candidate")


class AddPeopleForm(FlaskForm):
    """People (ticked on the people list, or the one of a person page) into a partnership; the
    person ids come as repeated `person_id` fields, resolved by the view."""

    partnership_id = IdField("Partnership", validators=[DataRequired(message="Choose a partnership.")],
                             message="Choose a partnership.")
    role = SelectField("Role", choices=dict(vocab.ROLES), default="member")
    stage = SelectField("Stage", choices=dict(vocab.STAGES), default="candidate")


class StageForm(FlaskForm):
    """A move along the pipeline; the partnership page also sends a role, the board does not."""

    stage = SelectField("Stage", choices=dict(vocab.STAGES), validators=[InputRequired()])
    role = SelectField("Role", choices=dict(vocab.ROLES), validators=[Optional()])
    reason = StringField("Reason", validators=[Optional(), Length(max=2000)])
    revisit_on = DateField("Revisit on (not now)", validators=[Optional(), date_in_range])
