"""The patterns the classify stage reads clauses with: quantities, names, contacts,
article references, scope words, and the term lists of ``lexicon.py`` compiled.

Tables only; :mod:`monitor.judge.evidence` and :mod:`monitor.judge.classify` use them.
"""

from __future__ import annotations

import re

from monitor import patterns
from monitor.judge.lexicon import (
    DEFINITE,
    EVIDENCE,
    MONTHS,
    NEGATION_IDIOMS,
    NEGATIONS,
    NUMBER_WORDS,
    ORGANISATIONS,
    PERMISSIVE,
    PURPOSES,
    TOPIC,
)

_UNITS = (
    r"werkdagen|dagen|dag|business days|working days|days?|weken|week|weeks?|maanden|maand|"
    r"months?|jaren|jaar|years?|uren|uur|hours?|minuten|minutes?|seconden|seconds?|"
    r"tagen|tage|tag|wochen|woche|monaten|monate|monat|jahren|jahre|jahr|stunden|stunde|"
    r"jours?|semaines?|mois|années?|ans|an|heures?"
)
_NUMBER = r"\d+(?:[.,]\d+)?|" + "|".join(
    sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True)
)
QUANTITY = patterns.compile(
    rf"(?<![\w.])({_NUMBER})(?:\s*(?:-|tot|to|bis|à)\s*({_NUMBER}))?\s*({_UNITS})\b",
    re.IGNORECASE,
)
AGE = patterns.compile(
    rf"(?:jonger dan|onder de|ouder dan|under(?: the age of)?|over(?: the age of)?|younger than|"
    rf"older than|unter|über|moins de|plus de|vanaf|from the age of|ab)\s+({_NUMBER})\b",
    re.IGNORECASE,
)
MONEY = patterns.compile(
    r"(?:€|eur\b|euro\b|\$|usd\b|£)\s*\d[\d.,]*|\d[\d.,]*\s*(?:€|euro|eur\b|usd\b|dollars?)",
    re.IGNORECASE,
)
PERCENT = patterns.compile(
    r"\d+(?:[.,]\d+)?\s*(?:%|procent|percent|prozent|pour cent)", re.IGNORECASE
)
EMAIL = patterns.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A site named in the text (".grok.com", "x.ai"; a bare URL reads as its site): the
# top-level domain must be a common one, so that glued sentences ("end.Next") are not sites.
SITE = patterns.compile(
    r"(?<![\w@/.-])\.?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:com|net|org|io|ai|nl|de|fr|eu|uk|be|app|dev|co|info|biz|me|us|ca|au|ch|at|es|it|"
    r"se|no|dk|fi|pl|jp|cn|ie|lu|gov|edu|tv|ly|gg|xyz|cloud|tech|so|to|is))(?![\w-]|\.[a-z0-9])",
    re.IGNORECASE,
)
PHONE = patterns.compile(r"(?<!\w)(?:\+|00)?\d[\d ()-]{7,}\d(?!\w)")
ARTICLE = patterns.compile(
    r"\b(?:artikel|artikelen|art\.|article|artikel|§)\s*\d+[a-z]?"
    r"(?:\s*(?:\(\d+\)|lid\s*\d+|abs\.?\s*\d+|paragraph\s*\d+|para\.?\s*\d+)"
    r"(?:\s*(?:\([a-z]\)|sub\s*[a-z]|onder\s*[a-z]|lit\.?\s*[a-z]|letter\s*[a-z]))?)?",
    re.IGNORECASE,
)
LEGAL_FORM = patterns.compile(
    r"\b([A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*){0,3})\s+(B\.?V\.?|N\.?V\.?|Inc\.?|Ltd\.?|LLC|GmbH|AG|"
    r"S\.A\.?|SAS|SARL|SE|plc|Corp\.?|Limited|Co\.)(?!\w)"
)
# A capitalised name counts as a recipient only where a clause says to whom data goes.
CAPITALISED = patterns.compile(
    r"(?:\b(?:met|aan|naar|door|with|to|by|from|mit|an|von|avec|à|par)\s+(?:\w+\s+){0,2}?)"
    r"([A-Z][\w&.-]+(?:\s+[A-Z][\w&.-]+)*"
    r"(?:\s*(?:,|en|and|of|or|et|ou)\s+[A-Z][\w&.-]+(?:\s+[A-Z][\w&.-]+)*)*)"
)
GERMAN = patterns.compile(r"\b(und|der|die|das|nicht|wir|ihre?n?|werden|für)\b")
NAME_SPLIT = patterns.compile(r"\s*(?:,|\ben\b|\band\b|\bof\b|\bor\b|\bet\b|\bou\b)\s*")
SCOPE = patterns.compile(
    r"(?<!\w)(uitsluitend|alleen|enkel|slechts|exclusively|solely|only|ausschließlich|nur|"
    r"lediglich|uniquement|seulement|exclusivement|onder andere|onder meer|among others|"
    r"unter anderem|entre autres|tenzij|behalve|unless|except|es sei denn|außer|sauf|"
    r"à moins)(?!\w)"
)
WORD = patterns.compile(r"[\w'-]+")
ADDRESS = patterns.compile(
    r"\b[\w.'-]*(?:straat|straße|strasse|laan|weg|plein|gracht|kade|singel|dijk|street|road|"
    r"avenue|lane|boulevard|rue|allee|platz|gasse)\s+\d+[a-z]?\b|\b\d{4}\s?[A-Z]{2}\b",
    re.IGNORECASE,
)
# English-style addresses: "548 Market Street", a US state and ZIP, a UK postcode.
ADDRESS_EN = patterns.compile(
    r"\b\d{1,5}\s+(?:[A-Z][\w'.-]*\s+){1,4}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Square|"
    r"Lane|Boulevard|Blvd\.|Drive|Way|Place|Terrace|Court|Plaza|Parkway)\b|"
    r"\b[A-Z]{2}\s\d{5}(?:-\d{4})?\b|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b"
)
# In a clause naming the controller, DPO, representative or authority: the names.
CONTACT_NAME = patterns.compile(
    r"\b[A-Z][\w'’-]+(?:[ \t]+(?:(?:van|de|der|den|von|du|le|la)[ \t]+)?[A-Z][\w'’-]+)+"
)
IDIOMS = patterns.compile(r"(?<!\w)(" + "|".join(map(re.escape, NEGATION_IDIOMS)) + r")(?!\w)")
ORGS = patterns.compile(r"(?<!\w)(" + "|".join(map(re.escape, ORGANISATIONS)) + r")(?!\w)")
NOT_NAMES = (
    frozenset(
        "u uw i ik we wij avg gdpr eu eer eea privacy policy privacyverklaring privacybeleid "
        "cookie cookies website internet app service services the de het een een dsgvo rgpd "
        "nederland netherlands europe europa europese european "
        # common words a title or a heading capitalises: never an organisation's name
        "information informatie informationen informations data daten données gegevens "
        "products product producten produkte produits users user gebruikers nutzer "
        "utilisateurs partners partner partenaires company bedrijf unternehmen société "
        "terms voorwaarden bedingungen conditions politique richtlinie datenschutz "
        "personal personnel persoonlijke persönliche content inhalt contenu account "
        "konto compte settings instellingen einstellungen paramètres".split()
    )
    | MONTHS
)
SENSITIVE_FOR_NAMES = {"third_party_sharing", "international_transfer", "contact"}


