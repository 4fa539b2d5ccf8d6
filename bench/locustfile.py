"""The mixed load of `bench/load.py` (and its floor), for locust.

    .venv/bin/locust -f bench/locustfile.py --headless --host http://127.0.0.1:8000 -u 20 -r 5 -t 60s

Which users run is chosen by BENCH_TARGET: `mixed` (default) imports every capability's user classes, with
weights that give many residents on the public pages and the API and fewer staff on the registry; `floor`
imports only FloorUser, for the server started with floor_settings. A new capability adds its module under
bench/scenarios/ and one import line below.
"""

import os

if os.environ.get("BENCH_TARGET", "mixed") == "floor":
    from scenarios.floor import FloorUser  # noqa: F401
else:
    from scenarios.hall import LivingRoomApp, LivingRoomVisitor  # noqa: F401
    from scenarios.public import AppClient, PublicVisitor  # noqa: F401
    from scenarios.registry import GridLeader, OfficeStaff  # noqa: F401
    from scenarios.residents import ResidentApp, ResidentWeb  # noqa: F401
