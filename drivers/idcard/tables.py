"""Code tables printed on the chip: gender (GB/T 2261.1) and nation (GB 3304)."""

from __future__ import annotations

GENDERS = {"0": "unknown", "1": "male", "2": "female", "9": "unstated"}
GENDER_CODES = {name: code for code, name in GENDERS.items()}

_NATION_NAMES = (
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
)  # GB 3304 codes 01 to 56, in order
NATIONS: dict[str, str] = {f"{i:02d}": name for i, name in enumerate(_NATION_NAMES, start=1)}
NATIONS["97"] = "其他"
NATIONS["98"] = "外国血统中国籍人士"
NATION_CODES = {name: code for code, name in NATIONS.items()}

assert len(_NATION_NAMES) == 56  # noqa: S101 (a table check at import, cheap and final)
