"""Texts of the demo's living rooms (会客厅): their zones, the catalogue of 32 service items every venue
offers, what the demonstration sites (示范点) demonstrate, and the events of the coming weeks."""

from dataclasses import dataclass


def _t(zh: str, ug: str, kk: str, en: str) -> dict[str, str]:
    return {"zh-hans": zh, "ug": ug, "kk": kk, "en": en}


# Every venue opens every day from 09:00 to 20:00.
OPENING_HOURS = [{"days": [1, 2, 3, 4, 5, 6, 7], "opens": "09:00", "closes": "20:00"}]


@dataclass(frozen=True)
class ZoneSpec:
    key: str
    kind: str
    names: dict[str, str]
    capacity: int
    is_bookable: bool = False


ZONES = (
    ZoneSpec(
        "services",
        "services",
        _t("便民服务", "قۇلايلىق مۇلازىمەت", "قولايلى قىزمەت", "Everyday services"),
        20,
    ),
    ZoneSpec(
        "leisure", "leisure", _t("休闲娱乐", "ئارام ۋە كۆڭۈل ئېچىش", "دەمالىس جانە ويىن-ساۋىق", "Leisure"), 40
    ),
    ZoneSpec(
        "deliberation",
        "deliberation",
        _t("群众议事", "ئاممىۋى كېڭەش", "بۇقارالىق كەڭەس", "Residents' deliberation"),
        30,
    ),
    ZoneSpec("reading", "reading", _t("阅览室", "ئوقۇش ئۆيى", "وقۋ زالى", "Reading room"), 30),
    ZoneSpec("cinema", "cinema", _t("红色影院", "قىزىل كىنوخانا", "قىزىل كينوتەاتر", "Red cinema"), 60),
    ZoneSpec("classroom", "classroom", _t("教室", "سىنىپ", "سىنىپ", "Classroom"), 30),
    ZoneSpec(
        "activity", "activity", _t("活动室", "پائالىيەت ئۆيى", "ىس-شارا بولمەسى", "Activity room"), 40, True
    ),
)


@dataclass(frozen=True)
class ItemSpec:
    code: str
    names: dict[str, str]
    category: str
    zone: str  # a ZoneSpec key
    provider_kind: str
    audiences: tuple[str, ...] = ("everyone",)
    needs_booking: bool = False
    capacity: int | None = None
    duration: int | None = None
    price: str = "0"
    components: tuple[str, ...] = ()


