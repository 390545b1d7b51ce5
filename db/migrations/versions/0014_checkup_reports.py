"""self-check reports (法治体检自测), tied to the session that made them

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('checkup_reports',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.String(length=64), nullable=False),
    sa.Column('checkup_id', sa.String(length=40), nullable=False),
    sa.Column('industry', sa.String(length=20), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['chat_sessions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_checkup_reports_session_id'), 'checkup_reports', ['session_id'], unique=False)
    op.create_index(op.f('ix_checkup_reports_checkup_id'), 'checkup_reports', ['checkup_id'], unique=False)
    op.create_index(op.f('ix_checkup_reports_created_at'), 'checkup_reports', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_checkup_reports_created_at'), table_name='checkup_reports')
    op.drop_index(op.f('ix_checkup_reports_checkup_id'), table_name='checkup_reports')
    op.drop_index(op.f('ix_checkup_reports_session_id'), table_name='checkup_reports')
    op.drop_table('checkup_reports')
