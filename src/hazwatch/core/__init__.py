"""Foundation shared by every domain: settings, database, clock, errors, i18n, auth and audit."""
