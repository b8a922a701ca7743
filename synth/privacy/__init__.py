"""Every rule about personal data, in one package.

- `columns`: which survey columns and attributes are private (names, contact details, ids);
- `numbers`: emails, phones, card and account numbers, IPs, personal URLs in text;
- `words`, `names`: how names are written and where a text names someone;
- `redactor`: the `Redactor` a run builds once, giving each person one stable alias.
"""
