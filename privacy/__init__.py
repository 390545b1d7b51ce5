"""Personal data out of places that need none: masking of phone numbers, ID-card numbers and credit codes.

Used for logs, the advisers' group posts and anything sent to a language model. Orders keep the real values.
Depends on nothing but the standard library, so every layer may use it.
"""

from privacy.masking import mask, mask_messages

__all__ = ["mask", "mask_messages"]
