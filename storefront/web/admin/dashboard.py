"""The dashboard: revenue, orders, the 30-day chart, low stock, latest orders."""

from flask import current_app, render_template

from ...services import reporting
from . import bp
from .charts import revenue_chart


@bp.get("/")
def dashboard():
    figures = reporting.dashboard()
    chart = revenue_chart(
        [(d.day, d.revenue, d.orders) for d in figures.daily], current_app.config["CURRENCY"]
    )
    return render_template(
        "admin/dashboard.html", figures=figures, chart=chart, section="dashboard"
    )
