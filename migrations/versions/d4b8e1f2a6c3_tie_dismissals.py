"""tie dismissals: suggested ties (colleagues, co-attendees) a convener dismissed

Revision ID: d4b8e1f2a6c3
Revises: d4b8e1f6a2c7
Create Date: 2026-11-29 19:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd4b8e1f2a6c3'
down_revision = 'd4b8e1f6a2c7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tie_dismissals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_a_id', sa.Integer(), nullable=False),
    sa.Column('person_b_id', sa.Integer(), nullable=False),
    sa.Column('dismissed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dismissed_by_id'], ['users.id'], name=op.f('fk_tie_dismissals_dismissed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_a_id'], ['people.id'], name=op.f('fk_tie_dismissals_person_a_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_b_id'], ['people.id'], name=op.f('fk_tie_dismissals_person_b_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tie_dismissals')),
    sa.UniqueConstraint('person_a_id', 'person_b_id', name='uq_tie_dismissals_pair')
    )
    with op.batch_alter_table('tie_dismissals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tie_dismissals_person_b_id'), ['person_b_id'], unique=False)


def downgrade():
    with op.batch_alter_table('tie_dismissals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tie_dismissals_person_b_id'))
    op.drop_table('tie_dismissals')
