"""One request engine for every process with a deadline: review steps, demands, share requests, corrections.

A request type (:mod:`registry.requests.engine`) declares its states and its
actions; a request carries its state, the organisation it concerns, a
``due_at`` in working days from the profile, and a timeline of actions and
comments. Domains (review, and the regulations' processes) build on it.
"""
