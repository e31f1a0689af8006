"""The pages in a real browser: the figures a reader sees, filters and pages, the
hydrograph's points, and readings arriving live, with no console errors."""

import math
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from apps.monitoring.models import Observation, Well
from tests.support.server import UvicornServer

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

STATS = ("wells", "active_wells", "observations", "observations_last_30_days")


def shown_figures(page) -> dict:
    page.wait_for_selector("[data-landing][data-loaded=true]")
    return {
        key: int(page.locator(f"[data-stat={key}]").get_attribute("data-value")) for key in STATS
    }


def test_landing_figures_equal_the_api_across_reloads(site, pages):
    page = pages()
    expected = httpx.get(f"{site.url}/api/stats").json()
    for _ in range(20):
        page.goto(site.url + "/")
        assert shown_figures(page) == {key: expected[key] for key in STATS}
        assert page.locator("[data-stat=wells]").inner_text() == f"{expected['wells']:,}"
    assert "Latest reading:" in page.locator("[data-featured-latest]").inner_text()
    screenshot(page, "landing")


def test_wells_browser_filters_and_paginates(site, pages):
    page = pages()
    page.goto(site.url + "/wells/")
    # The public's wells: the demo keeps some of its 40 private (ADR-0012).
    public = Well.objects.filter(release_status="public").count()
    assert 25 < public < 40
    assert page.locator("[data-count]").get_attribute("data-count") == str(public)
    first_page = page.locator("tbody tr").all_inner_texts()
    assert len(first_page) == 25
    page.click("a[rel=next]")
    page.wait_for_url("**page=2")
    assert len(page.locator("tbody tr").all_inner_texts()) == public - 25
    assert page.locator("tbody tr").first.inner_text() not in first_page
    shown = Well.objects.filter(release_status="public").select_related("location")
    county = shown.order_by("site_no").first().location.county
    page.select_option("select[name=county]", county)
    page.click("button[type=submit]")
    page.wait_for_url(f"**county={county.replace(' ', '+')}**")
    expected = shown.filter(location__county=county).count()
    assert page.locator("[data-count]").get_attribute("data-count") == str(expected)
    counties = page.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert counties == [county] * expected
    page.locator("tbody tr a").first.click()
    page.wait_for_selector("#hydrograph canvas")
    screenshot(page, "wells")


def test_the_hydrograph_draws_the_points_of_a_chosen_range(site, pages):
    well = Well.objects.filter(deployments__isnull=False).order_by("site_no").first()
    page = pages()
    page.goto(f"{site.url}/wells/{well.site_no}/")
    chart = page.locator("#hydrograph")
    page.wait_for_selector("#hydrograph canvas")
    page.wait_for_function("document.getElementById('hydrograph').dataset.loading === 'false'")
    total = Observation.objects.filter(well=well).count()
    assert int(chart.get_attribute("data-total")) == total
    screenshot(page, "well")
    # A week of hourly logger readings, drawn at full resolution.
    latest = Observation.objects.filter(well=well).latest("observed_at").observed_at
    start, end = latest.date().replace(day=1), latest.date()
    page.fill("input[name=start]", start.isoformat())
    page.fill("input[name=end]", end.isoformat())
    page.click("#range button[type=submit]")
    page.wait_for_function(
        "(n) => document.getElementById('hydrograph').dataset.total === String(n)",
        arg=Observation.objects.filter(
            well=well,
            observed_at__gte=datetime(start.year, start.month, start.day, tzinfo=UTC),
            observed_at__lte=datetime(end.year, end.month, end.day, 23, 59, 59, tzinfo=UTC),
        ).count(),
    )
    assert chart.get_attribute("data-downsampled") == "false"
    assert chart.get_attribute("data-points") == chart.get_attribute("data-total")


def test_a_posted_reading_appears_live_on_the_well_page_and_the_landing(site, pages, writer_token):
    well = Well.objects.filter(status="active").order_by("site_no").first()
    well_page, landing = pages(), pages()
    well_page.goto(f"{site.url}/wells/{well.site_no}/")
    landing.goto(site.url + "/")
    before = shown_figures(landing)["observations"]
    for page in (well_page, landing):
        page.wait_for_function(
            "document.querySelector('[data-live-status]').textContent.startsWith('Live')"
        )
    response = httpx.post(
        f"{site.url}/api/wells/{well.site_no}/observations",
        json={"observed_at": datetime.now(UTC).isoformat(), "depth_to_water_ft": 77.7},
        headers={"Authorization": f"Bearer {writer_token}"},
    )
    assert response.status_code == 201
    new_id = response.json()["results"][0]["id"]
    well_page.wait_for_selector(
        f"#recent-readings tr[data-observation-id='{new_id}']", timeout=5000
    )
    assert "77.70" in well_page.locator(f"tr[data-observation-id='{new_id}']").inner_text()
    # The summary follows without a reload: the count and the last reading's time.
    count = Observation.objects.filter(well=well).count()
    well_page.wait_for_function(
        "(n) => document.querySelector('[data-summary-field=count]').textContent"
        ".replace(/,/g, '') === String(n)",
        arg=count,
        timeout=5000,
    )
    landing.wait_for_function(
        "(n) => document.querySelector('[data-stat=observations]').dataset.value === String(n)",
        arg=before + 1,
        timeout=5000,
    )


