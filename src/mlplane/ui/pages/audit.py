"""The audit log: who did what, filtered and paginated, newest first."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from starlette.responses import Response

from mlplane.catalog import service as catalog
from mlplane.core.errors import InvalidInput
from mlplane.governance import service as governance
from mlplane.governance.schemas import AuditFilter, AuditOutcome
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.ui.forms import optional_text
from mlplane.ui.page_route import page_router
from mlplane.ui.templating import render_page

router = page_router()

PAGE_SIZE = 50
OUTCOMES = [outcome.value for outcome in AuditOutcome]


def _outcome(value: str | None) -> AuditOutcome | None:
    text = optional_text(value)
    if text is None:
        return None
    if text not in OUTCOMES:
        raise InvalidInput(f"outcome: must be one of {', '.join(OUTCOMES)}")
    return AuditOutcome(text)


@router.get("/audit")
def list_audit_page(
    request: Request,
    platform: PlatformDep,
    principal: PrincipalDep,
    actor: str | None = None,
    action: str | None = None,
    project: str | None = None,
    outcome: str | None = None,
    page_token: str | None = None,
) -> Response:
    filters = AuditFilter(
        actor=optional_text(actor),
        action=optional_text(action),
        project=optional_text(project),
        outcome=_outcome(outcome),
    )
    with platform.db.read() as session:
        visible = catalog.administered_project_names(session, principal)
        page = governance.list_audit(session, principal, filters, page_token, PAGE_SIZE, visible)
    query = {key: value for key, value in filters.model_dump(mode="json").items() if value}
    older = (
        f"/audit?{urlencode({**query, 'page_token': page.next_page_token})}"
        if page.next_page_token
        else None
    )
    context = {
        "events": page.items,
        "filters": filters,
        "outcomes": OUTCOMES,
        "older_url": older,
        "newest_url": f"/audit?{urlencode(query)}" if page_token else None,
    }
    return render_page(request, "audit.html", "_audit_results.html", context)
