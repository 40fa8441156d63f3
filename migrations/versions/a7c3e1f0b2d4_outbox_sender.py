"""outbox: the sender's display name and reply-to (invitations go out from the asker's name)

Revision ID: a7c3e1f0b2d4
Revises: 2c788dc3ec7f
Create Date: 2026-11-25 13:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a7c3e1f0b2d4'
down_revision = '2c788dc3ec7f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('from_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('reply_to', sa.String(length=320), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('reply_to')
        batch_op.drop_column('from_name')
