"""The recurring concerns a reader of the Southampton LSCB log (2013-2017) finds in it, written
down from the log itself before the method that finds them was written.

A recurring concern is the same concern raised again on a later date, to the same agency or to
several. Each group below must come out of the method together (it may hold more); the pairs
at the end must never share a group.
"""

# (references that belong together, the reason)
EXPECTED = [
    (
        {"1", "92", "109"},
        "The police not attending the Monitoring and Evaluation group and its Section 11 "
        "meetings: raised in 2013, again in February 2016 and September 2016.",
    ),
    (
        {"115", "137"},
        "Adult social care not attending the Serious Case Review group's meetings: "
        "October 2016 and again March 2017.",
    ),
    (
        {"35", "44", "50", "71", "79", "87", "89", "97"},
        "Section 11 returns missing, late, on the wrong template or not good enough: NPS 2014, "
        "Solent NHS three times (2014, 2015, 2015), Licensing 2015, CAFCASS 2015, adult social "
        "care 2016, all agencies 2016.",
    ),
    (
        {"36", "104", "116"},
        "Agencies without an e-safety policy: CAFCASS 2014, the National Probation Service "
        "and Housing's out-of-school clubs in 2016.",
    ),
    (
        {"65", "83", "84", "85"},
        "Return interviews for missing children: Barnardos' figures not matching the number "
        "of missing episodes (2015, twice), its contract's 5 days against the 72 hours of the "
        "guidance, and no interviews for children placed out of the city.",
    ),
    (
        {"25", "68", "82", "90", "112", "136"},
        "Elective home education: raised in 2014, 2015 (twice), 2016 (twice) and 2017.",
    ),
    (
        {"117", "132"},
        "The MASH no longer engaging the voluntary sector: November 2016 and March 2017.",
    ),
    (
        {"42", "77", "88"},
        "Commissioners (the CCG and the Integrated Commissioning Unit) assuring the "
        "safeguarding quality of the services they commission: 2014, 2015, 2016.",
    ),
    (
        {"74", "78"},
        "Safeguarding missing from job descriptions: the local authority and the National "
        "Probation Service, September and October 2015.",
    ),
    (
        {"99", "108"},
        "Health and mental health staff not attending child protection conferences: "
        "July and August 2016.",
    ),
    (
        {"101", "113"},
        "Cuts to the children's services budget and their effect on safeguarding: July and "
        "October 2016.",
    ),
]

# Pairs that share words or an agency but not a concern.
APART = [
    ("104", "35", "both to the National Probation Service: an e-safety policy, not its return"),
    ("36", "71", "both to CAFCASS: an e-safety policy, not its Section 11 return"),
    ("1", "35", "a meeting not attended is not a Section 11 return found wanting"),
    ("83", "97", "return interviews for missing children are not Section 11 returns"),
    ("25", "97", "home education is not Section 11"),
    ("117", "22", "the voluntary sector's place in the MASH is not police staffing of it"),
]

# Challenges that raise a concern once: in no group at all.
ALONE = {
    "148": "the council's emergency plan",
    "147": "safety in tower blocks",
    "111": "a magistrate's ruling on physical chastisement",
    "66": "the child death overview panel's arrangements",
    "129": "the executive group's own format",
    "95": "home to school transport",
    "56": "another board's serious case review decision",
}
