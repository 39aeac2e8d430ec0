"""Where a family can be: the jurisdictions the site knows, and which of them are the UK."""

JURISDICTIONS = {
    "england": "England",
    "wales": "Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
    "us": "United States",
    "eu": "European Union",
    "australia": "Australia",
}
UK = ("england", "wales", "scotland", "northern-ireland")
