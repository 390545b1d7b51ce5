"""Staff accounts (advisers, curators, administrators) with argon2 password hashes, and the login throttle."""

from staff.accounts import ROLES, AccountError, Accounts, StaffInfo, UnknownUser
from staff.throttle import LoginThrottle

__all__ = ["ROLES", "AccountError", "Accounts", "LoginThrottle", "StaffInfo", "UnknownUser"]
