"""shared limits: rate-limit counters, event-stream leases and failed logins, shared by the workers of one store

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_counters',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_index(op.f('ix_rate_counters_expires_at'), 'rate_counters', ['expires_at'], unique=False)
    op.create_table('stream_leases',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_stream_leases_address'), 'stream_leases', ['address'], unique=False)
    op.create_index(op.f('ix_stream_leases_expires_at'), 'stream_leases', ['expires_at'], unique=False)
    op.create_table('login_failures',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_end', sa.Float(), nullable=False),
    sa.Column('locked_until', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_index(op.f('ix_login_failures_window_end'), 'login_failures', ['window_end'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_login_failures_window_end'), table_name='login_failures')
    op.drop_table('login_failures')
    op.drop_index(op.f('ix_stream_leases_expires_at'), table_name='stream_leases')
    op.drop_index(op.f('ix_stream_leases_address'), table_name='stream_leases')
    op.drop_table('stream_leases')
    op.drop_index(op.f('ix_rate_counters_expires_at'), table_name='rate_counters')
    op.drop_table('rate_counters')
