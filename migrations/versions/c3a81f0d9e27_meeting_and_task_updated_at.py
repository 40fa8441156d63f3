"""meetings and tasks remember their last change (calendar DTSTAMP / LAST-MODIFIED)

Revision ID: c3a81f0d9e27
Revises: c3a9d7e2f5b1
Create Date: 2026-11-29 19:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3a81f0d9e27'
down_revision = 'c3a9d7e2f5b1'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('meetings', 'tasks'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        # the best known last change of an existing row is its creation
        op.execute(f"UPDATE {table} SET updated_at = created_at")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('updated_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    for table in ('tasks', 'meetings'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('updated_at')
