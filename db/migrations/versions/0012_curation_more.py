"""curation, continued: curators' intent example phrasings; an upload's metadata and resumption after a restart

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('intent_examples',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('intent', sa.String(length=30), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_intent_examples_intent'), 'intent_examples', ['intent'], unique=False)
    with op.batch_alter_table('kb_uploads') as batch:
        batch.add_column(sa.Column('meta', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('resumed_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('kb_uploads') as batch:
        batch.drop_column('resumed_at')
        batch.drop_column('meta')
    op.drop_index(op.f('ix_intent_examples_intent'), table_name='intent_examples')
    op.drop_table('intent_examples')
