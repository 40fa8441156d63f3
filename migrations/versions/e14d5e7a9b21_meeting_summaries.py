"""meeting_summaries: the launch summary as edited (subject, text, version) and its first send

Revision ID: e14d5e7a9b21
Revises: e14d1a7c3b52
Create Date: 2026-11-29 22:35:51.911129

"""
from alembic import op
import sqlalchemy as sa


revision = 'e14d5e7a9b21'
down_revision = 'e14d1a7c3b52'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_summaries_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_meeting_summaries_sent_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_meeting_summaries_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_summaries')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_meeting_summaries_meeting_id'))
    )


def downgrade():
    op.drop_table('meeting_summaries')
