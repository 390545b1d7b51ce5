"""document metadata: English title, category, issuing body, public URL and knowledge pack

Revision ID: 0005
Revises: 0006 (0006 reached main first, on 0004; this one follows it so the chain stays linear)
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0006'
branch_labels = None
depends_on = None

COLUMNS = (
    ("title_en", sa.String(length=500)),
    ("category", sa.String(length=20)),
    ("issuer", sa.String(length=200)),
    ("url", sa.String(length=1000)),
    ("pack", sa.String(length=50)),
)


def upgrade() -> None:
    with op.batch_alter_table("kb_documents") as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kb_documents") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
