"""Term lists for classification, in Dutch, English, German and French.

Each entry is a regular-expression fragment matched at the start of a word in
lower-cased text (``(?<!\\w)``), so ``bewaar`` matches "bewaren" and
"bewaartermijn"; a fragment that must be a whole word ends in ``\\b``.

``EVIDENCE`` terms are compared one by one between two versions of a clause:
a data kind, purpose, recipient, right, legal basis, transfer, audience,
tracker or measure that appears or disappears is a material change with a
reason naming the term.  ``TOPIC`` terms only say what a clause is about.
"""

from __future__ import annotations

EVIDENCE: dict[str, dict[str, str]] = {
    # category -> {label: regex fragment}
    "first_party_collection": {
        "naam/name": r"(voor- en achternaam|voornaam|achternaam|naam\b|namen\b|first name|last name|full name|name\b|names\b|vorname|nachname|nom\b|prénom)",
        "e-mailadres/email address": r"(e-?mail[- ]?adres|email address|e-mail address|e-mail-adresse|adresse (e-mail|électronique))",
        "adres/postal address": r"(postadres|factuuradres|afleveradres|woonadres|n\.?a\.?w|postal address|billing address|home address|anschrift|postanschrift|adresse postale)",
        "telefoonnummer/phone number": r"(telefoonnummer|mobiel(e)? nummer|phone number|telephone number|mobile number|telefonnummer|numéro de téléphone)",
        "bestanden/files": r"((lokale|geüploade|uw|je|jouw) bestanden|(local|uploaded|your) files|(lokale|hochgeladene|ihre) dateien|(vos )?fichiers (locaux|téléversés))",
        "geboortedatum/date of birth": r"(geboortedatum|date of birth|birth ?date|geburtsdatum|date de naissance)",
        "geslacht/gender": r"(geslacht\b|gender\b|geschlecht\b|sexe\b)",
        "ip-adres/IP address": r"(ip[- ]?adres|ip[- ]?address|ip-adresse|adresse ip)",
        "locatiegegevens/location data": r"(locatie|gps\b|geolocati|location data|location information|precise location|standort|géolocalisation|données de localisation|localisation)",
        "betaalgegevens/payment data": r"(betaal|betalings|bankrekening|iban\b|creditcard|credit card|debit card|card number|payment (information|data|details)|bank account|zahlungs|bankverbindung|kreditkarte|carte bancaire|données de paiement|coordonnées bancaires)",
        "identiteitsbewijs/ID document": r"(burgerservicenummer|bsn\b|paspoort|identiteitsbewijs|rijbewijs|social security|passport|government id|driver'?s licen|personalausweis|reisepass|pièce d'identité|passeport)",
        "biometrische gegevens/biometric data": r"(biometri|vingerafdruk|gezichtsherkenning|face recognition|facial|gesichtserkennung|fingerabdruck|reconnaissance faciale|empreinte)",
        "gezondheidsgegevens/health data": r"(gezondheid|medisch|medische|health data|health information|medical|gesundheitsdaten|données de santé)",
        "bijzondere gegevens/special categories": r"(godsdienst|religie|religio|etnisch|ethnic|politieke (voorkeur|opvatting)|political (opinion|view)|seksuele|sexual orientation|strafrechtelijk|criminal (record|conviction)|gewerkschaft|syndical)",
        "opnames/recordings": r"(gespreksopname|opname|opnemen|opgenomen|call recording|voice recording|record(ing)? (of )?(your )?(calls|conversations|audio|video|voice)|recorded\b|aufzeichn|aufgezeichnet|enregistr)",
        "apparaatgegevens/device data": r"(apparaat|device identifier|device id|device information|advertentie-id|advertising id|browsergegevens|browser type|geräte|identifiant publicitaire)",
        "gebruiksgegevens/usage data": r"(surfgedrag|klikgedrag|browsegeschiedenis|browsing history|zoekgeschiedenis|search history|aankoopgeschiedenis|bestelgeschiedenis|purchase history|nutzungsdaten|historique de navigation)",
        "contacten/contacts": r"(adresboek|contactenlijst|address book|contact list|adressbuch|carnet d'adresses)",
        "berichten/messages": r"(inhoud van (je|uw) berichten|content of (your )?messages|chatberichten|nachrichteninhalte|contenu des messages)",
        "financiële gegevens/financial data": r"(inkomen|kredietwaardigheid|income\b|creditworthiness|credit score|bonität|solvabilité|saldo|account balance|transactiegeschiedenis|transaction history|kontostand|umsätze|solde)",
        "foto's/photos": r"(foto\b|foto's|pasfoto|photo|photograph|lichtbild|photographie)",
    },
    "third_party_sharing": {
        "derden/third parties": r"(derden\b|derde partij|derde partijen|third part(y|ies)|dritte\b|dritten\b|drittanbieter|tiers\b|parties tierces)",
        "partners": r"(\w*partners?\b|partnerbedrijven|business partners|partenaires|externe partij)",
        "adverteerders/advertisers": r"(adverteerder|advertiser|advertentiepartner|advertising partner|werbepartner|annonceurs?)",
        "verwerkers/processors": r"((sub-?)?verwerker|(sub-?)?processor|auftragsverarbeiter|sous-traitant)",
        "dienstverleners/service providers": r"(dienstverlener|leverancier|service provider|vendor|dienstleister|prestataire)",
        "verkopen/selling": r"(verkopen|verkoopt|verkocht|verkoop van|sell\b|sells\b|selling|sold\b|sale of|verkaufen|verkauf|vendre|vendons|vente de)",
        "groepsmaatschappijen/affiliates": r"(groepsmaatschappij|dochteronderneming|zusterbedrijf|affiliate|konzern|filiale|société(s)? du groupe)",
        "overheid/authorities": r"(overheid|bevoegde autoriteit|politie|justitie|law enforcement|government author|public author|behörde|autorités)",
    },
    "user_choice_control": {
        "afmelden/opt out": r"(afmeld|uitschrijv|opt[- ]?out|untick|uitvinken|unsubscrib|abmeld|abbestell|désinscri|désabonn|lien de désinscription)",
        "aanmelden/opt in": r"(opt[- ]?in\b|aanvinken|tick the box|toestemming vooraf|prior consent|einwilligung vorab)",
        "intrekken/withdraw": r"(intrekken|intrekking|in te trekken|withdraw|widerruf|retirer|révoquer)",
        "verwerking stoppen/stop processing": r"(verwerking (te )?(stoppen|beëindigen)|stop (the )?processing|verarbeitung (zu )?beenden|arrêter le traitement)",
        "voorkeuren/preferences": r"(voorkeursinstellingen|privacy-?instellingen|cookie-?instellingen|privacy settings|privacy ?choices|cookie (choices|preferences)|preference cent|preferences\b|einstellungen\b|paramètres de confidentialité)",
    },
    "user_access_edit_deletion": {
        "inzage/access": r"(inzage|inzien|recht op toegang|kopie (op)?vragen|kopie van (je|jouw|uw|de) (persoons)?gegevens|right (of|to) access|access (to )?your (personal )?data|(request|obtain) a copy|copy of (your|the) (personal )?data|auskunft|kopie (ihrer|der) daten|droit d'accès|copie de vos données)",
        "rectificatie/rectification": r"(rectificatie|correctie|corrigeren|rectif|berichtigung|rectification|wijzigingen aanbrengen in (je|jouw|uw|hun) (gegevens|informatie)|(change|update|correct) (your|their) (personal )?(data|information))",
        "verwijdering/erasure": r"(verwijdering|verwijderen|verwijderd\b|vergetelheid|erasure|deletion|delete\b|to be forgotten|löschung|effacement|droit à l'oubli)",
        "overdraagbaarheid/portability": r"(dataportabiliteit|overdraagbaarheid|overdr(agen|acht) van (je|jouw|uw|de )?(persoons)?gegevens|portability|datenübertragbarkeit|portabilité)",
        "bezwaar/objection": r"(bezwaar|object\b|objection|right to object|widerspruch|opposition|vous opposer)",
        "beperking/restriction": r"(beperking van (de )?verwerking|restrict(ion)? (of )?processing|einschränkung|limitation du traitement)",
        "klacht/complaint": r"(klacht|autoriteit persoonsgegevens|toezichthouder|complain|supervisory authority|beschwerde|aufsichtsbehörde|réclamation|cnil\b)",
    },
    "data_retention": {
        "bewaartermijn/retention period": r"(bewaartermijn|bewaarperiode|retention period|aufbewahrungsfrist|speicherdauer|löschfrist|durée de conservation)",
        "zolang nodig/as long as necessary": r"(zo ?lang (als )?(dat )?(nodig|noodzakelijk)|as long as (necessary|needed|required)|solange (dies )?erforderlich|aussi longtemps que nécessaire)",
        "wettelijke bewaarplicht/statutory retention": r"(wettelijke bewaarplicht|fiscale bewaarplicht|statutory retention|gesetzliche aufbewahrung|obligation légale de conservation)",
    },
    "data_security": {
        "versleuteling/encryption": r"(versleutel|encrypt|verschlüssel|chiffr|ssl\b|tls\b)",
        "beveiligingsmaatregelen/security measures": r"(beveiligingsmaatregel|technische en organisatorische|security measures|technical and organi[sz]ational|sicherheitsmaßnahmen|technische und organisatorische|mesures de sécurité)",
        "pseudonimisering/pseudonymisation": r"(pseudonimi|anonimi|pseudonymi|anonymi)",
        "datalek/data breach": r"(datalek|data breach|security breach|datenpanne|violation de données)",
        "toegangsbeperking/access control": r"(toegangscontrole|alleen toegankelijk|access control|need-to-know|zugriffskontrolle|contrôle d'accès)",
        "end-to-end versleuteling/end-to-end encryption": r"(end-to-end|eind-tot-eind|e2ee\b|ende-zu-ende|de bout en bout)",
        "versleuteld opgeslagen/encrypted at rest": r"(at rest|versleuteld opgeslagen|verschlüsselt gespeichert|chiffrées au repos)",
        "tweestapsverificatie/two-factor": r"(tweestapsverificatie|twee-?factor|two-?factor|2fa\b|multi-?factor|mfa\b|zwei-?faktor|double authentification|authentification à deux)",
        "standaarden/standards": r"(best[- ]practices|beveiligingsstandaard|security standard|iso ?27001|soc ?2\b|sicherheitsstandard|normes de sécurité|penetratietest|pentest|penetration test|audit)",
    },
    "policy_change": {
        "kennisgeving/notice": r"(kennisgeving|kennis geven|op de hoogte (brengen|stellen)|informeren (we|wij)|notify|notification|notice\b|benachrichtig|informieren|avertir|notifier|informerons)",
    },
    "do_not_track": {
        "do not track": r"(do[- ]not[- ]track|dnt\b|global privacy control|gpc\b|niet[- ]volgen)",
    },
    "specific_audiences": {
        "kinderen/children": r"(kinderen|kind\b|minderjarig|jongeren|children|child\b|minors?\b|kinder\b|minderjährig|enfants?|mineurs?)",
        "ouders/parents": r"(ouder(s)? of voogd|ouderlijk|wettelijk vertegenwoordiger|parental|parent or guardian|erziehungsberechtigt|eltern|parents?\b|tuteur)",
        "regio/region": r"(coppa\b|lgpd\b)",
        # Jurisdictions a rights or audience clause may name (US states with privacy laws
        # and countries): one added to or removed from a clause changes who it covers.
        "california": r"(californi|ccpa\b|cpra\b)",
        "virginia": r"(virginia\b)",
        "colorado": r"(colorado\b)",
        "connecticut": r"(connecticut\b)",
        "utah": r"(utah\b)",
        "texas": r"(texas\b)",
        "oregon": r"(oregon\b)",
        "montana": r"(montana\b)",
        "iowa": r"(iowa\b)",
        "delaware": r"(delaware\b)",
        "new hampshire": r"(new hampshire\b)",
        "new jersey": r"(new jersey\b)",
        "tennessee": r"(tennessee\b)",
        "minnesota": r"(minnesota\b)",
        "maryland": r"(maryland\b)",
        "indiana": r"(indiana\b)",
        "kentucky": r"(kentucky\b)",
        "rhode island": r"(rhode island\b)",
        "nebraska": r"(nebraska\b)",
        "florida": r"(florida\b)",
        "washington": r"(washington\b)",
        "nevada": r"(nevada\b)",
        "vermont": r"(vermont\b)",
        "quebec": r"(quebec\b)",
        "brazil": r"(brazil\b)",
        "south korea": r"(south korea\b)",
        "japan": r"(japan\b)",
        "china": r"(china\b)",
        "india": r"(india\b)",
        "australia": r"(australia\b)",
        "canada": r"(canada\b)",
        "switzerland": r"(switzerland\b)",
        "united kingdom": r"(united kingdom\b)",
        "turkey": r"(turkey\b)",
        "south africa": r"(south africa\b)",
        "singapore": r"(singapore\b)",
    },
    "international_transfer": {
        "buiten de EU/outside the EU": r"(buiten de (eu|europese|eer)|outside (of )?the (eu|european|eea)|außerhalb (der|des) (eu|europäischen|ewr)|hors de l'(ue|union|eee))",
        "derde landen/third countries": r"(derde land|third countr|drittland|drittstaat|pays tiers)",
        "Verenigde Staten/United States": r"(verenigde staten|vs\b|usa\b|u\.s\.|united states|vereinigte(n)? staaten|états-unis|amerika)",
        "doorgifte/transfer mechanism": r"(standaardcontractbepaling|standard contractual|standardvertragsklausel|clauses contractuelles types|adequaatheid|adequacy|angemessenheit|adéquation|privacy shield|data privacy framework|bindende bedrijfsvoorschriften|binding corporate rules)",
        "overige landen/other countries": r"(china|india|rusland|russia|verenigd koninkrijk|united kingdom|\buk\b|canada|australi|japan|singapore|brazili|israel|zwitserland|switzerland|schweiz|suisse)",
    },
    "legal_basis": {
        "toestemming/consent": r"(toestemming|consent\b|einwilligung|consentement)",
        "gerechtvaardigd belang/legitimate interest": r"(gerechtvaardigd(e)? belang|legitimate interest|berechtigte(n|s)? interesse|intérêt(s)? légitime)",
        "overeenkomst/contract": r"(uitvoering van (de|een) overeenkomst|performance of (a|the) contract|contractual necessity|erfüllung (eines|des) vertrag|exécution (d'un|du) contrat)",
        "wettelijke verplichting/legal obligation": r"(wettelijke verplichting|legal obligation|rechtliche verpflichtung|obligation légale)",
        "vitaal belang/vital interest": r"(vita(a|le)l(e)? belang|vital interest|lebenswichtige interessen|intérêts vitaux)",
        "algemeen belang/public interest": r"(algemeen belang|public interest|öffentlichen interesse|intérêt public)",
    },
    "contact": {
        "verwerkingsverantwoordelijke/controller": r"(verwerkingsverantwoordelijke|verantwoordelijke voor de verwerking|data controller|controller\b|verantwortliche|verantwortlicher|responsable (du|de) traitement)",
        "functionaris gegevensbescherming/DPO": r"(functionaris (voor de )?gegevensbescherming|data protection officer|dpo\b|datenschutzbeauftragte|délégué à la protection)",
        "vertegenwoordiger/representative": r"((eu|uk|eer|eea)[- ]vertegenwoordiger|vertegenwoordiger in de (eu|europese unie)|(eu|uk|eea|european) representative|representative in the (eu|uk|european union|eea)|vertreter in der (eu|union)|représentant (dans l'ue|en europe|dans l'union))",
        "toezichthouder/supervisory authority": r"(autoriteit persoonsgegevens|toezichthoudende autoriteit|toezichthouder|supervisory authority|data protection (authority|commission)|information commissioner|aufsichtsbehörde|datenschutzbehörde|cnil\b|autorité de contrôle)",
        "moedermaatschappij/parent company": r"(moedermaatschappij|moederbedrijf|parent company|muttergesellschaft|société mère|maison mère)",
    },
    "other": {
        "geautomatiseerde besluitvorming/automated decisions": r"(geautomatiseerde (besluit|beslis|verwerking)|automated (decision|processing)|automatisierte (entscheidung|verarbeitung)|(décision|traitement) automatisé)",
        "geschillen/disputes": r"(arbitrage|arbitration|schiedsverfahren|schiedsgericht|class action|collectieve actie|groepsvordering|sammelklage|action collective|geschillencommissie|dispute resolution)",
        "aansprakelijkheid/liability": r"(aansprakelijkheid|liability|haftung|responsabilité)",
        "herroeping/cancellation": r"(herroep|opzeg|annuler|annuleren|cancel(l)?ation|right to cancel|widerrufsrecht|kündigungsrecht|rétractation|résili)",
        "rechtsgebied/jurisdiction": r"(bevoegde rechter|toepasselijk recht|jurisdiction|governing law|gerichtsstand|anwendbares recht|juridiction compétente|droit applicable)",
    },
    "cookies_tracking": {
        "cookies": r"(cookie|témoin)",
        "tracking": r"(tracking|tracker|track(s|ed)?\b|volgsoftware|traceur|pixel|web ?beacon|fingerprinting|tag manager|local ?storage|sdk\b)",
        "analytics": r"(google analytics|analytics\b|analyse-?cookies|statistiek|webanalyse|mesure d'audience)",
        "advertentiecookies/advertising cookies": r"(advertentiecookie|marketingcookie|tracking ?cookie|advertising cookie|marketing cookie|werbe-?cookie|cookies publicitaires)",
    },
}

