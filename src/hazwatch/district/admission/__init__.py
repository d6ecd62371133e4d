"""Admission review of construction projects involving hazardous chemicals (危险化学品建设项目
立项多部门联合审查, seed 001 measure 3), with their 两重点一重大 flags."""
