"""Hazardous chemicals: catalogue, inventory and GB 18218-2018 major hazards (DOMAIN §6)."""
