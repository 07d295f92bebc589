"""Callbacks for the ``callbacks`` parameter (being written)."""


def user_listeners(callbacks):
    """The trainer listeners for the ``callbacks`` parameter's objects."""
    return list(callbacks or ())