ITEMS = (
    ItemSpec(
        "red-cinema",
        _t("红色影院放映", "قىزىل كىنو قويۇش", "قىزىل كينو كورسەتۋ", "Red cinema screening"),
        "culture",
        "cinema",
        "community",
        ("everyone", "party_members"),
        True,
        60,
        120,
    ),
    ItemSpec(
        "party-day",
        _t(
            "主题党日套餐",
            "تېمىلىق پارتىيە كۈنى بوغچىسى",
            "تاقىرىپتىق پارتيا كۇنى توپتاماسى",
            "Theme party-day package",
        ),
        "party",
        "activity",
        "community",
        ("party_members",),
        True,
        40,
        240,
        "0",
        ("red-cinema",),
    ),
    ItemSpec(
        "calligraphy",
        _t(
            "老年书法班",
            "ياشانغانلار خەتتاتلىق سىنىپى",
            "قارتتار كاليگرافيا سىنىبى",
            "Calligraphy class for seniors",
        ),
        "learning",
        "classroom",
        "volunteers",
        ("elderly",),
        True,
        30,
        90,
    ),
    ItemSpec(
        "dance",
        _t("老年舞蹈班", "ياشانغانلار ئۇسسۇل سىنىپى", "قارتتار ءبي سىنىبى", "Dance class for seniors"),
        "learning",
        "activity",
        "volunteers",
        ("elderly",),
        True,
        30,
        90,
    ),
    ItemSpec(
        "choir",
        _t("合唱团", "خور ئەترىتى", "حور ۇجىمى", "Choir"),
        "culture",
        "activity",
        "volunteers",
        ("everyone", "elderly"),
        True,
        40,
        90,
    ),
    ItemSpec(
        "accordion",
        _t("手风琴班", "ئاككوردىئون سىنىپى", "اككوردەون سىنىبى", "Accordion class"),
        "learning",
        "classroom",
        "volunteers",
        ("elderly", "children"),
        True,
        15,
        90,
    ),
    ItemSpec(
        "legal-advice",
        _t("法律咨询", "قانۇن مەسلىھەتى", "قۇقىقتىق كەڭەس", "Legal advice"),
        "legal",
        "services",
        "institution",
        ("everyone",),
        True,
        4,
        30,
    ),
    ItemSpec(
        "mediation",
        _t("人民调解", "خەلق مۇرەسسەسى", "حالىقتىق تاتۋلاستىرۋ", "People's mediation"),
        "legal",
        "deliberation",
        "community",
        ("everyone",),
        True,
        2,
        60,
    ),
    ItemSpec(
        "errands",
        _t(
            "政务代办",
            "ھۆكۈمەت ئىشلىرىنى ۋاكالىتەن بېجىرىش",
            "مەملەكەتتىك ىستەردى اتقارىپ بەرۋ",
            "Paperwork done for you",
        ),
        "government",
        "services",
        "department",
    ),
    ItemSpec(
        "social-insurance",
        _t(
            "社保咨询",
            "ئىجتىمائىي سۇغۇرتا مەسلىھەتى",
            "الەۋمەتتىك ساقتاندىرۋ كەڭەسى",
            "Social insurance advice",
        ),
        "government",
        "services",
        "department",
    ),
    ItemSpec(
        "jobs",
        _t("就业指导", "ئىشقا ئورۇنلىشىش يېتەكچىلىكى", "جۇمىسقا ورنالاسۋ كەڭەسى", "Job guidance"),
        "employment",
        "services",
        "department",
    ),
    ItemSpec(
        "start-up",
        _t("创业指导", "تىجارەت باشلاش يېتەكچىلىكى", "كاسىپكەرلىك كەڭەسى", "Business start-up guidance"),
        "employment",
        "services",
        "department",
        ("everyone", "merchants"),
    ),
    ItemSpec(
        "haircut",
        _t("理发义剪", "ھەقسىز چاچ ياساش", "تەگىن شاش الۋ", "Free haircuts"),
        "everyday",
        "services",
        "volunteers",
        ("elderly",),
        True,
        6,
        20,
    ),
    ItemSpec(
        "blood-pressure",
        _t("血压测量", "قان بېسىمى ئۆلچەش", "قان قىسىمىن ولشەۋ", "Blood pressure check"),
        "health",
        "services",
        "institution",
        ("elderly", "everyone"),
    ),
    ItemSpec(
        "health-talk",
        _t("健康讲座", "ساغلاملىق لېكسىيەسى", "دەنساۋلىق دارىسى", "Health talk"),
        "health",
        "classroom",
        "institution",
        ("everyone", "elderly"),
    ),
    ItemSpec(
        "library",
        _t("图书借阅", "كىتاب ئارىيەت ئېلىش", "كىتاپ الۋ", "Book lending"),
        "culture",
        "reading",
        "community",
    ),
    ItemSpec(
        "family-reading",
        _t("亲子阅读", "ئاتا-ئانا ۋە بالا بىرگە ئوقۇش", "اتا-انا مەن بالا بىرگە وقۋ", "Family reading"),
        "children",
        "reading",
        "volunteers",
        ("children",),
    ),
    ItemSpec(
        "after-school",
        _t("四点半课堂", "سائەت تۆت يېرىم سىنىپى", "ساعات ٴتورت جارىم سىنىبى", "After-school class (4:30)"),
        "children",
        "classroom",
        "volunteers",
        ("children",),
        True,
        30,
        90,
    ),
    ItemSpec(
        "tourism",
        _t("旅游咨询", "ساياھەت مەسلىھەتى", "ساياحات كەڭەسى", "Tourist information"),
        "everyday",
        "services",
        "community",
        ("tourists",),
    ),
    ItemSpec(
        "heritage",
        _t(
            "非遗展示", "ماددىي ئەمەس مىراس كۆرگەزمىسى", "مادەني مۇرا كورمەسى", "Intangible heritage showcase"
        ),
        "culture",
        "leisure",
        "community",
        ("everyone", "tourists"),
    ),
    ItemSpec(
        "folk-dance",
        _t(
            "民族歌舞排练",
            "مىللىي ناخشا-ئۇسسۇل مەشىقى",
            "ۇلتتىق ءان-بي جاتتىعۋى",
            "Folk song and dance rehearsal",
        ),
        "culture",
        "activity",
        "volunteers",
    ),
    ItemSpec(
        "board-games",
        _t("棋牌娱乐", "شاھمات-قارتا ئويۇنى", "شاحمات-كارتا ويىندارى", "Chess and cards"),
        "culture",
        "leisure",
        "community",
        ("elderly", "everyone"),
    ),
    ItemSpec(
        "table-tennis",
        _t("乒乓球", "ئۈستەل تېنىسى", "ۇستەل تەننيسى", "Table tennis"),
        "culture",
        "leisure",
        "community",
    ),
    ItemSpec(
        "volunteer-sign-up",
        _t("志愿者服务登记", "پىدائىيلار تىزىملىتىش", "ەرىكتىلەردى تىركەۋ", "Volunteer sign-up"),
        "other",
        "services",
        "community",
    ),
    ItemSpec(
        "donations",
        _t("爱心捐赠", "مېھرىبانلىق ئىئانىسى", "قايىرىمدىلىق سىيلىعى", "Charity donations"),
        "other",
        "services",
        "community",
    ),
    ItemSpec(
        "umbrellas",
        _t("共享雨伞", "ئورتاق كۈنلۈك", "ورتاق قولشاتىر", "Shared umbrellas"),
        "everyday",
        "services",
        "community",
    ),
    ItemSpec(
        "phone-charging",
        _t("手机充电", "تېلېفون توكلاش", "تەلەفون قۋاتتاۋ", "Phone charging"),
        "everyday",
        "services",
        "community",
    ),
    ItemSpec(
        "water-rest",
        _t("饮水休息", "سۇ ئىچىش ۋە ئارام ئېلىش", "سۋ ءىشۋ جانە دەمالۋ", "Drinking water and a rest"),
        "everyday",
        "leisure",
        "community",
        ("everyone", "tourists"),
    ),
    ItemSpec(
        "repairs",
        _t("便民维修", "قۇلايلىق رېمونت", "قولايلى جوندەۋ", "Small repairs"),
        "everyday",
        "services",
        "volunteers",
        ("elderly", "everyone"),
    ),
    ItemSpec(
        "parcels",
        _t("快递代收", "ئامانەت قوبۇل قىلىش", "سالەمدەمە قابىلداۋ", "Parcel collection"),
        "everyday",
        "services",
        "community",
    ),
    ItemSpec(
        "counselling",
        _t("心理疏导", "پسىخىكىلىق يېتەكلەش", "پسيحولوگيالىق كومەك", "Counselling"),
        "health",
        "deliberation",
        "institution",
        ("everyone",),
        True,
        1,
        50,
    ),
    ItemSpec(
        "merchants",
        _t("商户服务", "سودىگەرلەر مۇلازىمىتى", "ساۋداگەرلەرگە قىزمەت", "Services for merchants"),
        "employment",
        "services",
        "community",
        ("merchants",),
    ),
)
# The package's guide comes with it: a volunteer guide tells the history of the film and the place.
PACKAGE_DESCRIPTION = _t(
    "红色影院放映 + 活动室半天 + 讲解员讲解。",
    "قىزىل كىنو قويۇش + يېرىم كۈن پائالىيەت ئۆيى + چۈشەندۈرگۈچى.",
    "قىزىل كينو كورسەتۋ + جارتى كۇن ىس-شارا بولمەسى + تۇسىندىرۋشى.",
    "A red cinema screening, the activity room for half a day and a guide.",
)
assert len(ITEMS) == 32 and len({item.code for item in ITEMS}) == 32

