"""staff token version: logout-everywhere, a password change and disabling revoke earlier login tokens

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN (not batch mode): SQLite adds a column with a constant default in place
    op.add_column('staff_users', sa.Column('token_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE staff_users DROP COLUMN token_version')
    else:
        op.drop_column('staff_users', 'token_version')
