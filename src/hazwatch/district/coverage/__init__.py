"""Coverage indicators (seed 001 measures 11, 16, 17, 19): per district and department,
numerator, denominator, target and the missing items, also filled into the monthly
progress report of the task they measure."""
