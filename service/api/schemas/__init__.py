"""Request and response bodies of API.md, by resource; requests reuse the domain's enums and value objects.

Every body is importable from here (`from service.api import schemas as s; s.PlaceLegalHold`), so a new
command's body is added to its resource's module only."""

from service.api.schemas.actions import *  # noqa: F403
from service.api.schemas.boards import *  # noqa: F403
from service.api.schemas.common import *  # noqa: F403
from service.api.schemas.learning import *  # noqa: F403
from service.api.schemas.process import *  # noqa: F403
from service.api.schemas.publication import *  # noqa: F403
from service.api.schemas.records import *  # noqa: F403
from service.api.schemas.responses import *  # noqa: F403
from service.api.schemas.review_records import *  # noqa: F403
from service.api.schemas.reviews import *  # noqa: F403
