"""``{% load insight_charts %}{% insight_chart insight.chart profile.hide_numbers %}``.

Renders an insight's chart as a figure: the inline SVG (whose ``<title>`` and ``<desc>``
screen readers announce) and, under it, the same chart in words behind a ``<details>``
for anyone who would rather read than look. Nothing at all when there is no chart.
``{{ insight.chart|chart_summary }}`` gives the words alone.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from stridewell.insights.charts import chart_summary as summarise
from stridewell.insights.charts import render_chart

register = template.Library()


@register.simple_tag
def insight_chart(chart: Any, hide_numbers: Any = False) -> SafeString:
    hide = bool(hide_numbers)
    svg = render_chart(chart, hide_numbers=hide)
    if not svg:
        return mark_safe("")
    return format_html(
        '<figure class="insight-chart">{}<figcaption><details>'
        "<summary>The chart in words</summary><p>{}</p>"
        "</details></figcaption></figure>",
        svg,
        summarise(chart, hide_numbers=hide),
    )


@register.filter
def chart_summary(chart: Any, hide_numbers: Any = False) -> str:
    return summarise(chart, hide_numbers=bool(hide_numbers))
