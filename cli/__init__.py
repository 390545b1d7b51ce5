"""The ``qifa`` command: a channel like the others, wiring sub-commands to the packages below."""
