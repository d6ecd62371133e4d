"""Inspections (隐患排查): checklist templates, inspection points with QR codes, plans from
shift rounds to yearly with their due dates, and records whose failed items become hidden
dangers in one step."""
