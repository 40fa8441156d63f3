"""action_plans, commitments, progress_notes: a priority area's action plan (issue 14 item 5)

Revision ID: e14d1a7c3b52
Revises: e14c9a2b4d61
Create Date: 2026-11-29 22:34:36.550234

"""
from alembic import op
import sqlalchemy as sa


revision = 'e14d1a7c3b52'
down_revision = 'e14c9a2b4d61'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('action_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priority_area_id', sa.Integer(), nullable=False),
    sa.Column('goal_3_months', sa.Text(), nullable=True),
    sa.Column('goal_12_months', sa.Text(), nullable=True),
    sa.Column('goal_3_years', sa.Text(), nullable=True),
    sa.Column('outcomes', sa.JSON(), nullable=False),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['priority_area_id'], ['priority_areas.id'], name=op.f('fk_action_plans_priority_area_id_priority_areas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_plans')),
    sa.UniqueConstraint('priority_area_id', name=op.f('uq_action_plans_priority_area_id'))
    )
    op.create_table('commitments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priority_area_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('early_win', sa.Boolean(), nullable=False),
    sa.Column('early_win_kind', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("early_win_kind IN ('prototype', 'activity')", name=op.f('ck_commitments_early_win_kind')),
    sa.CheckConstraint("status IN ('open', 'done', 'dropped')", name=op.f('ck_commitments_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_commitments_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['people.id'], name=op.f('fk_commitments_owner_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['priority_area_id'], ['priority_areas.id'], name=op.f('fk_commitments_priority_area_id_priority_areas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitments'))
    )
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitments_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_priority_area_id'), ['priority_area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_status'), ['status'], unique=False)

    op.create_table('progress_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priority_area_id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('noted_on', sa.Date(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_progress_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_progress_notes_commitment_id_commitments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['priority_area_id'], ['priority_areas.id'], name=op.f('fk_progress_notes_priority_area_id_priority_areas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_notes'))
    )
    with op.batch_alter_table('progress_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_notes_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_notes_priority_area_id'), ['priority_area_id'], unique=False)



def downgrade():
    with op.batch_alter_table('progress_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_notes_priority_area_id'))
        batch_op.drop_index(batch_op.f('ix_progress_notes_commitment_id'))

    op.drop_table('progress_notes')
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitments_status'))
        batch_op.drop_index(batch_op.f('ix_commitments_priority_area_id'))
        batch_op.drop_index(batch_op.f('ix_commitments_owner_id'))

    op.drop_table('commitments')
    op.drop_table('action_plans')
