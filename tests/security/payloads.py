"""Hostile text: what past CRM breaches put in contact names, notes and tags.

Each payload, if it ever ran, would either open a dialog (`alert`/`confirm`/`prompt`) or add
an element carrying the attribute `data-pwned`, which test_hostile_text looks for. Sources:
Monica CVE-2024-54994/54996, Mautic CVE-2021-27911, EspoCRM CVE-2019-14331 (stored XSS in
names and notes); pyvis 0.3.2's tooltips, which are set with innerHTML; template injection;
SuiteCRM CVE-2021-25960 and EspoCRM GHSA-xrwp-2gph-985x (formula injection in exports).
"""

from __future__ import annotations

#: Script injection. Kept short enough (<= 120 chars) to fit a 120-character column.
SCRIPT = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><img src=x data-pwned=1 onerror=alert(2)>",
    "</textarea><script>alert(3)</script>",
    "</title><script>alert(4)</script>",
    '" autofocus onfocus=alert(5) x="',
    "' onmouseover='alert(6)' x='",
    "<a href=\"javascript:alert(7)\" data-pwned=1>click</a>",
    "javascript:alert(8)",
    "<iframe src=\"javascript:alert(9)\" data-pwned=1></iframe>",
    "<details open ontoggle=alert(10) data-pwned=1>",
    "<b data-pwned=1>bold</b><i>tooltip html</i>",  # pyvis title: raw HTML in a tooltip
    "<a href=x title=t data-pwned=1>href plus html</a>",  # pyvis's raw-HTML switch: href + markup
    "</script><script>alert(11)</script>",  # breaking out of a JSON <script> block
    "<!--<script>alert(12)</script>-->",
    "<math><mi xlink:href=\"javascript:alert(13)\" data-pwned=1>x</mi></math>",
    "<svg><animate onbegin=alert(14) attributeName=x dur=1s>",
    "<div hx-get=\"/logout\" hx-trigger=\"load\" data-pwned=1>htmx</div>",  # htmx attribute injection
    "<form action=//evil.example data-pwned=1><button>go</button></form>",
    "\u202e<img src=x onerror=alert(15)>",  # right-to-left override plus markup
    "<style>@import 'http://evil.example/x.css';</style><p data-pwned=1>",
]

#: Template injection: Jinja, JavaScript template literals, Angular/Vue-style mustaches.
TEMPLATE = [
    "{{7*7}}",
    "${7*7}",
    "{% print(7*7) %}",
    "{{config.SECRET_KEY}}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{constructor.constructor('alert(16)')()}}",
]

ALL = SCRIPT + TEMPLATE

#: Spreadsheet formula injection: triggers, leading whitespace and control characters.
FORMULA = [
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\x00=1+1",
    "  =1+1",
    " @SUM(1)",
    "=cmd|' /C calc'!A0",
    "\n=1+1",
    "\x0b+1",
]

#: What a rendered page must never show: the result of evaluating a template payload.
EVALUATED = ("49", "test-secret-key")
