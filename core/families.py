"""The CMS family ids: the one list the registry validates against, the crawler keys its URL
profiles by, and the simulator builds its portals from.

Why in `core`: the simulator and the registry may import only `core`, and a family id that is
spelled in five places drifts; a test checks `crawler.families` and `sim.families` cover exactly
these ids.
"""
from __future__ import annotations

#: The families the crawler knows (and the simulator serves), in the simulator's cycle order.
KNOWN_FAMILIES: tuple[str, ...] = ("tandan_sp", "sharepoint_vn", "liferay62", "vnportal", "nukeviet")
#: What a registry row's ``cms`` may say: a known family, or "unknown" (generic discovery).
CMS_FAMILIES: tuple[str, ...] = (*KNOWN_FAMILIES, "unknown")
