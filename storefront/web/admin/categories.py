"""The back office's categories: the tree, add, edit, move up or down, archive and restore."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from ...services import categories as category_service
from ...services.errors import Conflict, ValidationError
from ..confirm import Confirmation, confirmation_page
from ..forms import ConfirmForm, SelectChoice, add_service_errors, confirm_or_400
from . import bp
from .forms import CategoryForm


def _parent_choices(category=None) -> list[SelectChoice]:
    """Top-level categories that are not archived, but never the category itself."""
    choices = [SelectChoice("", "None")]
    for root in category_service.category_tree():
        if category is None or root.id != category.id:
            choices.append(SelectChoice(root.id, root.name))
    return choices


def _archive_confirmation(category) -> Confirmation:
    return Confirmation(
        question=f"Archive “{category.name}”?",
        detail="It is hidden from the shop with its subcategories, and its page is gone; "
        "its products stay in it and stay on sale. You can restore it later.",
        page_url=url_for("admin.archive_category", category_id=category.id),
        back_url=url_for("admin.categories"),
        confirm_label="Yes, archive it",
        cancel_label="No, keep it in the shop",
    )


@bp.get("/categories")
def categories():
    tree = category_service.category_tree(include_archived=True)
    return render_template(
        "admin/categories.html",
        tree=tree,
        archive=_archive_confirmation,
        form=ConfirmForm(),
        section="categories",
    )


def _form_page(form, category=None, status=200):
    form.parent_id.choices = _parent_choices(category)
    return (
        render_template(
            "admin/category_form.html", form=form, category=category, section="categories"
        ),
        status,
    )


@bp.route("/categories/new", methods=["GET", "POST"])
def new_category():
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = category_service.create_category(
                form.name.data, form.description.data or "", form.parent_id.data
            )
        except (ValidationError, Conflict) as exc:  # Conflict: the name is taken
            add_service_errors(form, exc)
        else:
            flash(f"Category “{category.name}” added.", "success")
            return redirect(url_for("admin.categories"), code=303)
    return _form_page(form, status=422 if form.is_submitted() else 200)


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
def edit_category(category_id: int):
    category = category_service.get_category(category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            category = category_service.update_category(
                category_id,
                name=form.name.data,
                description=form.description.data or "",
                parent_id=form.parent_id.data,
            )
        except (ValidationError, Conflict) as exc:
            add_service_errors(form, exc)
        else:
            flash(f"Category “{category.name}” saved.", "success")
            return redirect(url_for("admin.categories"), code=303)
    return _form_page(form, category, status=422 if form.is_submitted() else 200)


def _checked_post(category_id: int, change, *args):
    confirm_or_400()
    return change(category_id, *args)


@bp.post("/categories/<int:category_id>/up")
def move_category_up(category_id: int):
    _checked_post(category_id, category_service.move_category, "up")
    return redirect(url_for("admin.categories"), code=303)


@bp.post("/categories/<int:category_id>/down")
def move_category_down(category_id: int):
    _checked_post(category_id, category_service.move_category, "down")
    return redirect(url_for("admin.categories"), code=303)


@bp.get("/categories/<int:category_id>/archive")
def confirm_archive_category(category_id: int):
    category = category_service.get_category(category_id)
    return confirmation_page(_archive_confirmation(category), admin=True, section="categories")


@bp.post("/categories/<int:category_id>/archive")
def archive_category(category_id: int):
    category = _checked_post(category_id, category_service.archive_category)
    flash(
        f"“{category.name}” is archived: hidden from the shop; its products stay on sale.",
        "success",
    )
    return redirect(url_for("admin.categories"), code=303)


@bp.post("/categories/<int:category_id>/restore")
def restore_category(category_id: int):
    try:
        category = _checked_post(category_id, category_service.restore_category)
    except Conflict as exc:  # under an archived parent
        flash(exc.message, "error")
    else:
        flash(f"“{category.name}” is back in the shop.", "success")
    return redirect(url_for("admin.categories"), code=303)
