"""Where personal data sits in a text: emails, phone numbers, card and account
numbers, IP addresses and URLs that carry a personal id.

Maintained recognisers decide where they exist: `phonenumbers` (Google's
libphonenumber) finds valid numbers of the study's regions anywhere, and any
possible number glued to a cue ("tel:07700900124", "WhatsApp/+44..."); the
shape rules below add the numbers it rejects on purpose (the fictional 555 and
Ofcom drama ranges people use in examples). IBANs and card numbers are checked
with `python-stdnum` (ISO 7064 and Luhn), emails with `email-validator`
(RFC 5321/6531: accented local parts, international domains).

`find_pii(text)` returns non-overlapping `(start, end, placeholder)` matches;
`synth.redact` replaces them. Every detector is written to leave alone what only
looks like a number: prices ("£12.99"), years ("2023"), times ("10:30"), dates
("10/03/2026"), order numbers ("448213") and aliases ("P03").

The three libraries are imported where first used, not with this module: together they took
0.13-0.15 s of `synth inspect`'s start (`python -X importtime`, load 2.8), which reads survey
headers through this module but redacts nothing.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Callable, Iterator, NamedTuple
from urllib.parse import parse_qsl, urlsplit


class Found(NamedTuple):
    start: int
    end: int
    placeholder: str


EMAIL = re.compile(r"(?<![\w.+-])[\w.%+'-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")
URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"']+"
    r"|(?<![@\w.-])(?:[A-Za-z0-9-]+\.)+(?:com|org|net|co|uk|io|de|fr|app|me|info|biz|eu|us|ca|au|ie|ly)/[^\s<>\"']*",
    re.IGNORECASE,
)
URL_TRAILING = ".,;:!?)]}'\""
PERSONAL_KEY_WORDS = ("id", "uid", "sid", "guid", "key", "name", "sig", "signature", "code", "ref", "hash")
PERSONAL_KEY_STARTS = ("user", "mail", "email", "e-mail", "token", "session", "auth", "account", "customer", "member",
                       "phone", "login", "contact", "client")  # fmt: skip
ID_SEGMENT = re.compile(
    r"^(?:@.+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{12,}|.*\d{5,}.*"
    r"|(?=.*\d.*\d)(?=.*[a-z])[a-z0-9_-]{8,})$",
    re.IGNORECASE,
)
PROFILE_SEGMENTS = {"u", "user", "users", "profile", "profiles", "account", "accounts", "customer", "customers",
                    "member", "members", "people", "in", "me"}  # fmt: skip
IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w]|\.\d)")
IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]{4}){2,7}(?:[ -]?[A-Za-z0-9]{1,3})?\b")
NUMBER_RUN = re.compile(r"(?<![\w+.-])\d+(?:[ .-]\d+)*(?![\w-]|[.,]\d)")
PHONE_REGIONS = ("GB", "US")  # national numbers without a + are read as these countries' numbers
PHONE_CUE = re.compile(
    r"(?i:\b(?:phone|tel|telephone|mob|mobile|cell|whats ?app|landline|call|text|ring|number|fax|sms))"
    r"(?:[\s:#/.=-]+(?:is|was|on|at|me)?)*[\s:#/.=-]*$"
)
ACCOUNT = re.compile(
    r"\b(?:(?:bank )?account|acct|a/c|routing|sort[- ]?code)(?: (?:number|no\.?|num|#))?(?: is| was|:|#)?\s*"
    r"(?P<number>\d(?:[ -]?\d){5,17})(?![\w-]|[.,]\d)",
    re.IGNORECASE,
)
PHONE_RUN = re.compile(r"(?<![\w+£$€¥#./:,-])(?:\+ ?)?(?:\(\d{1,5}\) ?)?\d[\d(). -]{5,}\d(?![\w-]|[.,:/]\d)")
PHONE_TOKEN = re.compile(r"(?:\+ ?)?\(?\d+\)?")
PHONE_CONTEXT = re.compile(
    r"(?<!\[)\b(?:phone|number|call(?:ed|ing)?|cell|mobile|tel|ring|text|whatsapp|landline)"
    r"(?:[\s:#-]+(?:is|was|on|at|me|us|him|her|them|it))*[\s:#-]*$",
    re.IGNORECASE,
)
US_PHONE = re.compile(r"^(?:1[ .-])?\d{3}([ .-])\d{3}\1\d{4}$")
LOCAL_PHONE = re.compile(r"^\d{3}-\d{4}$")
DATE_LIKE = re.compile(r"^\d{1,4}([./-])\d{1,2}\1\d{1,4}$")


def _is_personal_url(url: str) -> bool:
    """A URL is personal when its query or fragment names a user, id, token or email,
    or a path segment looks like an id ("/orders/8f3k29x1", "/user/jsmith")."""
    try:
        parts = urlsplit(url if "://" in url else "http://" + url)
    except ValueError:  # malformed: redact rather than guess
        return True
    if "@" in url.split("//", 1)[-1]:
        return True
    params = parse_qsl(parts.query, keep_blank_values=True) + parse_qsl(parts.fragment, keep_blank_values=True)
    if any(_personal_key(key) for key, _ in params):
        return True
    segments = [s for s in parts.path.split("/") if s]
    after_profile = any(s.lower() in PROFILE_SEGMENTS for s in segments[:-1])
    return after_profile or any(ID_SEGMENT.match(s) for s in segments)


def _personal_key(key: str) -> bool:
    """ "id", "userId", "user_email", "access_token", "sig" name a person or a secret; "page", "width" do not."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", key).lower().replace("_", " ").replace("-", " ").split()
    return any(w in PERSONAL_KEY_WORDS or w.startswith(PERSONAL_KEY_STARTS) for w in words)


