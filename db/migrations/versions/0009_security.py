"""security: the staff token version (logout-everywhere, a password change and disabling revoke earlier login
tokens); sensitive words and the review log of blocked messages

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN (not batch mode): SQLite adds a column with a constant default in place
    op.add_column('staff_users', sa.Column('token_version', sa.Integer(), nullable=False, server_default='0'))
    op.create_table('sensitive_words',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('word', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('word')
    )
    op.create_table('moderation_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('word', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['chat_sessions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_moderation_events_created_at'), 'moderation_events', ['created_at'], unique=False)
    op.create_index(op.f('ix_moderation_events_session_id'), 'moderation_events', ['session_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_moderation_events_session_id'), table_name='moderation_events')
    op.drop_index(op.f('ix_moderation_events_created_at'), table_name='moderation_events')
    op.drop_table('moderation_events')
    op.drop_table('sensitive_words')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE staff_users DROP COLUMN token_version')
    else:
        op.drop_column('staff_users', 'token_version')
