"""The door access check: may this person enter the rooms behind this door, now?"""
