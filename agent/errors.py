"""Errors a user can cause in the agent layer (bad flag, unreachable LLM server, bad config)."""


class AgentError(Exception):
    """A problem the user can fix; the CLI prints it as one line and exits with code 2."""
