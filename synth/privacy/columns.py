"""Which columns and attributes hold private data: names, contact details, ids.

The one list both the survey reader (column roles) and the participant builder
(attributes never used as features or exported) consult. Headers are matched
after `normal_key` ("RecipientFirstName", "first_name" -> "recipient first name").
"""

from __future__ import annotations

import re
from functools import lru_cache

NAME_KEY = re.compile(
    r"^(?:(?:participant|respondent|customer|contact|full|first|last|given|family|sur|fore|user|display|preferred"
    r"|nick|middle)\s?)?name$|^(?:recipient\s?)?(?:first|last)\s?name$"
)
PII_KEY = re.compile(r"e-?mail|phone|mobile|address|postcode|post code|zip|\bip\b")
PII_COLUMN_ROLES = ("respondent_id", "metadata", "pii", "ignored")
PII_HEADER = re.compile(
    r"e-?mail|phone|mobile|telephone|ip ?address|ipaddress|\bip\b|street|postcode|post code|zip ?code"
    r"|latitude|longitude|username|user name|linkedin|twitter",
    re.IGNORECASE,
)
NAME_HEADER = re.compile(r"\bname\b|firstname|lastname|surname|given name|family name|full name", re.IGNORECASE)
EMAIL_VALUE = re.compile(r"^[^\s@]+@[\w-]+(?:\.[\w-]+)+$")
PHONE_VALUE = re.compile(r"^\+?[\d ()./-]{7,}$")


def normal_key(key: str) -> str:
    """ "RecipientFirstName", "first_name", "First Name " -> "recipient first name", "first name"."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", key.strip())
    return re.sub(r"[\s_\-.]+", " ", spaced.lower())


@lru_cache(maxsize=4096)  # asked for every participant's every attribute: a study has a few dozen names
def is_name_key(key: str) -> bool:
    """True for attribute names that hold a person's name ("name", "First Name", "participant_name")."""
    return bool(NAME_KEY.match(normal_key(key)))


def is_name_header(header: str) -> bool:
    """True for survey headers that name a person's name column ("Full name", "Your name")."""
    return is_name_key(header) or (len(header) <= 30 and bool(NAME_HEADER.search(header)))


@lru_cache(maxsize=4096)  # as is_name_key: 5% of segmenting 20,000 survey answers before
def is_private_key(key: str) -> bool:
    """True for attribute names that hold a name or contact details: never participant features."""
    return is_name_key(key) or bool(PII_KEY.search(normal_key(key)))
