"""Residents who have signed in: on the website (their account and their own grid) and in the phone app
(token, who am I, where am I). Later issues add raising matters, booking, ordering meals and voting here or in
modules of their own."""

import random

from locust import task

from scenarios.common import DemoUser, random_point

RESIDENT = "resident"


class ResidentWeb(DemoUser):
    """The demo resident on the website, signed in with a session."""

    weight = 2

    def on_start(self):
        super().on_start()
        self.sign_in(RESIDENT)

    @task(2)
    def home(self):
        self.page("/", "GET / (signed in)")

    @task(2)
    def account(self):
        self.page("/account/", "GET /account/")

    @task(1)
    def activity(self):
        self.page("/account/activity/", "GET /account/activity/")

    @task(3)
    def own_grid(self):
        self.page(f"/places/{self.places.centre}/", "GET /places/<grid> (signed in)")


class ResidentApp(DemoUser):
    """The demo resident's phone app: a token once, then who am I and where am I."""

    weight = 2

    def on_start(self):
        super().on_start()
        self.token = self.api_token(RESIDENT)

    @task(2)
    def me(self):
        self.api("/api/v1/me/", "GET /api/v1/me/", token=self.token)

    @task(3)
    def locate(self):
        lat, lng = random_point()
        self.api(
            f"/api/v1/regions/locate/?lat={lat}&lng={lng}",
            "GET /api/v1/regions/locate/ (token)",
            ok=(200, 404),
            token=self.token,
        )

    @task(1)
    def service_points(self):
        grid = random.choice([self.places.centre, *random.sample(self.places.grids, 2)])
        self.api(
            f"/api/v1/service-points/?place={grid}",
            "GET /api/v1/service-points/?place=<grid> (token)",
            token=self.token,
        )
