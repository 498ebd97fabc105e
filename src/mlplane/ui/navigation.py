"""The control panel's sidebar: one entry per page, in display order.

A subsystem that adds a page registers its router in `ui.routes.PAGE_MODULES` and adds
one `NavEntry` line here. Icons are names from `templates/_icons.html`; an unknown name
falls back to a plain dot.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlplane.governance.schemas import Principal


@dataclass(frozen=True)
class NavEntry:
    label: str
    path: str
    icon: str = "dot"
    admin_only: bool = False

    def is_active(self, current_path: str) -> bool:
        if self.path == "/":
            return current_path == "/"
        return current_path == self.path or current_path.startswith(self.path + "/")


NAVIGATION: list[NavEntry] = [
    NavEntry("Overview", "/", icon="home"),
    NavEntry("Projects", "/projects", icon="folder"),
    NavEntry("Compute", "/compute", icon="list"),
    NavEntry("Audit log", "/audit", icon="list"),
    NavEntry("Tokens", "/tokens", icon="key"),
    NavEntry("Users", "/users", icon="users", admin_only=True),
]


def entries_for(principal: Principal) -> list[NavEntry]:
    """The entries a caller may open; admin-only pages stay hidden from everyone else."""
    return [entry for entry in NAVIGATION if principal.is_admin or not entry.admin_only]
