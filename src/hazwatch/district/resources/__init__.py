"""Emergency resources (应急救援共享装备库与救援队伍, seed 001 measure 15): the district's
shared equipment library, rescue teams, and equipment dispatch to an incident or drill."""
