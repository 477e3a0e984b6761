"""Themes suggested for a challenge by keyword rules a reader can check.

Each theme lists the words and phrases that suggest it. A challenge (its text and its agreed
action) gets every theme one of whose rules it matches, and the matching words are kept so the
page can say why. Nothing is learnt or downloaded: the rules below are the whole method, and
staff correct any suggestion on the challenge's page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ThemeRule:
    slug: str
    name: str
    description: str
    patterns: tuple[str, ...]

    @property
    def regex(self) -> re.Pattern:
        return _compiled(self)


THEMES: tuple[ThemeRule, ...] = (
    ThemeRule(
        "attendance-and-engagement",
        "Attendance and engagement",
        "An agency not attending, represented at or engaging with the partnership's work.",
        (
            r"attend\w*",
            r"non[- ]attendance",
            r"(?:no|lack of) representation",
            r"(?:not|non)[- ]?(?:currently )?(?:involved|engag\w*)",
            r"lack of (?:engagement|involvement)",
            r"engagement (?:level|with)",
            r"involvement (?:in|with)",
        ),
    ),
    ThemeRule(
        "section-11-and-audit-returns",
        "Section 11 and audit returns",
        "Section 11 (Children Act 2004) self-assessments and other audit returns.",
        (
            r"s\.?\s?11s?\b",
            r"section\s*11",
            r"multi[- ]agency (?:practice review )?audit",
            r"same standard as",
        ),
    ),
    ThemeRule(
        "training",
        "Training",
        "Safeguarding training: what is offered, to whom, and whether it is taken up.",
        (
            r"training",
            r"trained",
            r"e-?learning",
            r"learning needs",
            r"course",
        ),
    ),
    ThemeRule(
        "exploitation-and-missing-children",
        "Exploitation and missing children",
        "Child sexual and criminal exploitation, children who go missing, return interviews.",
        (
            r"\bcse\b",
            r"exploitation",
            r"seraf",
            r"go(?:ing)? missing",
            r"missing (?:young people|children|child|episodes)",
            r"missing/absent",
            r"return (?:from missing )?interviews?",
            r"return from missing",
            r"sexual offend\w*",
            r"trafficking",
        ),
    ),
    ThemeRule(
        "education-and-home-education",
        "Education and home education",
        "Schools, early years, the virtual school, children missing education, home education.",
        (
            r"educat\w*",
            r"school",
            r"\behe\b",
            r"\bcme\b",
            r"pupil",
            r"early years",
        ),
    ),
    ThemeRule(
        "domestic-abuse",
        "Domestic abuse",
        "Domestic abuse, domestic homicide reviews and harmful practices such as FGM.",
        (
            r"domestic (?:abuse|violence)",
            r"\bdva?\b",
            r"\bdhrs?\b",
            r"caada",
            r"\bdash\b",
            r"\bfgm\b",
            r"genital mutilation",
        ),
    ),
    ThemeRule(
        "mental-health",
        "Mental health",
        "Mental health services for children and for the adults around them.",
        (r"mental health", r"\bcamhs\b"),
    ),
    ThemeRule(
        "substance-misuse",
        "Substance misuse",
        "Drug and alcohol services and parental substance misuse.",
        (r"substance", r"\bdrugs?\b", r"alcohol", r"methadone"),
    ),
    ThemeRule(
        "budgets-and-staffing",
        "Budgets and staffing",
        "Budgets, cuts and reductions to services, staffing levels, posts and workloads.",
        (
            r"budget",
            r"\bcuts?\b",
            r"funding",
            r"\bgrant\b",
            r"savings",
            r"reduc\w+ (?:in|to|investment)",
            r"reductions?",
            r"staffing",
            r"staff levels",
            r"retain\w*",
            r"workload",
            r"merg\w+ (?:\w+ )?roles?",
            r"role merg\w*",
            r"\bpost\b",
            r"removal of",
            r"supervision for",
            r"transformational change",
        ),
    ),
    ThemeRule(
        "policies-and-procedures",
        "Policies and procedures",
        "Policies, procedures, protocols, thresholds and the documents that set them out.",
        (
            r"polic(?:y|ies)",
            r"procedures?",
            r"protocol",
            r"guidance",
            r"threshold",
            r"flow ?chart",
            r"crib sheet",
            r"job descriptions?",
            r"strategy meetings?",
            r"continuum of need",
            r"risk assessment",
            r"action plans?",
        ),
    ),
    ThemeRule(
        "information-sharing",
        "Information sharing",
        "Sharing information between agencies and getting it to where it is needed.",
        (
            r"information[- ]sharing",
            r"shar\w+ information",
            r"information (?:passed|required|sharing|goes)",
            r"access to information",
            r"receiving all information",
            r"communicat\w*",
            r"flag up",
            r"pathways? to",
            r"passed to",
        ),
    ),
    ThemeRule(
        "data-and-performance",
        "Data and performance",
        "Figures, data sets and performance measures, and whether they add up.",
        (
            r"\bdata\b",
            r"data ?set",
            r"figures",
            r"indicators",
            r"statistic\w*",
            r"performance",
            r"discrepanc\w*",
            r"tally",
            r"referrals? (?:to|received)",
            r"drop (?:of|in) numbers",
            r"who makes the referrals",
        ),
    ),
    ThemeRule(
        "online-safety",
        "Online safety",
        "E-safety policies and keeping children safe online.",
        (r"\be[- ]?safety", r"online safety", r"internet", r"network access"),
    ),
)

BY_SLUG = {rule.slug: rule for rule in THEMES}

_CACHE: dict[str, re.Pattern] = {}


def _compiled(rule: ThemeRule) -> re.Pattern:
    if rule.slug not in _CACHE:
        # Matched against lower-cased text: about three times faster than IGNORECASE.
        _CACHE[rule.slug] = re.compile("|".join(f"(?:{p})" for p in rule.patterns))
    return _CACHE[rule.slug]


def suggest(text: str, action: str = "") -> dict[str, list[str]]:
    """The themes a challenge's text and action suggest, each with the words that matched."""
    found: dict[str, list[str]] = {}
    body = f"{text}\n{action}".lower()
    for rule in THEMES:
        matches = list(dict.fromkeys(match.group(0) for match in rule.regex.finditer(body)))
        if matches:
            found[rule.slug] = matches
    return found
