"""The living rooms under load: visitors reading the portal, the events, the catalogue of services and a
living room's page; phones reading the events and the open times through the API; and a resident's phone
booking a place and cancelling it again (so the places it takes are given back, whatever the run's length)."""

import random

from locust import task

from scenarios.common import DemoUser

RESIDENT = "resident"


def _ids(response, key: str = "id") -> list[int]:
    """The ids of a list answer of the API, paginated (`results`) or not."""
    try:
        body = response.json()
    except ValueError:
        return []
    rows = body.get("results", []) if isinstance(body, dict) else body
    return [row[key] for row in rows if isinstance(row, dict) and row.get(key) is not None]


class LivingRoomVisitor(DemoUser):
    """Someone on the website who has not signed in: the city's portal and a community's, what is on this
    week, the services to book, a living room and an event."""

    weight = 4

    def on_start(self):
        super().on_start()
        self.venues = _ids(self.api("/api/v1/living-rooms/", "GET /api/v1/living-rooms/")) or [0]
        self.events = _ids(self.api("/api/v1/events/?when=week", "GET /api/v1/events/?when=week"))

    @task(4)
    def portal(self):
        self.page("/portal/", "GET /portal/")

    @task(2)
    def community_portal(self):
        self.page(f"/portal/{random.choice(self.places.communities)}/", "GET /portal/<community>/")

    @task(3)
    def events(self):
        self.page("/events/", "GET /events/")

    @task(2)
    def services(self):
        self.page("/services/", "GET /services/")

    @task(2)
    def venue(self):
        self.page(f"/living-rooms/{random.choice(self.venues)}/", "GET /living-rooms/<venue>/")

    @task(1)
    def event(self):
        if self.events:
            self.page(f"/events/{random.choice(self.events)}/", "GET /events/<event>/")


class LivingRoomApp(DemoUser):
    """The demo resident's phone: the week's events, a living room's open times, then a place booked and
    cancelled a moment later (a second booking of the same time is refused, which is the right answer)."""

    weight = 2

    def on_start(self):
        super().on_start()
        self.token = self.api_token(RESIDENT)
        self.venues = _ids(self.api("/api/v1/living-rooms/", "GET /api/v1/living-rooms/")) or [0]

    @task(2)
    def events(self):
        self.api("/api/v1/events/?when=week", "GET /api/v1/events/?when=week (token)", token=self.token)

    @task(3)
    def book_and_cancel(self):
        slots = _ids(
            self.api(
                f"/api/v1/slots/?venue={random.choice(self.venues)}",
                "GET /api/v1/slots/?venue=<venue> (token)",
                token=self.token,
            )
        )
        if not slots:
            return
        headers = self.headers({"Accept": "application/json", "Authorization": f"Token {self.token}"})
        with self.client.post(
            "/api/v1/bookings/",
            name="POST /api/v1/bookings/ (token)",
            json={"slot": random.choice(slots), "party_size": 1},
            headers=headers,
            catch_response=True,
        ) as response:
            # 400: the resident already holds that time (another simulated phone booked it), or it is full.
            if response.status_code not in (201, 400):
                response.failure(f"status {response.status_code}")
                return
            response.success()
            booking = response.json().get("id") if response.status_code == 201 else None
        if booking is None:
            return
        with self.client.post(
            f"/api/v1/bookings/{booking}/cancel/",
            name="POST /api/v1/bookings/<booking>/cancel/ (token)",
            headers=headers,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            else:
                response.success()
