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
# More SMEs (clients) for the demo dossiers (demo.projects): they only buy services, and
# nobody signs in for them; An Willems of Bakkerij De Gouden Korst is the SME who does.
DEMO_CLIENTS = [
    {
        "kbo": "0310000122",
        "name": "Schrijnwerkerij Van Acker",
        "size": "small",
        "person": ("Joris", "Van Acker"),
        "postcode": "8500",
        "place": "Kortrijk",
        "street": "Meensesteenweg",
        "number": "212",
    },
    {
        "kbo": "0320000228",
        "name": "Drukkerij Mertens & Zonen",
        "size": "medium",
        "person": ("Katrien", "Mertens"),
        "postcode": "9000",
        "place": "Gent",
        "street": "Wiedauwkaai",
        "number": "31",
    },
    {
        "kbo": "0330000334",
        "name": "Brouwerij Het Kempisch Vat",
        "size": "small",
        "person": ("Stijn", "Hermans"),
        "postcode": "2300",
        "place": "Turnhout",
        "street": "Steenweg op Gierle",
        "number": "88",
    },
    {
        "kbo": "0340000440",
        "name": "Transport Lambrechts",
        "size": "medium",
        "person": ("Els", "Lambrechts"),
        "postcode": "3600",
        "place": "Genk",
        "street": "Industrieweg",
        "number": "5",
    },
]
