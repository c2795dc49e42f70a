"""``mlworth-xl workbook``: write the comparison workbook (being built)."""
