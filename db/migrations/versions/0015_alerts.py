"""alerts: subscriptions of conversations to topics, notices, one delivery per notice and subscriber, document topics

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_subscriptions',
    sa.Column('session_id', sa.String(length=64), nullable=False),
    sa.Column('topic', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['chat_sessions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'topic')
    )
    op.create_index(op.f('ix_alert_subscriptions_topic'), 'alert_subscriptions', ['topic'], unique=False)
    op.create_table('alert_notices',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('document_id', sa.String(length=32), nullable=True),
    sa.Column('change', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('alert_deliveries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_by', sa.String(length=40), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['notice_id'], ['alert_notices.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['chat_sessions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('notice_id', 'session_id', name='uq_alert_delivery_once')
    )
    op.create_index('ix_alert_deliveries_due', 'alert_deliveries', ['status', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_alert_deliveries_session_id'), 'alert_deliveries', ['session_id'], unique=False)
    op.create_table('alert_document_topics',
    sa.Column('document_id', sa.String(length=32), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('document_id')
    )


def downgrade() -> None:
    op.drop_table('alert_document_topics')
    op.drop_index(op.f('ix_alert_deliveries_session_id'), table_name='alert_deliveries')
    op.drop_index('ix_alert_deliveries_due', table_name='alert_deliveries')
    op.drop_table('alert_deliveries')
    op.drop_table('alert_notices')
    op.drop_index(op.f('ix_alert_subscriptions_topic'), table_name='alert_subscriptions')
    op.drop_table('alert_subscriptions')
