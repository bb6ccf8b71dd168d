"""Errors a user can cause while creating or driving an environment."""


class EnvironmentDataError(Exception):
    """Bad data files or an unknown goal/task index; the CLI prints it as one line, exit code 2."""
