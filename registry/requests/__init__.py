"""One request engine for every process with a deadline: review steps, demands, share requests, corrections.

A request type (:mod:`registry.requests.engine`) declares its states and its
actions; a request carries its state, the organisation it concerns, a
``due_at`` in working days from the profile, and a timeline of actions and
comments. Domains (review, and the regulations' processes) build on it.
"""

from importlib import import_module

#: The modules that declare request types (and subscribe to signals) when imported.
PROCESS_MODULES: tuple[str, ...] = (
    "registry.review.operations",
    "registry.lists.demands",
    "registry.sharing.operations",
    "registry.sharing.service_changes",
    "registry.feedback.operations",
    "registry.monitoring.duties",
    "registry.notifications.operations",
)


def load_processes() -> None:
    """Import every process module once, so its request types are registered and its subscribers connected."""
    for module in PROCESS_MODULES:
        import_module(module)
