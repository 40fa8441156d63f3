"""priority_notes: the launch wall's opportunities and requirements, per priority area

Revision ID: e14b3c5d7f90
Revises: e14a7d00c0a1
Create Date: 2026-11-29 20:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e14b3c5d7f90'
down_revision = 'e14a7d00c0a1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('priority_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priority_area_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('opportunity', 'requirement')", name=op.f('ck_priority_notes_kind')),
    sa.ForeignKeyConstraint(['priority_area_id'], ['priority_areas.id'], name=op.f('fk_priority_notes_priority_area_id_priority_areas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_notes'))
    )
    with op.batch_alter_table('priority_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priority_notes_priority_area_id'), ['priority_area_id'], unique=False)


def downgrade():
    with op.batch_alter_table('priority_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priority_notes_priority_area_id'))
    op.drop_table('priority_notes')
