"""Photos and documents attached to safety records (a hidden danger's report, rectification
and acceptance; an inspection record), kept in a local folder or an S3-compatible store."""
