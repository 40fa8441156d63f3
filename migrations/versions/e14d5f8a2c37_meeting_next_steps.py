"""meetings.next_steps: what a champion call agreed to do next (issue 14 item 4)

Revision ID: e14d5f8a2c37
Revises: f15a1c3e5b70
Create Date: 2026-11-29 23:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e14d5f8a2c37'
down_revision = 'f15a1c3e5b70'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_steps', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('next_steps')
