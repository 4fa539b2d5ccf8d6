"""User classes of the mixed load (bench/locustfile.py): a module per capability, a class per kind of user.

A later capability (matters, bookings, meals, votes, dashboards) adds a module here with its user class and
one import line in bench/locustfile.py, and its pages to bench/query_counts.py.
"""
