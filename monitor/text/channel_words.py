"""Words that make a link a channel the policy gives the user: a page or form for
exercising rights, opting out, complaining or contacting the controller.

The judge counts a moved channel as a contact change (:mod:`monitor.judge.links`);
reading furniture by shape keeps a trailing link that is a channel
(:mod:`monitor.text.text_chrome`).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from monitor import patterns

__all__ = ["is_channel"]

# Words that make a link a channel for the user, in its label or its URL
# (English, Dutch, German, French).  Whole words or word starts.
_CHANNEL = patterns.compile(
    r"(?<![a-z0-9])(?:opt[\s_-]?out|unsubscribe|do[\s_-]not[\s_-]sell|privacy[\s_-]?choices|"
    r"privacy[\s_-]?(?:request|settings|center|centre|portal|form)|"
    r"(?:data|access|deletion|subject)[\s_-]?request|dsar|web[\s_-]?form|form|forms|"
    r"complain\w*|complaint\w*|exercise|your[\s_-]rights|rights?[\s_-]request|contact\w*|"
    r"dpo|data[\s_-]protection[\s_-]officer|supervisory|"
    r"formulier\w*|klacht\w*|bezwaar|verzoek\w*|inzage|afmelden|uitschrijven|functionaris|"
    r"formular\w*|beschwerde\w*|widerspruch|antrag|auskunft\w*|abmelden|kontakt\w*|"
    r"datenschutzbeauftragte\w*|formulaire\w*|plainte\w*|réclamation\w*|opposition|"
    r"désinscri\w*|délégué\w*)(?![a-z0-9])",
    re.IGNORECASE,
)
# A query value that is an id, token or signature rather than words or an address.
_TOKEN = patterns.compile(r"[A-Za-z0-9_\-+=~.%]{16,}")


def is_channel(label: str, url: str) -> bool:
    """Whether a link's label or address names a rights, opt-out, complaint or contact
    page.  In the address only the path, the query's names and the values that read as
    addresses or words count: a signature or id ("h=AUAf4m...", 40 random characters)
    can spell "form" by chance."""
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return bool(_CHANNEL.search(label))
    words = [parts.path]
    for name, value in query:
        words.append(name)
        if not _TOKEN.fullmatch(value):
            words.append(value)
    where = unquote(" ".join(words)).replace("/", " ")
    return bool(_CHANNEL.search(label) or _CHANNEL.search(where))