# Purposes are first-party use (OPP-115): compared one by one like data kinds.
PURPOSES: dict[str, str] = {
    "marketing": r"(marketing|direct ?marketing|reclame|werbung|werbezweck|prospection)",
    "advertenties/advertising": r"(advertentie|advertising|targeted ad|gepersonaliseerde advertent|publicité|anzeigen)",
    "profilering/profiling": r"(profilering|profiling|profilbildung|profilage|profiel(en)? (op ?te ?stellen|aanmaken|opbouwen)|build (a )?profile)",
    "personalisatie/personalisation": r"(personalis|personaliz|personnalis)",
    "nieuwsbrief/newsletter": r"(nieuwsbrief|newsletter|lettre d'information)",
    "onderzoek/research": r"(wetenschappelijk onderzoek|marktonderzoek|market research|scientific research|marktforschung|études de marché)",
    "AI-training": r"(trainen van (ai|modellen|algoritmes)|train(ing)? (our |of )?(ai|artificial intelligence|models|algorithms|machine[- ]learning)|künstliche intelligenz|intelligence artificielle|machine[- ]learning|kunstmatige intelligentie)",
    "fraudepreventie/fraud prevention": r"(fraude|fraud|betrug)",
    "kredietbeoordeling/credit scoring": r"(kredietwaardigheid|credit (check|scor)|bonitätsprüfung)",
}