def find_urls(text: str) -> Iterator[Found]:
    for match in URL.finditer(text):
        url = match.group().rstrip(URL_TRAILING)
        if _is_personal_url(url):
            yield Found(match.start(), match.start() + len(url), "[url]")


def find_emails(text: str) -> Iterator[Found]:
    """Addresses the email grammar accepts (syntax only: nothing is looked up)."""
    if "@" not in text:
        return
    from email_validator import EmailNotValidError, validate_email  # see the module docstring: imported when used

    for match in EMAIL.finditer(text):
        try:
            validate_email(match.group(), check_deliverability=False)
        except EmailNotValidError:
            continue
        yield Found(match.start(), match.end(), "[email]")


def find_ips(text: str) -> Iterator[Found]:
    for match in IPV4.finditer(text):
        try:
            ipaddress.IPv4Address(match.group())
        except ValueError:
            continue
        yield Found(match.start(), match.end(), "[ip]")
    for match in IPV6.finditer(text):
        candidate = match.group()
        groups = [g for g in candidate.split(":") if g]
        if "::" not in candidate and len(groups) != 8 or len(groups) < 3:
            continue
        try:
            ipaddress.IPv6Address(candidate)
        except ValueError:
            continue
        yield Found(match.start(), match.end(), "[ip]")


