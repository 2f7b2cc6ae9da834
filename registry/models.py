"""Every model, imported once so the metadata (and Alembic) sees all tables."""
from registry.accounts.models import ApiToken, Role, User  # noqa: F401
from registry.audit.models import AuditEvent  # noqa: F401
from registry.catalog.models import CatalogItem, CodeSequence, Field, ItemChange  # noqa: F401
from registry.core.calendar import CalendarDay, CalendarYear  # noqa: F401
from registry.core.db import Base
from registry.imports.models import ImportBatch  # noqa: F401
from registry.orgs.models import Organisation  # noqa: F401
from registry.requests.models import Request, RequestEvent  # noqa: F401
from registry.search.models import SearchDocument  # noqa: F401
from registry.sharing import models as sharing_models  # noqa: F401
from registry.sourcing import models as sourcing_models  # noqa: F401
from registry.notifications import models as notification_models  # noqa: F401
from registry.mounts import models as mount_models  # noqa: F401

metadata = Base.metadata
