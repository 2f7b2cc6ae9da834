"""Where a notice leads: the back-office page of its request, whichever process screen shows that type."""
from __future__ import annotations

from flask import Flask, current_app, url_for

from registry.notifications.models import Notification

#: Request types whose page is not a :class:`~registry.requests.views.RequestView`'s ``.detail``:
#: type → (endpoint, name of the request id argument or ``None`` for a list without one).
SPECIAL_PAGES: dict[str, tuple[str, str | None]] = {
    "review": ("review.step", "step_id"),
    "emergency_filing": ("review.index", None),
}

_CACHE_KEY = "mulu.notification_pages"


def request_pages(app: Flask) -> dict[str, tuple[str, str | None]]:
    """Request type → page, from the back office's request views; types without a registered page are left out."""
    pages: dict[str, tuple[str, str | None]] = {}
    for admin in app.extensions.get("admin", []):
        for view in admin._views:
            type_name = getattr(view, "request_type", None)
            if isinstance(type_name, str):
                pages[type_name] = (f"{view.endpoint}.detail", "request_id")
    pages.update(SPECIAL_PAGES)
    return {name: page for name, page in pages.items() if page[0] in app.view_functions}


def request_url(notice: Notification, external: bool = False) -> str | None:
    """The page of the notice's request; ``None`` when no screen shows its type."""
    app = current_app._get_current_object()
    if _CACHE_KEY not in app.extensions:  # the views are all registered by the first request
        app.extensions[_CACHE_KEY] = request_pages(app)
    page = app.extensions[_CACHE_KEY].get(notice.request_type)
    if page is None:
        return None
    endpoint, argument = page
    return url_for(endpoint, _external=external, **({argument: notice.request_id} if argument else {}))
