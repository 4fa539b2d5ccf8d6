"""Staff on the residents registry: grid leaders in their grid, and community, subdistrict and city staff
over theirs. They sign in on the website, list and filter residents and households, open them, and
record visits."""

import random
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from locust import task

from scenarios.common import DemoUser, csrf_token

RESIDENT_LINK = re.compile(r'href="/staff/registry/residents/(\d+)/"')
HOUSEHOLD_LINK = re.compile(r'href="/staff/registry/households/(\d+)/"')
GRID_OPTION = re.compile(r'<option value="(\d{15})"')
# Filters staff use: a tag (computed age tags included), a status, part of a name (names start with 示例·).
FILTERS = [
    "tag=aged_80",
    "tag=aged_60",
    "tag=living_alone",
    "tag=low_income",
    "tag=disabled",
    "tag=child_under_14",
    "status=moved_out",
    "name=%E7%8E%8B",  # 王
    "name=%E9%98%BF",  # 阿
    "name=%E9%A9%AC",  # 马
]
VISIT_NOTES = [
    ("老人身体尚好，独自在家，门窗安全。", "下周再来看看。"),
    ("住户反映楼道灯不亮。", "报物业维修。"),
    ("家中无人，电话联系已沟通。", ""),
]
TIME_ZONE = ZoneInfo("Asia/Shanghai")


class RegistryStaff(DemoUser):
    abstract = True

    def username(self) -> str:
        raise NotImplementedError

    def on_start(self):
        super().on_start()
        self.residents: list[str] = []
        self.households: list[str] = []
        self.grids: list[str] = []
        self.sign_in(self.username())
        self.residents_list()

    def _remember(self, html: str | None) -> None:
        html = html or ""
        self.residents = RESIDENT_LINK.findall(html) or self.residents
        self.households = HOUSEHOLD_LINK.findall(html) or self.households
        self.grids = GRID_OPTION.findall(html) or self.grids

    @task(4)
    def residents_list(self):
        self._remember(self.page("/staff/registry/residents/", "GET /staff/registry/residents/").text)

    @task(3)
    def residents_filtered(self):
        query = random.choice(FILTERS)
        if self.grids and random.random() < 0.5:
            query += f"&grid={random.choice(self.grids)}"
        self._remember(
            self.page(f"/staff/registry/residents/?{query}", "GET /staff/registry/residents/?<filter>").text
        )

    @task(1)
    def residents_next_page(self):
        page = random.randint(2, 4)
        self.page(f"/staff/registry/residents/?page={page}", "GET /staff/registry/residents/?page=<n>")

    @task(3)
    def resident(self):
        if self.residents:
            pk = random.choice(self.residents)
            self.page(f"/staff/registry/residents/{pk}/", "GET /staff/registry/residents/<id>/")

    @task(2)
    def households_list(self):
        self._remember(self.page("/staff/registry/households/", "GET /staff/registry/households/").text)

    @task(2)
    def household(self):
        if self.households:
            pk = random.choice(self.households)
            self.page(f"/staff/registry/households/{pk}/", "GET /staff/registry/households/<id>/")


class GridLeader(RegistryStaff):
    """A grid leader (one of the 89 demo grid leaders) in their grid; the staff who record visits here."""

    weight = 3

    def username(self) -> str:
        grid = random.choice(self.places.grids)
        return "gridleader" if grid == self.places.centre else f"gl_{grid}"

    @task(1)
    def record_visit(self):
        if not self.households:
            return
        pk = random.choice(self.households)
        page = self.page(f"/staff/registry/households/{pk}/", "GET /staff/registry/households/<id>/")
        findings, follow_up = random.choice(VISIT_NOTES)
        visited_on = datetime.now(TIME_ZONE).date() - timedelta(days=random.randint(0, 3))
        self.post_form(
            f"/staff/registry/households/{pk}/visits/new/",
            "POST /staff/registry/households/<id>/visits/new/",
            {
                "csrfmiddlewaretoken": csrf_token(page.text),
                "visited_on": visited_on.isoformat(),
                "findings": findings,
                "follow_up": follow_up,
            },
        )


class OfficeStaff(RegistryStaff):
    """Community staff (most), subdistrict and city officers, reading the registry over their wider scope."""

    weight = 1

    def username(self) -> str:
        return random.choices(["community", "subdistrict", "city"], [3, 1, 1])[0]
