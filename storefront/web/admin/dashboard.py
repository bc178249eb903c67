"""The dashboard: a date range's figures against the previous range, its chart,
top products, orders waiting, low stock and the latest orders."""

from flask import current_app, render_template

from ...services import reporting
from . import bp
from .charts import revenue_chart
from .ranges import range_choice


@bp.get("/")
def dashboard():
    choice = range_choice()
    figures = reporting.dashboard(choice.range)
    chart = revenue_chart(
        [(d.day, d.revenue, d.orders) for d in figures.daily], current_app.config["CURRENCY"]
    )
    return render_template(
        "admin/dashboard.html", figures=figures, chart=chart, choice=choice, section="dashboard"
    ), (422 if choice.refused else 200)
