"""health_notes: the convener's grant game and turf trap notes (issue 15)

Revision ID: f15a1c3e5b70
Revises: e14d5e7a9b21
Create Date: 2026-11-29 22:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f15a1c3e5b70'
down_revision = 'e14d5e7a9b21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('health_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('noted_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('cleared_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("code IN ('grant_game', 'turf_trap')", name=op.f('ck_health_notes_code')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_health_notes_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_health_notes_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_notes'))
    )
    with op.batch_alter_table('health_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_health_notes_partnership_id'), ['partnership_id'], unique=False)


def downgrade():
    with op.batch_alter_table('health_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_health_notes_partnership_id'))
    op.drop_table('health_notes')
