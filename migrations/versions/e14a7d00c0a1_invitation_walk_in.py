"""invitations.walk_in: people added at the launch's door (never an invited no-show)

Revision ID: e14a7d00c0a1
Revises: d4b8e1f2a6c3
Create Date: 2026-11-29 20:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e14a7d00c0a1'
down_revision = 'd4b8e1f2a6c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('walk_in', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.alter_column('walk_in', existing_type=sa.Boolean(), server_default=None)


def downgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('walk_in')
