"""Demo accounts (DESIGN.md §5), their organisations, and the name pool of the 89 grid leaders.

All names are invented; they mix the Han, Kazakh, Hui and Uyghur names common in Altay.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Organisation:
    key: str
    kind: str
    names: dict[str, str]
    place_code: str


ORGANISATIONS = (
    Organisation(
        "care_centre",
        "institution",
        {
            "zh-hans": "阿勒泰市夕阳红养老服务中心",
            "ug": "ئالتاي شەھىرى شىياڭخۇڭ ياشانغانلار مۇلازىمەت مەركىزى",
            "kk": "التاي قالاسى شياڭحوڭ قارتتارعا قىزمەت كورسەتۋ ورتالىعى",
            "en": "Altay City Xiyanghong Elderly Care Service Center",
        },
        "654301001001",
    ),
    Organisation(
        "market_regulation",
        "department",
        {
            "zh-hans": "阿勒泰市市场监督管理局",
            "ug": "ئالتاي شەھەرلىك بازار نازارەت قىلىش باشقۇرۇش ئىدارىسى",
            "kk": "التاي قالالىق بازاردى قاداعالاۋ-باسقارۋ مەكەمەسى",
            "en": "Altay City Administration for Market Regulation",
        },
        "654301",
    ),
    Organisation(
        "milk_tea_house",
        "merchant",
        {
            "zh-hans": "克兰河畔奶茶馆",
            "ug": "قىران بويى ئەتكەنچاي ئۆيى",
            "kk": "قىران جاعاسى ٴسۇتتى شاي ٴۇيى",
            "en": "Kelan Riverside Milk Tea House",
        },
        "654301001001",
    ),
)


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    # Where the role applies: "city", "subdistrict", "community", "grid" (the demo's places around the
    # city centre), or "" for the administrator; organisation roles name an organisation key instead.
    scope: str = ""
    organisation: str = ""
    language: str = "zh-hans"


ACCOUNTS = (
    Account("admin", "平台管理员", "admin"),
    Account("city", "刘志强", "city_officer", scope="city"),
    Account("subdistrict", "赵丽娟", "subdistrict_officer", scope="subdistrict"),
    Account("community", "古丽米拉·阿不都", "community_staff", scope="community", language="ug"),
    Account("gridleader", "王建华", "grid_leader", scope="grid"),
    Account("resident", "努尔兰·别克", "resident", scope="grid", language="kk"),
    Account("canteen", "马晓燕", "institution_operator", organisation="care_centre"),
    Account("department", "张伟", "department_staff", organisation="market_regulation"),
    Account("merchant", "叶尔兰·哈力木", "merchant", organisation="milk_tea_house"),
    Account("partymember", "陈红梅", "party_member", scope="community"),
    Account("volunteer", "阿依达娜·塔斯肯", "volunteer", scope="community"),
)

GRID_LEADER_PREFIX = "gl_"


# Name pools for the grid leaders, drawn with a fixed seed (loader.py). Han and Hui names are surname +
# given name; Kazakh and Uyghur names are given name · father's name, as written in Chinese in Xinjiang.
def _words(text: str) -> list[str]:
    return text.split()


HAN_SURNAMES = _words("王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 罗 梁 宋 郑 谢 唐 冯 于 董")
HAN_GIVEN = _words(
    "建华 秀英 志强 丽娟 海燕 国庆 玉兰 文军 晓梅 春梅 德明 雪莲 建军 桂芳 红霞 永刚 淑琴 "
    "伟 静 磊 芳 敏 勇 丽 军 霞 斌 娜 新疆 立新 爱华 春燕"
)
HUI_SURNAMES = _words("马 韩 丁 白 沙 哈")
HUI_GIVEN = _words("晓燕 文斌 玉芳 建新 秀兰 海龙 明 福祥 红 占山 兰花 国福")
KAZAKH_GIVEN = _words(
    "努尔兰 叶尔兰 哈那提 阿斯哈尔 巴合提亚尔 叶尔肯 达吾列提 阿合买提 加尔肯 赛力克 别克波拉提 "
    "阿依达娜 古丽娜尔 加娜尔 沙吾列 玛依拉 热依汗 阿依努尔 古丽巴哈尔 巴合提古丽"
)
KAZAKH_FATHERS = _words(
    "别克 哈力木 努尔别克 塔斯肯 木拉提 吐尔逊别克 阿布都拉 叶尔江 江布尔 赛力克 马合沙提 加肯 阿曼太"
)
UYGHUR_GIVEN = _words(
    "艾力 买买提江 阿不都热合曼 艾合买提 吐尔洪 阿依古丽 古丽米拉 热孜古丽 迪丽努尔 帕提古丽"
)
UYGHUR_FATHERS = _words("买买提 吐尔逊 阿不都 艾力 热合曼 依明 卡德尔 肉孜")
# Roughly the mix of Altay City's urban population.
ETHNIC_WEIGHTS = {"han": 45, "kazakh": 35, "hui": 10, "uyghur": 10}
