#!/usr/bin/env python3
"""Check that every seed page carries its seed text in its visible text.

Usage: /work/venv/bin/python seeds/check_pages.py

For each entry of seeds/policies.json the page is parsed with lxml using the
encoding recorded in the entry (which must also be the charset the page
declares, and must decode the file strictly).  The visible text is the text
of the document minus <head>, <script>, <style>, <noscript>, <template>,
inline <svg>, comments, and any element carrying the `hidden` attribute or an
inline `display:none` / `visibility:hidden` style.  Every non-empty line of
the seed text (leading "•" bullet stripped, whitespace collapsed) must occur
in that visible text (whitespace collapsed).  Prints OK/FAIL per page and
exits non-zero if any page fails.
"""
import codecs
import json
import re
import sys
from pathlib import Path

import lxml.html

HERE = Path(__file__).resolve().parent

SKIP = {"head", "script", "style", "noscript", "template", "svg", "title", "iframe"}
BLOCK = {
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd",
    "details", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li",
    "main", "nav", "ol", "option", "p", "pre", "section", "select", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "center",
}
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)


def norm(s):
    return " ".join(s.split())


def seed_lines(text):
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("\u2022"):
            line = line[1:]
        line = norm(line)
        if line:
            yield line


def is_hidden(el):
    return el.get("hidden") is not None or bool(HIDDEN_STYLE.search(el.get("style") or ""))


def visible_text(root):
    parts = []

    def walk(el):
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if tag is not None and tag not in SKIP and not is_hidden(el):
            block = tag in BLOCK
            if block:
                parts.append("\n")
            if el.text:
                parts.append(el.text)
            for child in el:
                walk(child)
            if block:
                parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    return "".join(parts)


def cf_decode(hexstr):
    key = int(hexstr[:2], 16)
    return "".join(chr(int(hexstr[i:i + 2], 16) ^ key) for i in range(2, len(hexstr), 2))


def check(entry):
    problems = []
    page = HERE / entry["page"]
    data = page.read_bytes()
    enc = entry["encoding"]
    declared = CHARSET.search(data[:4096])
    if not declared:
        problems.append("no charset declared in page")
    elif codecs.lookup(declared.group(1).decode("ascii")).name != codecs.lookup(enc).name:
        problems.append("page declares %s, policies.json says %s" % (declared.group(1).decode(), enc))
    try:
        data.decode(enc)
    except UnicodeDecodeError as exc:
        problems.append("file is not valid %s: %s" % (enc, exc))

    parser = lxml.html.HTMLParser(encoding=enc)
    root = lxml.html.document_fromstring(data, parser=parser)
    text = norm(visible_text(root))

    lines = list(seed_lines((HERE / entry["text"]).read_text(encoding="utf-8")))
    missing = [line for line in lines if line not in text]
    for line in missing:
        problems.append("missing line: %r" % (line[:90] + ("..." if len(line) > 90 else "")))

    # Cloudflare e-mail protection: href fragment and data-cfemail must agree.
    for el in root.xpath("//*[@data-cfemail]"):
        addr = cf_decode(el.get("data-cfemail"))
        link = el if el.tag == "a" else next(el.iterancestors("a"), None)
        href = link.get("href", "") if link is not None else ""
        if "email-protection#" in href and cf_decode(href.split("#", 1)[1]) != addr:
            problems.append("cf-email href and data-cfemail disagree")
        if "@" not in addr:
            problems.append("cf-email does not decode to an address: %r" % addr)

    return len(lines), len(data), problems


def main():
    entries = json.loads((HERE / "policies.json").read_text(encoding="utf-8"))
    failed = 0
    for entry in entries:
        nlines, size, problems = check(entry)
        status = "FAIL" if problems else "OK"
        print("%-4s %-45s %-12s %6d bytes  %d seed lines" % (status, entry["page"], entry["encoding"], size, nlines))
        for p in problems:
            print("       " + p)
        failed += bool(problems)
    print("%d/%d pages OK" % (len(entries) - failed, len(entries)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
