"""the outreach plan reconciled from the state: tasks remember a hand-picked owner and why
the plan closed them; meetings remember when their date was set (the notice it gave)

Revision ID: d4b8e1f6a2c7
Revises: c3a9d7e2b1f4
Create Date: 2026-11-29 19:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd4b8e1f6a2c7'
down_revision = 'c3a9d7e2b1f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_pinned', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('closed_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('date_set_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE meetings SET date_set_at = created_at")
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.alter_column('date_set_at', existing_type=sa.DateTime(timezone=True), nullable=False)
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.alter_column('owner_pinned', existing_type=sa.Boolean(), server_default=None)


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('date_set_at')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('closed_reason')
        batch_op.drop_column('owner_pinned')
