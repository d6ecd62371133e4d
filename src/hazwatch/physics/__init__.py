"""Pure oxygen-deficiency physics: well-mixed room models, fatality factor, ODH class,
liquid-to-gas expansion. No database, no I/O."""
