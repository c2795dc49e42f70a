"""``mlworth-xl excel``: set up the Excel functions (being built)."""
