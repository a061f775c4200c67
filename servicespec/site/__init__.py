"""The stakeholder site: every service's blueprint, gaps and metrics as static pages.

    build_site(paths, output)  lint, draw and write the site (`servicespec site`)
    SiteServer(paths)          the live preview for spec writers (`servicespec serve`)
"""

from __future__ import annotations

from .build import SiteError, build_files, build_site, collect, write_site

__all__ = ["SiteError", "build_files", "build_site", "collect", "write_site"]
