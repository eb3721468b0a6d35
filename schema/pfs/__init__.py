"""GraphQL types of the Medicare Physician Fee Schedule (``Code.fee``)."""
