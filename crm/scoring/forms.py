"""Forms of the scoring feature: a trait assessment, a review decision."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from crm import vocab
from crm.ids import IdField, coerce_id
from crm.timeutil import date_in_range


class AssessmentForm(FlaskForm):
    trait = SelectField("Trait", choices=dict(vocab.TRAITS),
                        validators=[InputRequired(message="Choose a trait.")])
    rating = SelectField("Rating", choices=dict(vocab.RATINGS), coerce=int, default=2,
                         validators=[InputRequired(message="Choose a rating.")])
    evidence = TextAreaField("Evidence (what you saw)", validators=[Optional(), Length(max=4000)])


class ReviewForm(FlaskForm):
    """One decision on one or several suggested invitees (a card or the batch bar)."""

    person_id = SelectMultipleField("People", coerce=coerce_id, validate_choice=False,
                                    validators=[InputRequired(message="Choose at least one person.")])
    decision = SelectField("Decision", choices=dict(vocab.REVIEW_DECISIONS),
                           validators=[InputRequired(message="Choose a decision.")])
    reason = StringField("Reason", validators=[Optional(), Length(max=2000)])
    asker_id = IdField("Who should ask", validators=[Optional()], message="Choose who should ask.")
    revisit_on = DateField("Revisit on", validators=[Optional(), date_in_range])
