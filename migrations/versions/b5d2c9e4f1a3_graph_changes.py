"""graph changes: a log of what changed in the graph, so each process catches up on the
changes instead of rebuilding the whole region network after every edit

Revision ID: b5d2c9e4f1a3
Revises: a7c3e1f0b2d4
Create Date: 2026-11-25 16:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b5d2c9e4f1a3'
down_revision = 'a7c3e1f0b2d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('graph_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('a', sa.BigInteger(), nullable=True),
    sa.Column('b', sa.BigInteger(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_graph_changes'))
    )


def downgrade():
    op.drop_table('graph_changes')
