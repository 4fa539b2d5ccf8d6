"""Residents and visitors who have not signed in: the public pages on the website, and the API their phones
call (point → grid, service points, regions)."""

import random

from locust import task

from scenarios.common import DemoUser, random_point


class PublicVisitor(DemoUser):
    """Someone browsing the website: home, the places index, the city, a subdistrict, a community with its
    map, a grid with its leader and service points."""

    weight = 10

    @task(3)
    def home(self):
        self.page("/", "GET /")

    @task(2)
    def places_index(self):
        self.page("/places/", "GET /places/")

    @task(1)
    def city(self):
        self.page(f"/places/{self.places.city}/", "GET /places/<city>/")

    @task(1)
    def subdistrict(self):
        self.page(f"/places/{random.choice(self.places.subdistricts)}/", "GET /places/<subdistrict>/")

    @task(3)
    def community(self):
        self.page(f"/places/{random.choice(self.places.communities)}/", "GET /places/<community>/")

    @task(4)
    def grid(self):
        self.page(f"/places/{random.choice(self.places.grids)}/", "GET /places/<grid>/")


class AppClient(DemoUser):
    """A phone app without an account: which grid am I in (WGS-84 or GCJ-02), the service points around
    me, the regions to pick from."""

    weight = 6

    @task(5)
    def locate(self):
        lat, lng = random_point()
        crs = "&crs=gcj02" if random.random() < 0.5 else ""
        # A point outside every grid is answered 404, which is the right answer.
        self.api(
            f"/api/v1/regions/locate/?lat={lat}&lng={lng}{crs}", "GET /api/v1/regions/locate/", ok=(200, 404)
        )

    @task(2)
    def service_points(self):
        community = random.choice(self.places.communities)
        self.api(
            f"/api/v1/service-points/?place={community}", "GET /api/v1/service-points/?place=<community>"
        )

    @task(1)
    def regions(self):
        parent = random.choice(self.places.subdistricts)
        self.api(f"/api/v1/regions/?parent={parent}", "GET /api/v1/regions/?parent=<subdistrict>")

    @task(1)
    def region(self):
        self.api(f"/api/v1/regions/{random.choice(self.places.grids)}/", "GET /api/v1/regions/<grid>/")
