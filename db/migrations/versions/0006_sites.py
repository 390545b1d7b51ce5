"""sites: web sites that embed the widget (public site keys, allowed origins), and the site on chat sessions

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sites',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key'),
    sa.UniqueConstraint('name')
    )
    op.create_table('site_origins',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('origin', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('site_id', 'origin', name='uq_site_origins_site_origin')
    )
    op.create_index(op.f('ix_site_origins_origin'), 'site_origins', ['origin'], unique=False)
    op.create_index(op.f('ix_site_origins_site_id'), 'site_origins', ['site_id'], unique=False)
    # Not batch mode: on SQLite a batch would copy and drop chat_sessions, and dropping it with foreign keys on
    # deletes every message through ON DELETE CASCADE. SQLite adds a NULL column with REFERENCES in place.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE chat_sessions ADD COLUMN site_id INTEGER REFERENCES sites (id)')
    else:
        op.add_column('chat_sessions', sa.Column('site_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_chat_sessions_site_id_sites', 'chat_sessions', 'sites', ['site_id'], ['id'])
    op.create_index(op.f('ix_chat_sessions_site_id'), 'chat_sessions', ['site_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_chat_sessions_site_id'), table_name='chat_sessions')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE chat_sessions DROP COLUMN site_id')
    else:
        op.drop_constraint('fk_chat_sessions_site_id_sites', 'chat_sessions', type_='foreignkey')
        op.drop_column('chat_sessions', 'site_id')
    op.drop_index(op.f('ix_site_origins_site_id'), table_name='site_origins')
    op.drop_index(op.f('ix_site_origins_origin'), table_name='site_origins')
    op.drop_table('site_origins')
    op.drop_table('sites')
