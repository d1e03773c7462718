"""Server-rendered SVG charts: no JavaScript, no CDN, each with a title and a text summary.

Every chart here stands beside a table holding the same numbers; the chart is a picture
of the table, never the only place a figure appears.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 10, 22
BAR_FILL = "#0d6efd"
MUTED = "#6c757d"


SHARE_SCALE = (0.0, 1.0, ((0, "0 %"), (0.5, "50 %"), (1, "100 %")))
NPS_SCALE = (-100.0, 100.0, ((-100, "−100"), (0, "0"), (100, "+100")))


def summary(points: list[dict], measure: str) -> str:
    """One or two sentences saying what the chart shows, for screen readers and captions."""
    shown = [p for p in points if p["figure"].shown]
    hidden = len(points) - len(shown)
    if not shown:
        text = _("No period had enough answers to show %(measure)s.") % {"measure": measure}
    elif len(shown) == 1:
        text = _("%(measure)s was %(value)s in %(period)s.") % {
            "measure": measure,
            "value": shown[0]["text"],
            "period": shown[0]["label"],
        }
    else:
        text = _(
            "%(measure)s went from %(first)s in %(first_period)s to %(last)s in %(last_period)s."
        ) % {
            "measure": measure,
            "first": shown[0]["text"],
            "first_period": shown[0]["label"],
            "last": shown[-1]["text"],
            "last_period": shown[-1]["label"],
        }
    if hidden:
        text += " " + _("%(n)s of %(total)s periods had too few answers and are left blank.") % {
            "n": hidden,
            "total": len(points),
        }
    return text


def trend_svg(
    points: list[dict], *, title: str, measure: str, scale=SHARE_SCALE, id_prefix="trend-chart"
) -> SafeString:
    """A bar per period from the zero line to its value; suppressed periods stay empty.

    ``points`` are dicts with ``label``, ``text`` (the figure as written in the table) and
    ``figure`` (a ``Figure``); ``scale`` is (lowest, highest, gridlines) — ``SHARE_SCALE``
    or ``NPS_SCALE``. Returns an empty string when there is nothing to draw.
    """
    if not points or not any(p["figure"].shown for p in points):
        return SafeString("")
    lowest, highest, gridlines = scale
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return round(TOP + plot_h * (highest - value) / (highest - lowest), 1)

    zero = y(0)
    step = plot_w / len(points)
    bar_w = max(step * 0.7, 1)
    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#dee2e6"/>'
        '<text x="{}" y="{}" font-size="10" text-anchor="end" fill="{}">{}</text>',
        (
            (LEFT, WIDTH - RIGHT, y(value), y(value), LEFT - 4, y(value) + 3, MUTED, label)
            for value, label in gridlines
        ),
    )
    bars = []
    for index, point in enumerate(points):
        x = LEFT + index * step + (step - bar_w) / 2
        figure = point["figure"]
        if figure.shown:
            top, bottom = sorted((y(figure.value), zero))
            bars.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}: {}</title></rect>",
                    round(x, 1),
                    top,
                    round(bar_w, 1),
                    max(round(bottom - top, 1), 1),
                    BAR_FILL,
                    point["label"],
                    point["text"],
                )
            )
        else:
            bars.append(
                format_html(
                    '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="{}">–</text>',
                    round(x + bar_w / 2, 1),
                    zero - 3,
                    MUTED,
                )
            )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="{}">{}</text>',
        (
            (round(LEFT + i * step + step / 2, 1), HEIGHT - 6, MUTED, i + 1)
            for i in range(len(points))
            if len(points) <= 16 or i % max(len(points) // 12, 1) == 0
        ),
    )
    return format_html(
        '<svg role="img" aria-labelledby="{p}-title {p}-desc" viewBox="0 0 {w} {h}" '
        'class="w-100 h-auto" preserveAspectRatio="xMidYMid meet">'
        '<title id="{p}-title">{title}</title><desc id="{p}-desc">{desc}</desc>'
        "{grid}{bars}{labels}</svg>",
        p=id_prefix,
        w=WIDTH,
        h=HEIGHT,
        title=title,
        desc=summary(points, measure),
        grid=grid,
        bars=SafeString("".join(bars)),
        labels=labels,
    )
