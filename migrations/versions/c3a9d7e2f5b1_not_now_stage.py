"""not now: its own pipeline stage (with an optional date to revisit), distinct from declined

The chairs' review used to move "not now" to `declined`, though nobody had asked them. Rows
whose newest review decision is "not now" and whose stage is still `declined` move to
`not_now` (workbook section B: "declined" is an answer to an ask; "not now" is not).

Revision ID: c3a9d7e2f5b1
Revises: b5d2c9e4f1a3
Create Date: 2026-11-29 19:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c3a9d7e2f5b1'
down_revision = 'b5d2c9e4f1a3'
branch_labels = None
depends_on = None

OLD = ('candidate', 'suggested', 'approved', 'ask_assigned', 'asked', 'accepted', 'declined',
       'attended', 'champion')
NEW = OLD + ('not_now',)


def _check(stages):
    return "stage IN (" + ", ".join(f"'{s}'" for s in stages) + ")"


def upgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revisit_on', sa.Date(), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_memberships_stage'), type_='check')
        batch_op.create_check_constraint('stage', _check(NEW))
    # the newest decision on each (partnership, person) says "not now" and nobody asked since
    op.execute("""
        UPDATE memberships SET stage = 'not_now'
        WHERE stage = 'declined' AND EXISTS (
            SELECT 1 FROM review_decisions d
            WHERE d.partnership_id = memberships.partnership_id
              AND d.person_id = memberships.person_id
              AND d.decision = 'not_now'
              AND d.id = (SELECT max(d2.id) FROM review_decisions d2
                          WHERE d2.partnership_id = d.partnership_id AND d2.person_id = d.person_id))
    """)


def downgrade():
    op.execute("UPDATE memberships SET stage = 'declined' WHERE stage = 'not_now'")
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_memberships_stage'), type_='check')
        batch_op.create_check_constraint('stage', _check(OLD))
        batch_op.drop_column('revisit_on')
