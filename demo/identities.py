"""Fixed demo organisations shared by the demo data and the ACM/IDM stand-in.

The stand-in's demo people hold rights for these KBO numbers, and
`load_demo_data` creates the same organisations in the portal, so that a demo
sign-in lands on an organisation with data. The numbers pass the mod-97 check
but are made up.
"""

DEMO_ORGANISATIONS = [
    # (KBO number, name)
    ("0123456749", "Vormingscentrum Schelde"),
    ("0234567873", "Adviesbureau Leie & Partners"),
    ("0345678997", "Kennisatelier Kempen"),
]
# An SME (client) for the "Gebruiker" profile.
DEMO_SME = ("0456789034", "Bakkerij De Gouden Korst")
