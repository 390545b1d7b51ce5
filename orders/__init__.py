"""Service orders: the order desk (numbers QF-YYYYMMDD-NNNN, lifecycle, history, ratings), the multi-turn
order form the engine drives, field validation, and the advisers' list of every order."""

from orders.desk import (
    RATING_LEVELS,
    STATUSES,
    TRANSITIONS,
    InvalidRating,
    InvalidTransition,
    OrderDesk,
    OrderError,
    OrderInfo,
    RatingRefused,
    UnknownOrder,
    UnknownService,
)
from orders.forms import OrderForm
from orders.listing import InvalidStatus, list_orders
from orders.validation import FieldError, FormInvalid

__all__ = [
    "RATING_LEVELS",
    "STATUSES",
    "TRANSITIONS",
    "FieldError",
    "FormInvalid",
    "InvalidRating",
    "InvalidStatus",
    "InvalidTransition",
    "OrderDesk",
    "OrderError",
    "OrderForm",
    "OrderInfo",
    "RatingRefused",
    "UnknownOrder",
    "UnknownService",
    "list_orders",
]
