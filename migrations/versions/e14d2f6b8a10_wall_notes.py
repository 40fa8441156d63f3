"""priority_notes belong to the partnership's wall (and the meeting they were written at); the
area is optional: notes are captured first and clustered after (issue 14 item 2)

Revision ID: e14d2f6b8a10
Revises: e14d5f8a2c37
Create Date: 2026-11-29 22:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e14d2f6b8a10'
down_revision = 'e14d5f8a2c37'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('priority_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partnership_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
    op.execute("UPDATE priority_notes SET partnership_id = (SELECT a.partnership_id FROM priority_areas a "
               "WHERE a.id = priority_notes.priority_area_id)")
    with op.batch_alter_table('priority_notes', schema=None) as batch_op:
        batch_op.alter_column('partnership_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('priority_area_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(batch_op.f('fk_priority_notes_priority_area_id_priority_areas'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_priority_notes_priority_area_id_priority_areas'),
                                    'priority_areas', ['priority_area_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_priority_notes_partnership_id_partnerships'),
                                    'partnerships', ['partnership_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_priority_notes_meeting_id_meetings'),
                                    'meetings', ['meeting_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_priority_notes_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_priority_notes_meeting_id'), ['meeting_id'], unique=False)


def downgrade():
    # notes not yet in an area had no place before: they go
    op.execute("DELETE FROM priority_notes WHERE priority_area_id IS NULL")
    with op.batch_alter_table('priority_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priority_notes_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_priority_notes_partnership_id'))
        batch_op.drop_constraint(batch_op.f('fk_priority_notes_meeting_id_meetings'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_priority_notes_partnership_id_partnerships'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_priority_notes_priority_area_id_priority_areas'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_priority_notes_priority_area_id_priority_areas'),
                                    'priority_areas', ['priority_area_id'], ['id'], ondelete='CASCADE')
        batch_op.alter_column('priority_area_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('meeting_id')
        batch_op.drop_column('partnership_id')
