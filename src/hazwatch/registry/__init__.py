"""Who is where: organisations, premises, leases, supplies, licences, jurisdictions and
supervision assignments, and the findings computed from them."""
