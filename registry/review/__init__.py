"""Review workflow (逐条审核): submit, approve or return level by level, publish; changes and retirements too.

Each review step is a request of type ``review`` in the request engine, with
its level (county, city, or the authority's consent) and a due date in
working days from the profile.
"""
