"""Errors a user can cause while working with a memory (bad file, wrong model, busy path)."""


class MemoryStoreError(Exception):
    """A problem the user can fix; the CLI prints it as one line and exits with code 2."""
