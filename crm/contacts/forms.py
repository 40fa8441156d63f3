"""Forms for people and organisations, with field-level validation messages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from crm import vocab
from crm.ids import IdField, parse_count, parse_id


class OrganisationForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=dict(vocab.ORG_KINDS), default="employer")
    sector = StringField("Sector", validators=[Optional(), Length(max=120)])
    naics = StringField("NAICS code", validators=[
        Optional(), Regexp(r"^\d{2,6}$", message="A NAICS code is 2 to 6 digits.")])
    county = StringField("County", validators=[Optional(), Length(max=120)])
    city = StringField("City", validators=[Optional(), Length(max=120)])
    size = SelectField("Size", choices={"": "(unknown)", **dict(vocab.SIZES)}, default="")
    website = StringField("Website", validators=[Optional(), Length(max=300)])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=20000)])
    version = HiddenField()

    def validate_website(self, field):
        value = (field.data or "").strip()
        if value and not value.lower().startswith(("http://", "https://")):
            raise ValidationError("A website starts with http:// or https://.")


class PersonForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    title = StringField("Title", validators=[Optional(), Length(max=200)])
    organisation_id = SelectField("Organisation", coerce=int, validate_choice=True)
    email = EmailField("Email", validators=[Optional(), Email(check_deliverability=False,
                                                              message="That is not an email address."),
                                            Length(max=320)])
    phone = StringField("Phone", validators=[
        Optional(), Length(max=60),
        Regexp(r"^[0-9+().\-\s/xext]*$", message="Digits, spaces and + ( ) - . only.")])
    tags = StringField("Tags", description="Comma-separated, e.g. United Way board, Rotary",
                       validators=[Optional(), Length(max=1000)])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=20000)])
    version = HiddenField()


class SearchArgs:
    """The people list's query-string arguments, parsed and bounded."""

    SORTS = {"name", "-name", "organisation", "-organisation", "updated", "-updated"}

    def __init__(self, args):
        self.q = (args.get("q") or "").strip()[:200]
        self.side = args.get("side") if args.get("side") in vocab.values(vocab.SIDES) else ""
        self.kind = args.get("kind") if args.get("kind") in vocab.values(vocab.ORG_KINDS) else ""
        self.sector = (args.get("sector") or "").strip()[:120]
        self.county = (args.get("county") or "").strip()[:120]
        self.tag = (args.get("tag") or "").strip()[:80]
        self.stage = args.get("stage") if args.get("stage") in vocab.values(vocab.STAGES) else ""
        self.partnership = parse_id(args.get("partnership")) or 0
        self.sort = args.get("sort") if args.get("sort") in self.SORTS else "name"
        self.page = parse_count(args.get("page"), default=1, maximum=100000)
        self.archived = args.get("archived") == "1"

    def as_dict(self, **changes) -> dict:
        data = {k: v for k, v in vars(self).items() if v not in ("", 0, False, None)}
        data.update(changes)
        return {k: v for k, v in data.items() if v not in ("", 0, False, None)}


class TieForm(FlaskForm):
    kind = SelectField("Kind", choices=dict(vocab.TIE_KINDS), default="knows")
    other_id = IdField("Person", validators=[DataRequired(message="Choose a person.")], message="Choose a person.")
    strength = SelectField("Strength", coerce=int, choices=dict(vocab.STRENGTHS), default=2)
    context = StringField("Context", validators=[Optional(), Length(max=2000)])
