"""The load test (issue 20 item 4): the plan of who does what (plan.py), the users (locustfile.py)."""
