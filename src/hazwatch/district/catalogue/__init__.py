"""The district's prohibited / restricted / controlled catalogue of processes and products
(化工产业“禁限控”目录, seed 001 measure 1) as versioned data."""