def _iban_valid(iban: str) -> bool:
    """Country code, length and ISO 7064 checksum, in any case, spaced or dashed."""
    from stdnum import iban as stdnum_iban

    return stdnum_iban.is_valid(iban)


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum every payment card number passes."""
    from stdnum import luhn

    return luhn.is_valid(digits)


def find_accounts(text: str) -> Iterator[Found]:
    """IBANs (checksum-verified), and numbers introduced as an account, routing number or sort code."""
    for match in IBAN.finditer(text):
        if _iban_valid(match.group()):
            yield Found(match.start(), match.end(), "[account]")
    for match in ACCOUNT.finditer(text):
        yield Found(match.start("number"), match.end("number"), "[account]")


def find_cards(text: str) -> Iterator[Found]:
    """13 to 19 digits, in groups or not (spaces, dashes or dots), that pass the Luhn check. A run of numbers
    is tried group by group, longest first ("call 07700 900123 4111 1111 1111 1111")."""
    for run in NUMBER_RUN.finditer(text):
        groups = [(m.start() + run.start(), m.end() + run.start()) for m in re.finditer(r"\d+", run.group())]
        yield from _windows(groups, lambda start, end: _card_shape(text[start:end]), "[card]")


def _card_shape(candidate: str) -> bool:
    """Written like a card number (one block, groups of four, or Amex/Diners 4-6-5/4-6-4) and Luhn-valid."""
    sizes = [len(group) for group in re.findall(r"\d+", candidate)]
    grouped = len(sizes) >= 4 and all(n == 4 for n in sizes[:-1]) and 1 <= sizes[-1] <= 4
    if not (len(sizes) == 1 or grouped or sizes in ([4, 6, 5], [4, 6, 4])):
        return False
    digits = "".join(re.findall(r"\d", candidate))
    return 13 <= len(digits) <= 19 and luhn_valid(digits)


MAX_GROUPS = 8  # no phone or card number is written in more groups: keeps a long run of numbers linear


def _windows(groups: list[tuple[int, int]], accept: Callable[[int, int], bool], placeholder: str) -> Iterator[Found]:
    """The longest accepted runs of up to MAX_GROUPS consecutive groups, left to right, not overlapping."""
    i = 0
    while i < len(groups):
        for j in range(min(len(groups), i + MAX_GROUPS) - 1, i - 1, -1):
            start, end = groups[i][0], groups[j][1]
            if accept(start, end):
                yield Found(start, end, placeholder)
                i = j
                break
        i += 1


def _phone_shape(candidate: str, before: str) -> bool:
    """Whether a run of digit groups is written like a phone number."""
    digits = re.sub(r"\D", "", candidate)
    if DATE_LIKE.match(candidate):
        return False
    if candidate.startswith("+") or candidate.startswith("00"):
        return 8 <= len(digits) <= 15
    if candidate.startswith("(") or candidate.startswith("0"):
        return 9 <= len(digits) <= 12
    if US_PHONE.match(candidate):
        return True
    return bool(LOCAL_PHONE.match(candidate) and PHONE_CONTEXT.search(before[-60:]))


def find_library_phones(text: str) -> Iterator[Found]:
    """Numbers libphonenumber finds valid for `PHONE_REGIONS` (or any country, with a +),
    and numbers it finds possible right after a cue word, glued or not ("tel:", "mobile#")."""
    if sum(ch.isdigit() for ch in text) < 7:
        return
    import phonenumbers

    for region in PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            yield Found(match.start, match.end, "[phone]")
    for match in phonenumbers.PhoneNumberMatcher(text, PHONE_REGIONS[0], leniency=phonenumbers.Leniency.POSSIBLE):
        digits = sum(ch.isdigit() for ch in match.raw_string)
        if digits >= 9 and PHONE_CUE.search(text[max(0, match.start - 24) : match.start]):
            yield Found(match.start, match.end, "[phone]")


def find_phones(text: str) -> Iterator[Found]:
    """International (+44 ..., 0044 ...), national (07700 900123, (020) 7946 0018) and
    US (617-555-0142, and 555-0176 after a word such as "number") phone numbers.
    A run of numbers is tried group by group, longest first, so "07700 900123 10"
    finds the phone number and leaves the 10."""
    for run in PHONE_RUN.finditer(text):
        tokens = [(m.start() + run.start(), m.end() + run.start()) for m in PHONE_TOKEN.finditer(run.group())]
        yield from _windows(tokens, lambda start, end: _phone_shape(text[start:end], text[:start]), "[phone]")


DETECTORS: tuple[Callable[[str], Iterator[Found]], ...] = (
    find_urls, find_emails, find_ips, find_accounts, find_cards, find_library_phones, find_phones,
)  # fmt: skip


def find_pii(text: str) -> list[Found]:
    """Every piece of personal data in `text`, sorted, non-overlapping; an earlier
    detector in `DETECTORS` wins where two overlap."""
    taken: list[Found] = []
    for detector in DETECTORS:
        for found in detector(text):
            if all(found.end <= t.start or found.start >= t.end for t in taken):
                taken.append(found)
    return sorted(taken)
