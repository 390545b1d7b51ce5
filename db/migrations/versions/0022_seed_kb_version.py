"""the knowledge base's version counter has its row from the start (kb_meta 'kb_version', value '' = no write yet),
so the first write of two workers at once moves an existing row under its lock instead of both inserting it (on
PostgreSQL the second insert met a duplicate key)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("INSERT INTO kb_meta (key, value) SELECT 'kb_version', '' "
                       "WHERE NOT EXISTS (SELECT 1 FROM kb_meta WHERE key = 'kb_version')"))


def downgrade() -> None:
    # only the seed: a counter that moved stays (its value is what every copy of the vectors is filed under)
    op.execute(sa.text("DELETE FROM kb_meta WHERE key = 'kb_version' AND value = ''"))
