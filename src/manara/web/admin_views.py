"""Console administration of one's own country: users (create, role, disable, password), API keys, members, roles.

Restricted exactly as the API's administration endpoints (``member:admin``), through the same access
functions and actions; to anyone else every page here is the 404 page. Secrets (a new key's token, a
reset password) are shown once, on the user's page the form redirects to (``web/once.py``), and never
stored or logged.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from manara.api.deps import DbSession
from manara.errors import Conflict, ManaraError, NotFound
from manara.identity import ALL_SCOPES, ROLE_PERMS, Actor, Perm, Role
from manara.member import actions as member_actions
from manara.member import service as member_service
from manara.member.access import access_api_key_for_revoke, access_user_for_admin
from manara.member.models import User
from manara.member.schemas import ApiKeyIn, UserIn
from manara.text import N_
from manara.web import once
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.render import gettext, page

router = APIRouter(prefix="/admin")
ROLES = [r.value for r in Role]
Short = Annotated[str, Form(max_length=200)]
USERNAME_TAKEN = N_("This username is taken.")
INVALID = N_("This value is not valid.")
REQUIRED = N_("This field is required.")
SELF = N_("Another administrator must do this for your own account.")
DAYS = N_("Enter a number of days from 1 to 3650.")


def require_admin(actor: Actor) -> None:
    """Hide the administration from every role but the administrator's (404, as the API's 403 reveals nothing)."""
    if not actor.can(Perm.MEMBER_ADMIN):
        raise NotFound("page", "admin")


def _users_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    users = member_service.list_users(session, country=actor.country)
    return page(
        request,
        "admin_users.html",
        status=status,
        users=users,
        roles=ROLES,
        form=form or {"username": "", "full_name": "", "role": Role.FRONTLINE_OFFICER.value},
        errors=errors or {},
    )


def _user_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    user: User,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    keys = member_service.list_api_keys(session, user.id)
    carried = once.take(request, user_id=actor.user_id)
    secret_kind, secret = carried if carried else (None, None)
    response = page(
        request,
        "admin_user.html",
        status=status,
        user=user,
        keys=keys,
        roles=ROLES,
        scopes=sorted(ALL_SCOPES),
        errors=errors or {},
        secret=secret,
        secret_kind=secret_kind,
        form=form or {},
    )
    return once.forget(response)


def _show_once(actor: Actor, user: User, kind: str, secret: str) -> Response:
    """Redirect to the user's page, which shows ``secret`` once (post/redirect/get)."""
    target = f"/console/admin/users/{user.id}"
    return once.carry(
        RedirectResponse(target, status_code=303), user_id=actor.user_id, page=target, kind=kind, value=secret
    )


