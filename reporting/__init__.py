"""Figures for staff: the dashboard's statistics and the service ledger (服务台账) as CSV, over whole days in
the bureau's time zone."""

from reporting.ledger import ledger_csv
from reporting.period import Period, PeriodError
from reporting.stats import compute_stats

__all__ = ["Period", "PeriodError", "compute_stats", "ledger_csv"]
