"""Web sites that embed qifa's widget (government, park and association sites).

Staff register a site with the origins it is served from (``qifa sites add NAME --origin https://…``) and get a
public site key for the widget's ``data-site-key``. The key identifies the site; it is not a secret. The HTTP
API uses :class:`Sites` to accept a request that carries a key only from an origin registered for it, to answer
CORS for registered origins only, and to record which site started a conversation.
"""

from sites.origins import InvalidOrigin, normalise_origin
from sites.registry import SiteError, SiteInfo, SiteRefused, Sites, UnknownSite, not_enabled

__all__ = ["InvalidOrigin", "SiteError", "SiteInfo", "SiteRefused", "Sites", "UnknownSite", "normalise_origin",
           "not_enabled"]