@router.get("/users")
def users(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """List the users of the administrator's country, with the form of a new user."""
    require_admin(actor)
    return _users_page(request, session, actor)


@router.post("/users", dependencies=[CsrfChecked])
def create_user(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    username: Short = "",
    full_name: Short = "",
    role: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Create a user of the administrator's country (as ``POST /api/v1/users``)."""
    require_admin(actor)
    form = {"username": username, "full_name": full_name, "role": role}
    try:
        body = UserIn.model_validate(form)
        with session.begin_nested():
            user = member_actions.do_create_user(
                session, body.username, country=actor.country, role=body.role, acting=actor, full_name=body.full_name
            )
    except ValidationError as exc:
        fields = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
        errors = {
            f: gettext(request, REQUIRED if f == "username" and not username.strip() else INVALID) for f in fields
        }
        return _users_page(request, session, actor, form=form, errors=errors, status=422)
    except Conflict:
        errors = {"username": gettext(request, USERNAME_TAKEN)}
        return _users_page(request, session, actor, form=form, errors=errors, status=422)
    except ManaraError:
        errors = {"username": gettext(request, INVALID)}
        return _users_page(request, session, actor, form=form, errors=errors, status=422)
    return RedirectResponse(f"/console/admin/users/{user.id}", status_code=303)


@router.get("/users/{user_id}")
def user_detail(user_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Show a user of the administrator's country: role, state, API keys."""
    require_admin(actor)
    return _user_page(request, session, actor, access_user_for_admin(session, actor, user_id))


def _update(
    request: Request,
    session: DbSession,
    actor: Actor,
    user_id: str,
    field: str,
    *,
    role: Role | None = None,
    active: bool | None = None,
) -> Response:
    require_admin(actor)
    user = access_user_for_admin(session, actor, user_id)
    try:
        with session.begin_nested():
            member_actions.do_update_user(session, user, acting=actor, role=role, active=active)
    except ManaraError:
        return _user_page(request, session, actor, user, status=422, errors={field: gettext(request, SELF)})
    return RedirectResponse(f"/console/admin/users/{user.id}", status_code=303)


@router.post("/users/{user_id}/role", dependencies=[CsrfChecked])
def change_role(
    user_id: str, request: Request, session: DbSession, actor: ConsoleActor, role: Annotated[Role, Form()]
) -> Response:
    """Change a user's role (as ``PATCH /api/v1/users/{id}``)."""
    return _update(request, session, actor, user_id, "role", role=role)


@router.post("/users/{user_id}/active", dependencies=[CsrfChecked])
def set_active(
    user_id: str, request: Request, session: DbSession, actor: ConsoleActor, active: Annotated[bool, Form()]
) -> Response:
    """Disable or re-enable a user: a disabled user can neither sign in nor use an API key."""
    return _update(request, session, actor, user_id, "active", active=active)


@router.post("/users/{user_id}/password", dependencies=[CsrfChecked])
def reset_password(user_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Give the user a new random password, shown this once; their sessions end."""
    require_admin(actor)
    user = access_user_for_admin(session, actor, user_id)
    return _show_once(actor, user, "password", member_actions.do_reset_password(session, user, acting=actor))


@router.post("/users/{user_id}/totp/reset", dependencies=[CsrfChecked])
def reset_totp(user_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Remove the user's second factor (a lost device); audited."""
    require_admin(actor)
    user = access_user_for_admin(session, actor, user_id)
    member_actions.do_reset_totp(session, user, acting=actor)
    return RedirectResponse(f"/console/admin/users/{user.id}", status_code=303)


@router.post("/users/{user_id}/api-keys", dependencies=[CsrfChecked])
def create_key(
    user_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    name: Short = "",
    days: Annotated[str, Form(max_length=10)] = "",
    scopes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Create an API key for the user (as ``POST /api/v1/users/{id}/api-keys``); its token is shown once."""
    require_admin(actor)
    user = access_user_for_admin(session, actor, user_id)
    try:
        body = ApiKeyIn.model_validate({"name": name, "days": days.strip() or None, "scopes": scopes or None})
        with session.begin_nested():
            _, token = member_actions.do_create_api_key(
                session, user, acting=actor, name=body.name, days=body.days, scopes=body.scopes
            )
    except (ValidationError, ManaraError):
        return _user_page(
            request,
            session,
            actor,
            user,
            status=422,
            errors={"days": gettext(request, DAYS)},
            form={"name": name, "days": days, "scopes": " ".join(scopes or [])},
        )
    return _show_once(actor, user, "api_key", token)


@router.post("/users/{user_id}/api-keys/{key_id}/revoke", dependencies=[CsrfChecked])
def revoke_key(user_id: str, key_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Revoke one of the user's API keys at once."""
    require_admin(actor)
    user = access_user_for_admin(session, actor, user_id)
    key = access_api_key_for_revoke(session, actor, key_id)
    if key.user_id != user.id:
        raise NotFound("api_key", key_id)
    member_actions.do_revoke_api_key(session, key, acting=actor)
    return RedirectResponse(f"/console/admin/users/{user.id}", status_code=303)


@router.get("/members")
def members(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """List the member countries of the network."""
    require_admin(actor)
    return page(request, "admin_members.html", members=member_service.list_members(session))


@router.get("/roles")
def roles(request: Request, actor: ConsoleActor) -> Response:
    """Show what each role may do (the permissions API key scopes are drawn from)."""
    require_admin(actor)
    return page(
        request,
        "admin_roles.html",
        roles=ROLES,
        perms=[p.value for p in Perm],
        grants={r.value: {p.value for p in ROLE_PERMS[r]} for r in Role},
    )
