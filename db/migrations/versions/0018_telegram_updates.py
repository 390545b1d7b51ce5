"""server mode: telegram_updates, the webhook update ids already taken (one worker handles each update, also
when Telegram delivers it again to another worker or after a restart)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('telegram_updates',
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('update_id')
    )
    op.create_index(op.f('ix_telegram_updates_received_at'), 'telegram_updates', ['received_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_telegram_updates_received_at'), table_name='telegram_updates')
    op.drop_table('telegram_updates')
