"""The audit trail of configuration changes: who changed what, when, from what to what.

Two layers, so no app imports in a circle. ``models`` and ``services`` import nothing
from icsat's other apps: requests_app's and surveys' services call ``audit_record``
inside their own transaction. ``permissions``, ``selectors`` and ``views`` (the HR
admins' page) sit above both and read requests_app (who is an HR admin, the departments).
"""
