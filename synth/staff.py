"""Who is staff: participants the roster marks as working for the service, not using it.

A participants.csv `role` column (also `participant_role`, `type`) valued staff, employee,
operations, ... marks a participant as staff. Their words are the service blueprint's backstage
(docs/maps.md), so they are kept out of the customer personas and the all-participants map,
and listed as in no persona with that reason.
"""

from __future__ import annotations

from typing import Mapping

STAFF_ROLES = frozenset({"staff", "employee", "operations", "ops", "colleague", "agent", "driver", "picker"})
ROLE_COLUMNS = ("role", "Role", "ROLE", "participant_role", "type")
STAFF_REASON = "staff (participants.csv role): backstage evidence for the service blueprint, not a customer persona"


def is_staff(attributes: Mapping[str, object]) -> bool:
    """True when one of the role columns holds a staff value."""
    return any(str(attributes.get(col, "")).strip().lower() in STAFF_ROLES for col in ROLE_COLUMNS)
