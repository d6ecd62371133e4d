"""What the platform catalogue knows of each GB 18218-2018 Table 1 row beyond the standard's
own columns: its English name, UN number and the regulatory flags.

Sources (the flags are regulatory lists, not properties of the substance):

- ``highly_toxic`` (剧毒): the 剧毒 mark of the Catalogue of Hazardous Chemicals (危险化学品目录,
  2015 edition).
- ``key_supervised`` (重点监管): the first (安监总管三〔2011〕95号) and second
  (安监总管三〔2013〕12号) batches of key-supervised hazardous chemicals.
- ``explosive_precursor`` (易制爆): the 易制爆危险化学品名录 (2017 edition).
- UN numbers: the UN Model Regulations (Recommendations on the Transport of Dangerous Goods).

Not verified against a reference copy: the project's reference set holds GB 18218-2018's
tables (rows, names, aliases, CAS numbers and Q here match it) but none of the three lists, so
each flag stands on the list named above as read when the row was added.

A row absent here, or a flag left False, means "not on that list" only as far as this table
knows: rows are added as they are checked against the lists, and an enterprise or the platform
administrator completes entries by CSV / Excel import. The catalogue serials of the 2015
Catalogue are not copied here (only nitrogen's, 172, which DOMAIN §6 gives): they need the
Catalogue itself at hand.
"""

from __future__ import annotations

from typing import NamedTuple


class Known(NamedTuple):
    name_en: str
    un_number: str | None = None
    highly_toxic: bool = False
    key_supervised: bool = False
    explosive_precursor: bool = False


T = True

#: GB 18218-2018 Table 1 row (序号) → what is known of it.
TABLE1_KNOWN: dict[int, Known] = {
    1: Known("Ammonia", "1005", key_supervised=T),
    3: Known("Nitrogen dioxide", "1067"),
    4: Known("Sulphur dioxide", "1079", key_supervised=T),
    5: Known("Fluorine", "1045"),
    6: Known("Carbonyl chloride (phosgene)", "1076", highly_toxic=T, key_supervised=T),
    7: Known("Ethylene oxide", "1040", key_supervised=T),
    9: Known("Phosphine", "2199", highly_toxic=T, key_supervised=T),
    10: Known("Hydrogen sulphide", "1053", key_supervised=T),
    11: Known("Hydrogen chloride, anhydrous", "1050"),
    12: Known("Chlorine", "1017", key_supervised=T),
    14: Known("Arsine", "2188", highly_toxic=T),
    17: Known("Methyl bromide", "1062"),
    18: Known("Acetone cyanohydrin", "1541", highly_toxic=T, key_supervised=T),
    19: Known("Acrolein", "1092", highly_toxic=T, key_supervised=T),
    20: Known("Hydrogen fluoride", "1052", key_supervised=T),
    21: Known("Epichlorohydrin", "2023", key_supervised=T),
    23: Known("Toluene diisocyanate", "2078", key_supervised=T),
    24: Known("Sulphur monochloride", "1828"),
    25: Known("Hydrogen cyanide", "1051", highly_toxic=T, key_supervised=T),
    26: Known("Sulphur trioxide", "1829", key_supervised=T),
    27: Known("Allylamine", "2334", key_supervised=T),
    28: Known("Bromine", "1744"),
    29: Known("Ethyleneimine", "1185", highly_toxic=T),
    30: Known("Methyl isocyanate", "2480", highly_toxic=T, key_supervised=T),
    36: Known("Nitroglycerin", key_supervised=T),
    37: Known("Nitrocellulose (dry or wetted < 25 %)", key_supervised=T),
    38: Known("Nitrocellulose (unmodified or plasticised < 18 %)", key_supervised=T),
    39: Known("Nitrocellulose (with ≥ 25 % alcohol)", key_supervised=T),
    40: Known("Nitrocellulose (nitrogen ≤ 12.6 %)", key_supervised=T),
    41: Known("Nitrocellulose (with ≥ 25 % water)", key_supervised=T),
    42: Known("Nitrocellulose solution", key_supervised=T),
    43: Known("Ammonium nitrate (combustibles > 0.2 %)", key_supervised=T),
    44: Known("Ammonium nitrate (combustibles ≤ 0.2 %)", key_supervised=T),
    46: Known("Potassium nitrate", "1486", explosive_precursor=T),
    47: Known("1,3-Butadiene", "1010", key_supervised=T),
    48: Known("Dimethyl ether", "1033", key_supervised=T),
    49: Known("Methane, natural gas", "1971", key_supervised=T),
    50: Known("Vinyl chloride", "1086", key_supervised=T),
    51: Known("Hydrogen", "1049", key_supervised=T),
    52: Known("Liquefied petroleum gas", "1075", key_supervised=T),
    53: Known("Methylamine", "1061", key_supervised=T),
    54: Known("Acetylene", "1001", key_supervised=T),
    55: Known("Ethylene", "1962", key_supervised=T),
    56: Known("Oxygen (compressed or liquefied)", "1072"),
    57: Known("Benzene", "1114", key_supervised=T),
    58: Known("Styrene", "2055", key_supervised=T),
    59: Known("Acetone", "1090"),
    60: Known("Acrylonitrile", "1093", key_supervised=T),
    61: Known("Carbon disulphide", "1131", key_supervised=T),
    62: Known("Cyclohexane", "1145"),
    63: Known("Propylene oxide", "1280", key_supervised=T),
    64: Known("Toluene", "1294", key_supervised=T),
    65: Known("Methanol", "1230", key_supervised=T),
    66: Known("Gasoline (incl. ethanol and methanol gasoline)", "1203", key_supervised=T),
    67: Known("Ethanol", "1170"),
    68: Known("Diethyl ether", "1155", key_supervised=T),
    69: Known("Ethyl acetate", "1173", key_supervised=T),
    70: Known("n-Hexane", "1208"),
    71: Known("Peracetic acid", key_supervised=T, explosive_precursor=T),
    72: Known("Methyl ethyl ketone peroxide", key_supervised=T),
    73: Known("White phosphorus", "1381"),
    76: Known("Potassium peroxide", "1491", explosive_precursor=T),
    77: Known("Sodium peroxide", "1504", explosive_precursor=T),
    78: Known("Potassium chlorate", "1485", key_supervised=T, explosive_precursor=T),
    79: Known("Sodium chlorate", "1495", key_supervised=T, explosive_precursor=T),
    80: Known("Fuming nitric acid", "2032", explosive_precursor=T),
    81: Known("Nitric acid (> 70 %, other than red fuming)", "2031", explosive_precursor=T),
    82: Known("Guanidine nitrate", "1467", key_supervised=T, explosive_precursor=T),
    83: Known("Calcium carbide", "1402"),
    84: Known("Potassium", "2257", explosive_precursor=T),
    85: Known("Sodium", "1428", explosive_precursor=T),
}
