"""tasks.kind gains 'reconnect': the plan's step for each invitee who missed the launch

Revision ID: e14c9a2b4d61
Revises: e14b3c5d7f90
Create Date: 2026-11-29 20:50:00

"""
from alembic import op


revision = 'e14c9a2b4d61'
down_revision = 'e14b3c5d7f90'
branch_labels = None
depends_on = None

OLD = ('ask', 'follow_up_call', 'reminder_email', 'send_summary', 'champion_call', 'second_meeting',
       'recruit_one_more', 'thank_you', 'custom')
NEW = ('ask', 'follow_up_call', 'reminder_email', 'send_summary', 'champion_call', 'second_meeting',
       'recruit_one_more', 'reconnect', 'thank_you', 'custom')


def _check(kinds):
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_tasks_kind'), type_='check')
        batch_op.create_check_constraint('kind', _check(NEW))


def downgrade():
    op.execute("DELETE FROM tasks WHERE kind = 'reconnect'")
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_tasks_kind'), type_='check')
        batch_op.create_check_constraint('kind', _check(OLD))
