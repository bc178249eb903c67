"""/api/users: your own account, and the admins' view of every account."""

from __future__ import annotations

from .. import ratelimit
from ..services import accounts
from . import ApiBlueprint
from .schemas import AccountUpdateSchema, UserListQuery, UserPageSchema, UserSchema
from .security import admin_only, authenticated, current_user

blp = ApiBlueprint(
    "api_users",
    __name__,
    url_prefix="/api/users",
    tag="Users",
    description="Accounts: your own, and (admins) everyone's.",
)


@blp.route("/me", methods=["GET"])
@authenticated(blp)
@blp.response(200, UserSchema)
def me():
    """Your account"""
    return current_user()


@blp.route("/me", methods=["PUT"], endpoint="update_me")
@authenticated(blp)
@blp.arguments(
    AccountUpdateSchema,
    example={"full_name": "Asha R.", "email": "asha.r@example.com", "current_password": "..."},
)
@blp.response(200, UserSchema)
@blp.alt_response(409, response="CONFLICT", description="Another account has this email.")
@blp.alt_response(429, response="TOO_MANY_REQUESTS", description="Too many wrong passwords.")
def update_me(args):
    """Change your name, email or password

    Every field is optional. Changing the email or the password needs
    `current_password` (missing or wrong: 422 on `current_password`). A wrong
    `current_password` counts as a failed login of the account: once over that
    limit, changing the email or password is 429 until the window passes.
    """
    user = current_user()
    return accounts.update_account(
        user.id, **args, password_guard=ratelimit.password_guard(user.email)
    )


@blp.route("", methods=["GET"])
@admin_only(blp)
@blp.arguments(UserListQuery, location="query")
@blp.response(200, UserPageSchema)
def list_users(args):
    """List accounts (admin)

    Newest first; `q` matches email or name.
    """
    return accounts.list_users(**args)


@blp.route("/<id:user_id>", methods=["GET"])
@admin_only(blp)
@blp.response(200, UserSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_user(user_id):
    """One account (admin)"""
    return accounts.get_user(user_id)


@blp.route("/<id:user_id>", methods=["DELETE"], endpoint="deactivate_user")
@admin_only(blp)
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="You cannot deactivate yourself.")
def deactivate_user(user_id):
    """Deactivate an account (admin)

    The account is kept with its orders; its tokens stop working at once.
    Deactivating an inactive account again is a no-op.
    """
    accounts.deactivate_user(user_id, actor_id=current_user().id)
