"""The Telegram channel (python-telegram-bot): handlers that translate updates to engine calls and back."""
