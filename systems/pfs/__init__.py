"""The Medicare Physician Fee Schedule relative value file: its layout, reader and payments."""