TOPIC: dict[str, str] = {
    "first_party_collection": r"(verzamel|verwerk|registr|collect|gather|erheb|verarbeit|collect|recueill)",
    "third_party_sharing": r"(delen\b|deelt\b|gedeeld|verstrek|overdra|overgedragen|transfer|transmit|pass(?:es|ed|ing)? (?:it |them )?on\b|hand(?:s|ed|ing)? over|übermittel|transmet|verspreid|doorge(?:ven|geven|eft)|doorga(?:f|ven)\b|ontvanger|bekend (te )?maken|bekendmaken|openbaar maken|share|disclos|recipient|weitergeb|weitergegeben|empfänger|partag|communiqu|destinataire)",
    "data_retention": r"(bewaar|bewaren|bewaard|opslaan|opgeslagen|wissen|gewist|vernietig|verwijderd\b|retain|retention|store\b|stored|kept\b|keep\b|deleted\b|speicher|aufbewahr|bewahr|archivier|gelöscht|conserv|supprimé)",
    "user_choice_control": r"(afmeld|uitschrijv|intrekk|opt-?out|unsubscrib|withdraw|abmeld|abbestell|widerruf|désinscri|retirer)",
    "data_security": r"(beveilig|security|secure|sicherheit|sécurit|protég)",
    "policy_change": r"(wijziging(en)? (in|van|aan) (dit|deze|ons)|dit (privacy)?beleid (te )?wijzig|changes to (this|our)|update this (privacy )?(policy|notice)|änderungen (dieser|unserer)|modifications (de|à) (la|cette))",
    "contact": r"(contact|neem contact|e-?mail (naar|ons)|bel ons|kontakt|nous contacter|contactez)",
    "user_access_edit_deletion": r"(recht(en)? (op|van)|your rights|rights\b|betroffenenrechte|ihre rechte|vos droits)",
    "legal_basis": r"(grondslag|rechtsgrond|legal basis|lawful basis|rechtsgrundlage|base légale|fondement juridique|avg\b|gdpr\b|dsgvo\b|rgpd\b)",
}

