"""Forms of the launch pages: the champion call of a priority area (who was on it is a list of
`person_id` boxes and one `joined_id` choice, resolved by the view through what the user may see)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from crm.timeutil import date_in_range


class ChampionCallForm(FlaskForm):
    starts_at = DateTimeLocalField("When (the partnership's local time)", format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(message="Give the call's date and time."), date_in_range])
    ends_at = DateTimeLocalField("Ended", format="%Y-%m-%dT%H:%M", validators=[Optional(), date_in_range])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=10000)])
    next_steps = TextAreaField("Next steps (one a line: who does what, by when)",
                               validators=[Optional(), Length(max=10000)])

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError("The call must end after it starts.")
