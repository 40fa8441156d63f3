"""Sign-in, first-account, password and user-administration forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from crm import vocab

MIN_PASSWORD = 10


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me signed in on this device")


class FirstAccountForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False),
                                            Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)])
    confirm = PasswordField("Repeat password", validators=[EqualTo("password", "Passwords differ.")])


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField("New password", validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)])
    confirm = PasswordField("Repeat new password", validators=[EqualTo("password", "Passwords differ.")])


class UserForm(FlaskForm):
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False),
                                            Length(max=320)])
    password = PasswordField("Initial password", validators=[DataRequired(),
                                                             Length(min=MIN_PASSWORD, max=200)])
    role = SelectField("Role", choices=dict(vocab.USER_ROLES), default="viewer")
    partnerships = SelectMultipleField("Partnerships", coerce=int, validate_choice=True)
    person_id = SelectField("Linked person (chairs)", coerce=int, validate_choice=True)


class UserEditForm(FlaskForm):
    """What an administrator changes of an existing account."""

    name = StringField("Name", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=dict(vocab.USER_ROLES))
    partnerships = SelectMultipleField("Partnerships", coerce=int, validate_choice=True)
    person_id = SelectField("Linked person (chairs)", coerce=int, validate_choice=True)


class ResetLinkForm(FlaskForm):
    send = BooleanField("Also email the link to the user (through the outbox)")


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)])
    confirm = PasswordField("Repeat new password", validators=[EqualTo("password", "Passwords differ.")])
