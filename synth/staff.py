"""Who is staff: participants the roster or speakers.yaml marks as working for the service, not using it.

Two ways to say it, both ending as the participant's `role` attribute:

- a participants.csv `role` column (also `participant_role`, `type`) valued staff, employee,
  operations, ... (`STAFF_ROLES`);
- in a transcript folder's speakers.yaml (or ``<transcript>.roles.yaml``), a speaker mapped to
  one of those words (``Sam Okafor: staff`` or ``Sam Okafor: {role: staff}``): the speaker is
  a participant whose `role` attribute is ``staff`` (synth/ingest/roles.py). A roster row's
  role wins over it, as roster columns win over every other attribute.

Their words are the service blueprint's backstage
(docs/maps.md), so they are kept out of the customer personas and the all-participants map,
and listed as in no persona with that reason.
"""

from __future__ import annotations

from typing import Mapping

STAFF_ROLES = frozenset({"staff", "employee", "operations", "ops", "colleague", "agent", "driver", "picker"})
ROLE_COLUMNS = ("role", "Role", "ROLE", "participant_role", "type")
STAFF_REASON = "staff (participants.csv or speakers.yaml role): backstage evidence for the service blueprint, not a customer persona"


def is_staff(attributes: Mapping[str, object]) -> bool:
    """True when one of the role columns holds a staff value."""
    return any(str(attributes.get(col, "")).strip().lower() in STAFF_ROLES for col in ROLE_COLUMNS)
