"""The floor: one minimal Django view doing one query (bench/floor_urls.py), asked as fast as the mixed load's
users ask their pages. Run alone, against a server started with floor_settings."""

from locust import task

from scenarios.common import DemoUser


class FloorUser(DemoUser):
    @task
    def floor(self):
        self.page("/bench/floor/", "GET /bench/floor/", marker="floor 1")
