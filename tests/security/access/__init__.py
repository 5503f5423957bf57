"""The access suite: every URL name and bulk action, requested by every role
relation, in one world built per module (world.py).

- cases.py: the case table. A new URL pattern or bulk action fails
  `test_every_url_name_has_a_case` until it has a case there.
- test_requests.py: one test per (case, relation, method); the answer must
  follow the rules and a refused POST must write nothing (probes.py), or
  leave unchanged what the case's probe names.
- coverage.py: after the run, every access test must have made its request.

Templates are not drawn (access is decided before); set
LMS_ACCESS_FULL_RENDER=1 to draw them too.
"""
