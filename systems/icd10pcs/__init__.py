"""ICD-10-PCS: CMS's procedure code tables, read into plain values (no database, no GraphQL).

``tables`` reads the tables file and expands every row into its codes, ``titles`` words each
code's official long title, ``definitions`` and ``index`` read the definitions file and the
Alphabetic Index, ``bundled`` names the files the project ships.
"""