def _compile(terms: dict[str, str]) -> list[tuple[str, re.Pattern[str]]]:
    return [(label, patterns.compile(r"(?<!\w)" + fragment)) for label, fragment in terms.items()]


EVIDENCE_RE = {cat: _compile(terms) for cat, terms in EVIDENCE.items()}
EVIDENCE_RE["first_party_collection"] += _compile(PURPOSES)
TOPIC_RE = {cat: patterns.compile(r"(?<!\w)" + fragment) for cat, fragment in TOPIC.items()}
PRACTICE_WORDS = [*TOPIC_RE.values(), *(p for ps in EVIDENCE_RE.values() for _, p in ps)]

SENTENCE_END = patterns.compile(r"[.!?;]\s")

# Topics that make a clause about a practice even without a listed term:
# "Daarna worden de gegevens verwijderd." is about retention.
PRACTICE_TOPICS = {"data_retention", "third_party_sharing", "data_security", "user_choice_control"}

DELETION = patterns.compile(
    r"(?<!\w)(verwijder|wis|gewist|vernietig|delete|erase|lösch|gelöscht|supprim|efface)"
)

# How a reason names a term of each category.
CATEGORY_WORD = {
    "first_party_collection": "data or purpose",
    "third_party_sharing": "recipient",
    "user_choice_control": "choice",
    "user_access_edit_deletion": "right",
    "data_retention": "retention",
    "data_security": "security measure",
    "policy_change": "change notice",
    "do_not_track": "do-not-track",
    "specific_audiences": "audience",
    "international_transfer": "transfer",
    "legal_basis": "legal basis",
    "contact": "contact",
    "cookies_tracking": "tracking",
    "other": "term",
}

# Durations: days per unit, and the unit each written form stands for.
PER_DAY = {"day": 1.0, "week": 7.0, "month": 365 / 12, "year": 365.0, "hour": 1 / 24,
           "minute": 1 / 1440, "second": 1 / 86400}  # fmt: skip
UNIT_NAMES = (
    ("hour", ("uur", "uren", "hour", "stunde", "heure")),
    ("minute", ("minu",)),
    ("second", ("second", "sekunde")),
    ("day", ("dag", "day", "tag", "jour", "werkdag", "business day", "working day")),
    ("week", ("week", "weken", "woche", "semaine")),
    ("month", ("maand", "month", "monat", "mois")),
    ("year", ("jaar", "jaren", "year", "jahr", "an", "année")),
)


# Words a spelling change never covers.
PROTECTED = NEGATIONS | PERMISSIVE | DEFINITE

# What a changed quantity is about (see classify._quantity_label).
REQUEST = patterns.compile(
    r"\b(verzoek|aanvraag|request|anfrage|antrag|demande|reageren|beantwoord|respond|antwoord|"
    r"réponse|antworten)"
)
BREACH = patterns.compile(
    r"datalek|data breach|security breach|inbreuk|datenpanne|violation de données"
)

SQUASH = patterns.compile(r"[\W_]+")