# What the 10 demonstration sites demonstrate, in the order of the venues chosen (the centre's first).
DEMONSTRATES = (
    _t(
        "红色影院与主题党日",
        "قىزىل كىنوخانا ۋە تېمىلىق پارتىيە كۈنى",
        "قىزىل كينوتەاتر جانە پارتيا كۇنى",
        "Red cinema and theme party days",
    ),
    _t(
        "老年兴趣班",
        "ياشانغانلار قىزىقىش سىنىپلىرى",
        "قارتتار قىزىعۋشىلىق سىنىپتارى",
        "Interest classes for seniors",
    ),
    _t("人民调解", "خەلق مۇرەسسەسى", "حالىقتىق تاتۋلاستىرۋ", "People's mediation"),
    _t(
        "政务服务下沉",
        "ھۆكۈمەت مۇلازىمىتىنى تۆۋەنگە چۈشۈرۈش",
        "مەملەكەتتىك قىزمەتتى جاقىنداتۋ",
        "Government services nearby",
    ),
    _t("四点半课堂", "سائەت تۆت يېرىم سىنىپى", "ساعات ٴتورت جارىم سىنىبى", "After-school classes"),
    _t("民族团结", "مىللەتلەر ئىتتىپاقلىقى", "ۇلتتار بىرلىگى", "Unity of the nationalities"),
    _t(
        "非遗传承",
        "ماددىي ئەمەس مىراسقا ۋارىسلىق قىلىش",
        "مادەني مۇرانى جالعاستىرۋ",
        "Passing on intangible heritage",
    ),
    _t("志愿服务", "پىدائىيلار مۇلازىمىتى", "ەرىكتىلەر قىزمەتى", "Volunteer service"),
    _t(
        "商圈党建",
        "سودا رايونى پارتىيە قۇرۇلۇشى",
        "ساۋدا اۋماعىنداعى پارتيا قۇرىلىسى",
        "Party-building in business districts",
    ),
    _t("旅游服务", "ساياھەت مۇلازىمىتى", "ساياحات قىزمەتى", "Services for tourists"),
)