# Well-known recipients and processors, matched case-insensitively as whole words.
ORGANISATIONS = (
    "google", "google analytics", "google ads", "doubleclick", "youtube", "facebook", "meta",
    "instagram", "whatsapp", "microsoft", "linkedin", "bing", "amazon", "aws", "apple",
    "twitter", "tiktok", "bytedance", "snapchat", "pinterest", "criteo", "salesforce",
    "hubspot", "mailchimp", "zendesk", "freshworks", "freshdesk", "intercom", "hotjar",
    "mixpanel", "segment", "stripe", "paypal", "mollie", "adyen", "klarna", "afterpay",
    "riverty", "cloudflare", "akamai", "openai", "anthropic", "oracle", "adobe", "sap",
    "twilio", "sendgrid", "postnl", "dhl", "ups", "experian", "equifax", "focum",
    "taboola", "outbrain", "yandex", "baidu", "alibaba", "tencent", "huawei", "trustpilot",
    "kiyoh", "bol.com", "booking.com", "matomo", "piwik", "mapbox", "hcaptcha", "recaptcha",
    "sentry", "datadog", "new relic", "optimizely", "vwo", "usercentrics", "cookiebot",
    "onetrust", "shopify", "wix", "squarespace", "wordpress", "jetpack", "clarity",
    "hermes", "gls", "dpd", "fedex", "tnt", "bpost", "colissimo", "chronopost", "deutsche post",
    "postnord", "sendcloud", "myparcel", "dhl parcel", "evri", "royal mail", "usps",
)  # fmt: skip

