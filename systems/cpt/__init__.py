"""CPT (HCPCS Level I), the AMA's procedure codes, loaded from the operator's own licensed data
file release: medcode ships no CPT content (see ``importer`` for the layouts it reads)."""
