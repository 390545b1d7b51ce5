"""the knowledge base's change journal: kb_changes holds, for each move of the version counter, the chunk ids whose
vectors were written or deleted, so a worker follows another's write by reading only those vectors

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kb_changes',
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('added', sa.Text(), nullable=False),
    sa.Column('removed', sa.Text(), nullable=False),
    sa.Column('everything', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('version')
    )


def downgrade() -> None:
    op.drop_table('kb_changes')