# Idioms that contain a negation word but negate nothing ("whether or not").
NEGATION_IDIOMS = (
    "al dan niet", "wel of niet", "of niet", "niet alleen", "niet enkel", "whether or not",
    "or not", "not only", "not just", "ob oder nicht", "oder nicht", "nicht nur", "ou non",
    "ou pas", "non seulement", "pas seulement",
)  # fmt: skip
NEGATIONS = frozenset(
    "niet geen nooit nimmer noch zonder not no never nor without cannot nicht kein keine "
    "keinen keiner keinem nie niemals ohne ne pas jamais aucun aucune sans ni".split()
)
PERMISSIVE = frozenset(
    "may might can could kan kunnen kunt mogen mag mogelijk darf dürfen kann können könnte "
    "peut peuvent pouvons pourrons pourrait pourraient".split()
)
DEFINITE = frozenset(
    "will shall must zal zullen zult moeten moet wordt worden werden wird muss müssen "
    "allons doit doivent devons sera seront".split()
)
MONTHS = frozenset(
    "januari februari maart april mei juni juli augustus september oktober november december "
    "january february march may june july august october december jan feb mar apr jun jul aug "
    "sep sept oct nov dec januar februar märz juni juli oktober dezember janvier février mars "
    "avril mai juin juillet août septembre octobre novembre décembre".split()
)
NUMBER_WORDS = {
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "achttien": 18,
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "honderd": 100,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18,
    "twenty": 20, "thirty": 30, "anderhalf": 1.5, "anderthalb": 1.5, "eineinhalb": 1.5, "forty": 40, "fifty": 50, "ninety": 90, "hundred": 100,
    "ein": 1, "eine": 1, "einem": 1, "einen": 1, "zwei": 2, "drei": 3, "sechs": 6,
    "sieben": 7, "zehn": 10, "zwölf": 12, "dreißig": 30, "un": 1, "une": 1, "deux": 2,
    "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "dix": 10, "douze": 12, "trente": 30,
}  # fmt: skip
