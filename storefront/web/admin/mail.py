"""Mail: the outbox's rows (pending, sending, sent, failed) and a retry for a failed one."""

from flask import flash, redirect, render_template, request, url_for

from ...models import OUTBOX_STATUSES
from ...services import outbox
from ...services.errors import Conflict, NotFound
from . import bp, page_number
from .forms import ConfirmForm

PER_PAGE = 50


@bp.get("/mail")
def mail_list():
    status = request.args.get("status", "")
    if status not in OUTBOX_STATUSES:
        status = ""
    results = outbox.list_messages(status or None, page=page_number(), per_page=PER_PAGE)
    return render_template(
        "admin/mail.html",
        results=results,
        status=status,
        counts=outbox.count_by_status(),
        statuses=OUTBOX_STATUSES,
        confirm=ConfirmForm(),
        section="mail",
    )


@bp.post("/mail/<int:message_id>/retry")
def retry_mail(message_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            outbox.retry_message(message_id)
        except (NotFound, Conflict) as exc:  # InvalidTransition is a Conflict
            flash(f"Not retried: {exc.message}", "error")
        else:
            flash(f"Mail #{message_id} will be sent again shortly.", "success")
    return redirect(url_for("admin.mail_list", status=request.args.get("status") or None))
