"""server mode: handoffs.posted_at, the claim of a case's post to the advisers' Telegram group (one post per
case with several workers); existing cases count as posted, so none is posted late

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('posted_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE handoffs SET posted_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.drop_column('posted_at')
