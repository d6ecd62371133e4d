"""The district programme (seed 001): the regulated chains that run across several
enterprises of a district (hazardous-waste transfer, hazardous-goods transport), built on
the registry, findings and supervision dispatch."""