def test_pages_are_readable_on_a_phone(site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    well = Well.objects.order_by("site_no").first()
    for path in ("/", "/wells/", f"/wells/{well.site_no}/"):
        page.goto(site.url + path)
        page.wait_for_load_state("networkidle")
        # Nothing wider than the screen but the scrollable tables.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)
    screenshot(page, "well-phone")
    context.close()
    assert errors == []


def test_an_imported_logger_file_is_thinned_and_drawn_as_a_line(transactional_db, pages):
    """Issue 24: 262,800 hourly readings imported (source "import", not "transducer") were
    sent whole, every point twice, and drawn as dots. Now: thinned by density, once each,
    a line; the response stays small. Draw time is printed for docs/benchmarks.md."""
    from apps.monitoring.contract import ObservationRow
    from apps.monitoring.services import observation_bulk_insert, well_summaries_refresh
    from tests.monitoring.factories import well_create

    well = well_create(site_no="LOGGER01")
    start = datetime(1995, 1, 1, tzinfo=UTC)
    observation_bulk_insert(
        rows=(
            ObservationRow(
                well.pk,
                start + timedelta(hours=h),
                round(80 + 5 * math.sin(h / 1400), 3),
                data_quality="approved",
                source="import",
            )
            for h in range(262_800)
        )
    )
    visits = [start + timedelta(days=365 * y + 100, hours=7, minutes=30) for y in range(30)]
    Observation.objects.bulk_create(
        Observation(well=well, observed_at=at, depth_to_water_ft=81.0, data_quality="approved")
        for at in visits
    )
    well_summaries_refresh(well_ids=[well.pk])
    server = UvicornServer().start()
    try:
        page = pages()
        sizes = []
        page.on(
            "response",
            lambda r: "/hydrograph" in r.url and sizes.append(len(r.body())),
        )
        page.goto(f"{server.url}/wells/LOGGER01/")
        page.wait_for_function(
            "document.getElementById('hydrograph').dataset.loading === 'false'", timeout=60_000
        )
        chart = page.locator("#hydrograph")
        assert int(chart.get_attribute("data-total")) == 262_800 + 30
        assert chart.get_attribute("data-downsampled") == "true"
        assert int(chart.get_attribute("data-points")) <= 2_000 + 10
        assert sizes and sizes[0] < 500_000, sizes
        data = httpx.get(f"{server.url}/api/wells/LOGGER01/hydrograph?max_points=2000").json()
        # The visits, as dots, each once (a year apart: the line between them breaks).
        assert len([d for d in data["points"]["depth"] if d is not None]) == 30
        assert len([d for d in data["line"]["depth"] if d is not None]) > 1_500
        print(
            f"\nhydrograph of 262,830 readings: {sizes[0]} bytes, drawn in "
            f"{chart.get_attribute('data-draw-ms')} ms"
        )
        screenshot(page, "well-logger-import")
    finally:
        server.stop()


def test_the_chart_draws_in_utc_whatever_the_browser_zone(transactional_db, browser):
    """Issue 24: a 23:00 UTC reading hovered as "Time (UTC): 4:00pm" in a Denver browser."""
    from tests.monitoring.factories import well_create

    well = well_create(site_no="UTC0001")
    times = [datetime(2025, month, 10, 23, 0, tzinfo=UTC) for month in range(1, 7)]
    Observation.objects.bulk_create(
        Observation(well=well, observed_at=at, depth_to_water_ft=40.0 + i)
        for i, at in enumerate(times)
    )
    Observation.objects.create(
        well=well,
        observed_at=datetime(2025, 7, 10, 23, tzinfo=UTC),
        depth_to_water_ft=None,
        level_status="dry",
    )
    server = UvicornServer().start()
    context = browser.new_context(timezone_id="America/Denver")
    try:
        page = context.new_page()
        page.goto(f"{server.url}/wells/UTC0001/")
        page.wait_for_function("document.getElementById('hydrograph').dataset.loading === 'false'")
        shown = page.evaluate(
            """(t) => {
                const u = document.getElementById('hydrograph').uplot;
                u.setCursor({left: u.valToPos(t, 'x'), top: u.valToPos(42, 'y')});
                return document.querySelector('.u-legend .u-series:first-child').textContent;
            }""",
            times[2].timestamp(),
        )
        assert "Time (UTC)" in shown and "11:00pm" in shown, shown
        assert "2025-03-10" in shown
        # The dry visit has no value: its marker sits on the axis's top edge (the scale's
        # minimum depth), above every measured depth, not among them.
        marker, top, shallowest = page.evaluate(
            """() => {
                const u = document.getElementById('hydrograph').uplot;
                const markers = u.data[5].filter((v) => v != null);
                const depths = u.data.slice(1, 5).flat().filter((v) => v != null);
                return [markers[0], u.scales.y.min, Math.min(...depths)];
            }"""
        )
        assert marker == top < shallowest
    finally:
        context.close()
        server.stop()
