"""a bot message keeps its reply's rich parts (chat_messages.parts: the suggestions, the structured data that draws
service cards and the booking's state, and the reply's language), so a channel that shows the history again (the
web widget after a reload) draws the buttons and cards it showed, not only the text; NULL for older messages and
for messages that had none

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parts', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.drop_column('parts')
