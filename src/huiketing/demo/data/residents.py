"""Pools for the demo's synthetic registry: ethnic mix, names, household shapes, visit notes.

Every resident's name starts with 示例· ("example") so that no one mistakes the demo registry for real people;
ID numbers and phones are invented (see demo/registry.py).
"""

from huiketing.demo.data.people import (
    HAN_GIVEN,
    HAN_SURNAMES,
    HUI_GIVEN,
    HUI_SURNAMES,
    KAZAKH_FATHERS,
    KAZAKH_GIVEN,
    UYGHUR_FATHERS,
    UYGHUR_GIVEN,
)

NAME_PREFIX = "示例·"

# GB/T 3304 codes and a rough weight for Altay City's urban households.
ETHNIC_GROUPS = {
    "01": 45,  # Han
    "17": 34,  # Kazakh
    "03": 9,  # Hui
    "05": 7,  # Uyghur
    "02": 3,  # Mongol
    "11": 2,  # Manchu
}

# Han-style names (surname + given name) and Kazakh/Uyghur/Mongol-style names (given · father's name).
SURNAME_POOLS = {
    "01": (HAN_SURNAMES, HAN_GIVEN),
    "03": (HUI_SURNAMES, HUI_GIVEN),
    "11": (HAN_SURNAMES, HAN_GIVEN),
}
MONGOL_GIVEN = ("巴特尔", "其其格", "乌兰", "朝鲁", "格日勒", "阿拉坦", "苏和", "娜仁", "孟克", "图雅")
PATRONYMIC_POOLS = {
    "17": (KAZAKH_GIVEN, KAZAKH_FATHERS),
    "05": (UYGHUR_GIVEN, UYGHUR_FATHERS),
    "02": (MONGOL_GIVEN, MONGOL_GIVEN),
}
CHILD_GIVEN_HAN = ("子涵", "欣怡", "浩然", "梓萱", "宇轩", "诗琪", "俊杰", "雨桐", "一诺", "思远")

LANGUAGES = {"01": "zh-hans", "03": "zh-hans", "11": "zh-hans", "02": "zh-hans", "17": "kk", "05": "ug"}

# Household size → weight (mean about 2.6 people).
HOUSEHOLD_SIZES = {1: 22, 2: 30, 3: 25, 4: 15, 5: 8}
HOUSEHOLD_TYPES = {"owner": 70, "tenant": 26, "collective": 4}

VISIT_NOTES = (
    ("入户走访，家中一切正常。", ""),
    ("老人独居，精神尚可，已提醒冬季取暖和用电安全。", "一周后电话回访。"),
    ("住户反映楼道灯不亮。", "已报物业维修，三日内复查。"),
    ("核对了家庭成员信息，无变化。", ""),
    ("住户咨询低保年审材料。", "下次入户带申请表。"),
    ("家中有行动不便的老人，需要助餐服务。", "联系社区食堂登记送餐。"),
)
