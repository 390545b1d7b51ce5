"""Staff accounts (advisers, curators, administrators) with argon2 password hashes, the login throttle, the
server's signing secret and login tokens."""

from staff.accounts import ROLES, AccountError, Accounts, StaffInfo, UnknownUser
from staff.secret import SecretKeyError, signing_secret
from staff.throttle import LoginThrottle
from staff.tokens import Tokens

__all__ = ["ROLES", "AccountError", "Accounts", "LoginThrottle", "SecretKeyError", "StaffInfo", "Tokens",
           "UnknownUser", "signing_secret"]
