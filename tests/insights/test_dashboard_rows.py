"""The dashboard's trend and breakdown rows as a reader sees them: numbered as the chart's
bars, withheld figures in italics and saying why, every name escaped."""

import re
from datetime import timedelta

import pytest

from .test_dashboard_views import FEBRUARY, START, Data, get_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(department, request_type):
    return Data(department, request_type)


def _table_rows(html: str, heading_id: str) -> list[list[str]]:
    """The body rows of the first table after the heading, as their cells' markup."""
    section = html.split(f'id="{heading_id}"', 1)[1]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row)
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    ]


def test_trend_rows_are_numbered_and_a_withheld_week_is_in_italics(client, data, it_lead):
    for week in range(4):
        for _ in range(5):
            data.answer(4, at=START + timedelta(days=1 + 7 * week, hours=12))
    html = get_page(client, it_lead, data.it, **FEBRUARY).content.decode()
    rows = _table_rows(html, "trend-heading")
    assert [row[0] for row in rows] == [f"<td>{n}</td>" for n in range(1, 6)]
    # 1 February is a Sunday: its week has no answers, its figure withheld and why said
    assert rows[0][2] == '<td class="text-end">0</td>'
    assert rows[0][3].startswith('<td class="fst-italic">not enough answers')
    assert rows[1][2:] == ['<td class="text-end">5</td>', "<td>100 % (57–100 %)</td>"]


def test_breakdown_rows_escape_names(client, data, it_lead):
    data.access.name = 'VPN <script>alert("x")</script> & more'
    data.access.save()
    data.seed([5, 5, 5, 4, 2, 5])
    html = get_page(client, it_lead, data.it, **FEBRUARY).content.decode()
    assert "<script>alert" not in html
    rows = _table_rows(html, "breakdowns-heading")
    assert rows[0][0] == (
        '<th scope="row" class="fw-normal">'
        "VPN &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</th>"
    )
    assert rows[0][1:] == ['<td class="text-end">6</td>', "<td>83 % (44–97 %)</td>"]
