"""The hidden-danger (隐患) closed loop: report → grade → rectification order → rectify →
self-check → acceptance by someone else → closed (DOMAIN §7)."""