DESCRIPTION = _t(
    "家门口的会客厅：便民服务、休闲娱乐、群众议事、阅览和红色影院，每天 9:00–20:00 开放。",
    "ئىشىك ئالدىدىكى مېھمانخانا: قۇلايلىق مۇلازىمەت، ئارام، كېڭەش، ئوقۇش ۋە قىزىل كىنوخانا، "
    "ھەر كۈنى 9:00–20:00.",
    "ەسىك الدىنداعى قوناق ٴۇي: قولايلى قىزمەت، دەمالىس، كەڭەس، وقۋ جانە قىزىل كينو، كۇن سايىن 9:00–20:00.",
    "The living room next door: everyday services, leisure, deliberation, reading and a red cinema, open "
    "daily 09:00–20:00.",
)
ACCESSIBILITY = _t(
    "无障碍入口，无障碍卫生间。",
    "توسالغۇسىز كىرىش ئېغىزى ۋە ھاجەتخانا.",
    "كەدەرگىسىز كىرەبەرىس جانە دارەتحانا.",
    "Step-free entrance and accessible toilet.",
)

CLASS_TERM = _t(
    "老年书法班（秋季学期）",
    "ياشانغانلار خەتتاتلىق سىنىپى (كۈزلۈك مەۋسۇم)",
    "قارتتار كاليگرافيا سىنىبى (كۇزگى مەرزىم)",
    "Calligraphy for seniors (autumn term)",
)
DOMBRA_CLASS = _t(
    "老年冬不拉弹唱班（冬季学期）",
    "ياشانغانلار دومبىرا چېلىپ ناخشا ئېيتىش سىنىپى (قىشلىق مەۋسۇم)",
    "قارتتاردىڭ دومبىرامەن ءان سالۋ سىنىبى (قىسقى مەرزىم)",
    "Dombra and song for seniors (winter term)",
)
DOMBRA_DESCRIPTION = _t(
    "每周四上午，由社区文艺骨干教授冬不拉基本指法和民歌弹唱。自带乐器，也可借用活动室的冬不拉。",
    "ھەر پەيشەنبە چۈشتىن بۇرۇن، مەھەللە سەنئەت ئاكتىپلىرى دومبىرانىڭ ئاساسىي بارماق ئۇسۇللىرى ۋە خەلق "
    "ناخشىلىرىنى ئۆگىتىدۇ. چالغۇڭىزنى ئېلىپ كېلىڭ ياكى پائالىيەت ئۆيىدىكى دومبىرانى ئارىيەتكە ئېلىڭ.",
    "ءار بەيسەنبى ساعات تۇسكە دەيىن، قاۋىمنىڭ ونەر بەلسەندىلەرى دومبىرانىڭ نەگىزگى ساۋساق تاسىلدەرىن جانە "
    "حالىق اندەرىن ۇيرەتەدى. اسپابىڭىزدى الا كەلىڭىز نەمەسە بەلسەندىلىك بولمەسىنىڭ دومبىراسىن الىڭىز.",
    "Thursday mornings: the basic fingering of the dombra and folk songs, taught by the community's "
    "musicians. Bring your own instrument or borrow one of the activity room's.",
)
# Places in the dombra class, and how many the community's staff have enrolled on residents' behalf: one left.
DOMBRA_PLACES = 12
DOMBRA_ENROLLED = 11
SCREENING = _t(
    "红色影院：《长津湖》",
    "قىزىل كىنوخانا: «چاڭجىن كۆلى»",
    "قىزىل كينو: «چاڭجين كولى»",
    "Red cinema: The Battle at Lake Changjin",
)
GALA = _t("邻里文艺晚会", "قوشنىلار سەنئەت كېچىلىكى", "كورشىلەر ونەر كەشى", "Neighbours' gala evening")
PERFORMERS = (
    ("金山社区合唱团", "《我和我的祖国》"),
    ("阿依古丽舞蹈队", "《麦西来甫》"),
    ("夕阳红手风琴队", "《喀秋莎》"),
)
DOUBLE_NINTH = _t(
    "重阳敬老活动",
    "چۇڭياڭ ياشانغانلارنى ھۆرمەتلەش پائالىيىتى",
    "قارتتاردى قۇرمەتتەۋ شاراسى",
    "Double Ninth: honouring our elders",
)
MID_AUTUMN = _t(
    "中秋邻里团圆会",
    "ئوتتۇرا كۈز قوشنىلار جەم بولۇش يىغىلىشى",
    "كۇز ورتاسى كورشىلەر جيىنى",
    "Mid-Autumn neighbours' reunion",
)
CLOSURE = _t(
    "设备检修，暂停开放一天",
    "ئۈسكۈنە رېمونتى، بىر كۈن تاقىلىدۇ",
    "جابدىق جوندەۋ، ءبىر كۇن جابىق",
    "Closed for a day for repairs",
)
