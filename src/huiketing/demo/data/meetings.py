"""Texts of the demo's deliberation and meetings: topics, meetings, speakers, decisions, comments, projects.

Everything is invented and written as Altay's communities would write it. Each text is a dict in the four
languages of the platform (zh-hans, ug, kk in the Arabic script, en); a meeting's texts are taken in the
meeting's language, so that its minutes read in one language. The Uyghur and Kazakh wording was written by the
team, not by native speakers (see docs/translation-notes.md). `{title}` is an agenda item's title, `{place}`
a community's (or subdistrict's) name and `{month}` a month number.
"""

from dataclasses import dataclass

Text = dict[str, str]


def _t(zh: str, ug: str, kk: str, en: str) -> Text:
    return {"zh-hans": zh, "ug": ug, "kk": kk, "en": en}


@dataclass(frozen=True)
class ProjectText:
    """What an approved decision becomes: its description, milestones (title, weight, days after the start),
    budget range in yuan, source of funds, parties (the first is responsible) and what residents do."""

    description: Text
    milestones: tuple[tuple[Text, int, int], ...]
    budget: tuple[int, int]
    funding: str
    parties: tuple[str, ...]
    participation: Text


@dataclass(frozen=True)
class TopicText:
    """A subject staff put to deliberation (两委提事). `scope` is the level of place its residents live in;
    `kinds` the meetings that take it up; `electorate` and `majority` the vote it is usually put to."""

    key: str
    scope: str  # community, grid or subdistrict
    kinds: tuple[str, ...]
    title: Text
    background: Text
    options: tuple[Text, ...]
    electorate: str = "attendees"
    majority: str = "simple"
    project: ProjectText | None = None
    contested: bool = False


# Milestones common to many projects.
_SURVEY = _t(
    "现场勘查，制定实施方案",
    "نەق مەيداننى تەكشۈرۈپ، پىلان تۈزۈش",
    "ورنىن تەكسەرىپ، جوسپار جاساۋ",
    "Survey the site and draw up the plan",
)
_CONSULT = _t(
    "方案向居民公示并征求意见",
    "پىلاننى ئاھالىگە ئېلان قىلىپ پىكىر ئېلىش",
    "جوسپاردى تۇرعىندارعا جاريالاپ، پىكىر جيناۋ",
    "Publish the plan and hear the residents",
)
_PROCURE = _t(
    "确定施工单位，采购材料",
    "قۇرۇلۇش ئورنىنى بېكىتىپ، ماتېرىيال سېتىۋېلىش",
    "قۇرىلىس مەكەمەسىن بەلگىلەپ، ماتەريال ساتىپ الۋ",
    "Choose the contractor and buy the materials",
)
_BUILD = _t("组织施工", "قۇرۇلۇشنى ئېلىپ بېرىش", "قۇرىلىستى جۇرگىزۋ", "Carry out the works")
_ACCEPT = _t(
    "竣工验收，结果向居民公开",
    "تاماملاپ تەكشۈرۈپ قوبۇل قىلىش، نەتىجىنى ئاشكارىلاش",
    "ٴبىتىرىپ، قابىلداۋ، ناتيجەسىن جاريالاۋ",
    "Inspect the finished work and tell the residents",
)

TOPICS = (
    TopicText(
        "elevator",
        "community",
        ("property", "representatives", "neighbourhood"),
        _t(
            "老旧住宅楼加装电梯",
            "كونا تۇرالغۇ بىنالىرىغا لىفت ئورنىتىش",
            "ەسكى تۇرعىن ۇيلەرگە ليفت ورناتۋ",
            "Adding lifts to the old residential buildings",
        ),
        _t(
            "小区的多层住宅楼建于上世纪九十年代，没有电梯，楼里住着不少老人，上下楼很困难。按政策可以申请加"
            "装电梯补贴，需要本单元三分之二以上业主同意，其余费用按楼层分摊。",
            "مەھەللىدىكى كۆپ قەۋەتلىك تۇرالغۇ بىنالىرى 1990-يىللاردا سېلىنغان، لىفتى يوق. ياشانغانلار كۆپ، "
            "پەلەمپەيدە چىقىپ-چۈشۈش تەس. سىياسەت بويىچە ياردەم پۇلى ئىلتىماس قىلغىلى بولىدۇ، بىراق ھەر بىر "
            "ئۆي ئىگىلىرىنىڭ ئۈچتىن ئىككى قىسمى قوشۇلۇشى كېرەك؛ قالغان خىراجەت قەۋەتكە قاراپ تەقسىم "
            "قىلىنىدۇ.",
            "قاۋىمداعى كوپ قاباتتى تۇرعىن ۇيلەر 1990-جىلدارى سالىنعان، ليفتى جوق. قارتتار كوپ، باسپالداقپەن "
            "شىعىپ-ٴتۇسۋ قيىن. ساياسات بويىنشا دەمەۋ قاراجات سۇراۋعا بولادى، بىراق ٴار باسپالداقتاعى ٴۇي "
            "يەلەرىنىڭ ۇشتەن ەكىسى كەلىسۋى كەرەك؛ قالعان شىعىن قاباتقا قاراي بولىنەدى.",
            "The low-rise blocks were built in the 1990s and have no lift; many older residents struggle "
            "with the stairs. A subsidy can be applied for if two thirds of the owners of a stairway agree; "
            "the rest of the cost is shared by floor.",
        ),
        (
            _t(
                "先在老人多的单元试点",
                "ياشانغانلار كۆپ پەلەمپەيدە ئالدى بىلەن سىناق قىلىش",
                "قارتتار كوپ باسپالداقتان سىناق رەتىندە باستاۋ",
                "Start with the stairways where most older people live",
            ),
            _t(
                "所有楼栋统一申请",
                "بارلىق بىنالارغا بىرلىكتە ئىلتىماس قىلىش",
                "بارلىق ۇيلەرگە بىرگە ٴوتىنىش بەرۋ",
                "Apply for every building at once",
            ),
        ),
        electorate="households",
        majority="two_thirds",
        project=ProjectText(
            _t(
                "在试点单元加装电梯一部，政府补贴和住宅专项维修资金各出一部分，业主按楼层分摊其余费用。",
                "سىناق پەلەمپىيىگە بىر لىفت ئورنىتىلىدۇ؛ ھۆكۈمەت ياردىمى ۋە تۇرالغۇ رېمونت فوندى "
                "ئىشلىتىلىدۇ، قالغىنىنى ئۆي ئىگىلىرى قەۋەتكە قاراپ تۆلەيدۇ.",
                "سىناق باسپالداعىنا ٴبىر ليفت ورناتىلادى؛ ۇكىمەت دەمەۋى مەن ٴۇي جوندەۋ قورى پايدالانىلادى، "
                "قالعانىن ٴۇي يەلەرى قاباتقا قاراي تولەيدى.",
                "One lift is added to the pilot stairway, paid partly by the government subsidy and the "
                "housing maintenance fund; owners share the rest by floor.",
            ),
            (
                (_SURVEY, 1, 20),
                (
                    _t(
                        "报住建部门审批",
                        "تۇرالغۇ ۋە قۇرۇلۇش ئىدارىسىگە تەستىقلىتىش",
                        "تۇرعىن ٴۇي جانە قۇرىلىس مەكەمەسىنە بەكىتتىرۋ",
                        "Approval by the housing bureau",
                    ),
                    1,
                    45,
                ),
                (
                    _t(
                        "井道施工和电梯安装",
                        "لىفت قۇدۇقى قۇرۇلۇشى ۋە لىفت ئورنىتىش",
                        "ليفت قۇدىعىن سالۋ جانە ليفت ورناتۋ",
                        "Build the shaft and install the lift",
                    ),
                    4,
                    110,
                ),
                (
                    _t(
                        "特种设备验收，投入使用",
                        "ئالاھىدە ئۈسكۈنە تەكشۈرۈپ قوبۇل قىلىپ، ئىشلىتىشكە تاپشۇرۇش",
                        "ارناۋلى جابدىقتى قابىلداپ، پايدالانۋعا بەرۋ",
                        "Safety inspection and first use",
                    ),
                    1,
                    130,
                ),
            ),
            (380000, 520000),
            "maintenance_fund",
            ("community", "housing", "property"),
            _t(
                "参加单元业主协商会",
                "پەلەمپەي ئۆي ئىگىلىرى كېڭىشىگە قاتنىشىش",
                "باسپالداق ٴۇي يەلەرىنىڭ كەڭەسىنە قاتىسۋ",
                "Took part in the stairway owners' consultation",
            ),
        ),
        contested=True,
    ),
    TopicText(
        "parking",
        "community",
        ("neighbourhood", "property"),
        _t(
            "小区停车位规划",
            "مەھەللە ماشىنا توختىتىش ئورنى پىلانى",
            "قاۋىم كولىك تۇراعىن جوسپارلاۋ",
            "Planning the parking spaces",
        ),
        _t(
            "小区车位不够，晚上常有车停在消防通道和绿化带上，冬天清雪车也进不来。想重新划线，并在空地上增加"
            "一批车位。",
            "مەھەللىدە ماشىنا توختىتىش ئورنى يېتىشمەيدۇ، كەچتە ماشىنىلار ئوت ئۆچۈرۈش يولى ۋە يېشىللىق "
            "بەلبېغىغا توختىتىلىدۇ، قىشتا قار تازىلاش ماشىنىسى كىرەلمەيدۇ. قايتا سىزىق سىزىپ، بوش يەرگە "
            "يېڭى ئورۇن قوشماقچىمىز.",
            "قاۋىمدا كولىك تۇراعى جەتىسپەيدى، كەشتە كولىكتەر ٴورت سوندىرۋ جولى مەن جاسىل بەلدەۋگە توقتايدى، "
            "قىستا قار تازالاۋ كولىگى كىرە المايدى. قايتا سىزىق سىزىپ، بوس جەرگە جاڭا تۇراق قوسپاقشىمىز.",
            "There are too few parking spaces: at night cars stand in the fire lane and on the green "
            "strips, and in winter the snow ploughs cannot get in. The plan is to repaint the lines and add "
            "spaces on the empty lot.",
        ),
        (
            _t(
                "空地改建停车位，按户抽签",
                "بوش يەرنى توختىتىش ئورنىغا ئايلاندۇرۇپ، ئائىلە بويىچە چەك تاشلاش",
                "بوس جەردى تۇراققا اينالدىرىپ، وتباسى بويىنشا جەرەبە تاستاۋ",
                "Turn the empty lot into spaces, allotted by lot per household",
            ),
            _t(
                "只重新划线，保留空地做活动场地",
                "پەقەت قايتا سىزىق سىزىپ، بوش يەرنى پائالىيەت مەيدانى قىلىپ ساقلاش",
                "تەك قايتا سىزىق سىزىپ، بوس جەردى ويىن الاڭى رەتىندە ساقتاۋ",
                "Only repaint the lines and keep the lot as a play area",
            ),
        ),
        project=ProjectText(
            _t(
                "重新施划车位线，在小区西侧空地新增车位，设置消防通道禁停标识。",
                "ماشىنا ئورنى سىزىقلىرى قايتا سىزىلىدۇ، غەربىي تەرەپتىكى بوش يەرگە يېڭى ئورۇنلار قوشۇلىدۇ، "
                "ئوت ئۆچۈرۈش يولىغا توختىتىش مەنئى بەلگىسى قويۇلىدۇ.",
                "تۇراق سىزىقتارى قايتا سىزىلادى، باتىس جاقتاعى بوس جەرگە جاڭا تۇراقتار قوسىلادى، ٴورت "
                "سوندىرۋ جولىنا توقتاۋعا تىيىم بەلگىسى قويىلادى.",
                "Repaint the parking lines, add spaces on the west lot and mark the fire lane as no parking.",
            ),
            ((_SURVEY, 1, 10), (_CONSULT, 1, 20), (_BUILD, 3, 40), (_ACCEPT, 1, 45)),
            (30000, 80000),
            "community",
            ("community", "property", "city_management"),
            _t(
                "协助划线和清理空地",
                "سىزىق سىزىش ۋە بوش يەرنى تازىلاشقا ياردەملىشىش",
                "سىزىق سىزۋعا جانە بوس جەردى تازالاۋعا كومەكتەسۋ",
                "Helped repaint the lines and clear the lot",
            ),
        ),
        contested=True,
    ),
    TopicText(
        "stair_lights",
        "community",
        ("neighbourhood", "property"),
        _t(
            "楼道照明改造",
            "پەلەمپەي يورۇتۇشىنى ئۆزگەرتىش",
            "باسپالداق جارىعىن جاڭارتۋ",
            "New lighting in the stairways",
        ),
        _t(
            "不少楼道的灯坏了没人修，晚上老人孩子上下楼看不清，去年冬天有居民摔伤。建议统一换成节能声控灯。",
            "نۇرغۇن پەلەمپەيلەرنىڭ چىرىغى بۇزۇلغان، كەچتە ياشانغانلار ۋە بالىلار پەلەمپەيدە ئېنىق "
            "كۆرەلمەيدۇ، ئۆتكەن قىشتا بىر ئاھالە يىقىلىپ يارىلاندى. ھەممىنى ئېنېرگىيە تېجەيدىغان ئاۋازلىق "
            "چىراققا ئالماشتۇرۇشنى تەۋسىيە قىلىمىز.",
            "كوپ باسپالداقتىڭ شامى سىنعان، كەشتە قارتتار مەن بالالار انىق كورە المايدى، وتكەن قىستا ٴبىر "
            "تۇرعىن قۇلاپ جاراقاتتاندى. بارلىعىن قۋات ۇنەمدەيتىن دىبىستى شامعا اۋىستىرۋدى ۇسىنامىز.",
            "Many stairway lights are broken; older people and children cannot see on the stairs at night, "
            "and a resident fell last winter. The proposal is to fit sound-activated energy-saving lights "
            "throughout.",
        ),
        (
            _t(
                "全部更换声控灯",
                "ھەممىنى ئاۋازلىق چىراققا ئالماشتۇرۇش",
                "بارلىعىن دىبىستى شامعا اۋىستىرۋ",
                "Replace all with sound-activated lights",
            ),
            _t(
                "只修坏的灯",
                "پەقەت بۇزۇلغان چىراقلارنى رېمونت قىلىش",
                "تەك سىنعان شامداردى جوندەۋ",
                "Repair only the broken ones",
            ),
        ),
        project=ProjectText(
            _t(
                "全小区楼道更换节能声控灯，物业负责日常维护。",
                "پۈتۈن مەھەللىنىڭ پەلەمپەيلىرىگە ئېنېرگىيە تېجەيدىغان ئاۋازلىق چىراق ئورنىتىلىدۇ، كۈندىلىك "
                "ئاسراشنى ئۆي-مۈلۈك شىركىتى ئۈستىگە ئالىدۇ.",
                "بۇكىل قاۋىمنىڭ باسپالداقتارىنا قۋات ۇنەمدەيتىن دىبىستى شام ورناتىلادى، كۇندەلىكتى كۇتىمدى "
                "مۇلىك كومپانياسى اتقارادى.",
                "Sound-activated energy-saving lights in every stairway; the property company maintains "
                "them.",
            ),
            ((_SURVEY, 1, 5), (_PROCURE, 1, 12), (_BUILD, 2, 25), (_ACCEPT, 1, 28)),
            (12000, 30000),
            "community",
            ("community", "property", "volunteers"),
            _t(
                "逐栋登记坏灯位置",
                "ھەر بىر بىنادىكى بۇزۇق چىراقلارنى تىزىملاش",
                "ٴار ۇيدەگى سىنعان شامداردى تىركەۋ",
                "Listed the broken lights building by building",
            ),
        ),
    ),
    TopicText(
        "fitness",
        "community",
        ("neighbourhood",),
        _t(
            "小区健身器材更新",
            "مەھەللە چېنىقىش ئەسلىھەلىرىنى يېڭىلاش",
            "قاۋىم دەنە شىنىقتىرۋ قۇرالدارىن جاڭارتۋ",
            "Renewing the outdoor fitness equipment",
        ),
        _t(
            "小广场的健身器材用了十多年，有的生锈松动，孩子玩耍有安全隐患。想更换一批适合老人和孩子的器材，"
            "并铺设防滑地垫。",
            "كىچىك مەيداندىكى چېنىقىش ئەسلىھەلىرى ئون نەچچە يىل ئىشلىتىلگەن، بەزىلىرى داتلاشقان، بالىلار "
            "ئوينىسا خەتەرلىك. ياشانغانلار ۋە بالىلارغا ماس يېڭى ئەسلىھە ئالماشتۇرۇپ، تېيىلمايدىغان پاياندا "
            "سېلىشنى ئويلىدۇق.",
            "كىشى الاڭداعى شىنىعۋ قۇرالدارى ون نەشە جىل پايدالانىلعان، كەيبىرى تاتتانعان، بالالار ويناسا "
            "قاۋىپتى. قارتتار مەن بالالارعا لايىق جاڭا قۇرال الىپ، تايعاناقتان قورعايتىن توسەنىش توسەۋدى "
            "ويلادىق.",
            "The fitness equipment on the small square is over ten years old; some of it is rusty and "
            "loose, unsafe for children. The idea is to replace it with equipment for older people and "
            "children, on non-slip mats.",
        ),
        (
            _t(
                "更换为适老适儿器材",
                "ياشانغانلار ۋە بالىلارغا ماس ئەسلىھەگە ئالماشتۇرۇش",
                "قارتتار مەن بالالارعا لايىق قۇرالعا اۋىستىرۋ",
                "Equipment suited to older people and children",
            ),
            _t(
                "增设乒乓球台",
                "ئۈستەل تېنىس شىرەسى قوشۇش",
                "ۇستەل تەننيسى ۇستەلىن قوسۋ",
                "Add table-tennis tables",
            ),
        ),
        project=ProjectText(
            _t(
                "拆除老旧器材，安装新器材并铺设防滑地垫，由体育部门捐赠部分器材。",
                "كونا ئەسلىھەلەر چۇۋۇلۇپ، يېڭى ئەسلىھە ئورنىتىلىدۇ ۋە تېيىلمايدىغان پاياندا سېلىنىدۇ.",
                "ەسكى قۇرالدار الىنىپ، جاڭا قۇرال ورناتىلادى جانە تايعاناقتان قورعايتىن توسەنىش توسەلەدى.",
                "Remove the old equipment, install the new on non-slip mats; part of it is donated by the "
                "sports bureau.",
            ),
            ((_SURVEY, 1, 7), (_PROCURE, 1, 20), (_BUILD, 2, 35), (_ACCEPT, 1, 38)),
            (25000, 60000),
            "government",
            ("community", "volunteers"),
            _t(
                "参与器材安装后的清理",
                "ئەسلىھە ئورنىتىلغاندىن كېيىنكى تازىلىققا قاتنىشىش",
                "قۇرال ورناتىلعاننان كەيىنگى تازالاۋعا قاتىسۋ",
                "Helped clean up after the installation",
            ),
        ),
    ),
    TopicText(
        "waste_sorting",
        "community",
        ("neighbourhood", "property"),
        _t(
            "垃圾分类投放点设置",
            "ئەخلەت تۈرگە ئايرىش نۇقتىسى تەسىس قىلىش",
            "قوقىستى سۇرىپتاۋ ورنىن بەلگىلەۋ",
            "Where to put the waste sorting points",
        ),
        _t(
            "市里推行垃圾分类，小区需要设置集中投放点。放在哪里、几点开放、谁来督导，大家意见不一，需要商量"
            "。",
            "شەھەر ئەخلەتنى تۈرگە ئايرىشنى يولغا قويدى، مەھەللىدە مەركەزلىك تاشلاش نۇقتىسى بولۇشى كېرەك. "
            "قەيەرگە قويۇش، قاچان ئېچىش، كىم نازارەت قىلىش توغرىسىدا پىكىرلەر ئوخشىمايدۇ.",
            "قالا قوقىستى سۇرىپتاۋدى ەنگىزدى، قاۋىمدا ورتاق تاستاۋ ورنى بولۋى كەرەك. قايدا قويۋ، قاشان اشۋ، "
            "كىم قاداعالاۋ جونىندە پىكىرلەر ارقيلى.",
            "The city is introducing waste sorting and the community needs collection points: where they "
            "go, when they open and who supervises them are all disputed.",
        ),
        (
            _t(
                "每栋楼下设一个小投放点",
                "ھەر بىر بىنا ئاستىغا كىچىك نۇقتا قويۇش",
                "ٴار ٴۇيدىڭ استىنا كىشى ورىن قويۋ",
                "A small point at each building",
            ),
            _t(
                "小区设两个集中投放点，定时开放",
                "مەھەللىدە ئىككى مەركەزلىك نۇقتا، ۋاقىتلىق ئېچىش",
                "قاۋىمدا ەكى ورتاق ورىن، ۋاقىتىمەن اشۋ",
                "Two central points with set opening hours",
            ),
        ),
        project=ProjectText(
            _t(
                "建设两个带雨棚的分类投放点，志愿者早晚定时督导。",
                "يامغۇرلۇقى بار ئىككى تۈرگە ئايرىش نۇقتىسى قۇرۇلىدۇ، پىدائىيلار ئەتىگەن-كەچتە نازارەت "
                "قىلىدۇ.",
                "شاتىرى بار ەكى سۇرىپتاۋ ورنى سالىنادى، ەرىكتىلەر تاڭەرتەڭ-كەشتە قاداعالايدى.",
                "Build two covered sorting points; volunteers supervise them morning and evening.",
            ),
            ((_SURVEY, 1, 7), (_CONSULT, 1, 14), (_BUILD, 2, 30), (_ACCEPT, 1, 35)),
            (18000, 40000),
            "government",
            ("community", "city_management", "volunteers"),
            _t(
                "担任分类督导志愿者",
                "تۈرگە ئايرىش نازارەتچىسى پىدائىيى بولۇش",
                "سۇرىپتاۋ قاداعالاۋشى ەرىكتى بولۋ",
                "Volunteered as a sorting guide",
            ),
        ),
    ),
    TopicText(
        "heating",
        "community",
        ("property", "representatives"),
        _t(
            "供暖管网改造",
            "ئىسسىقلىق تەمىنلەش تۇرۇبا تورىنى ئۆزگەرتىش",
            "جىلىتۋ قۇبىر جەلىسىن جاڭارتۋ",
            "Renewing the heating pipes",
        ),
        _t(
            "阿勒泰冬季漫长，小区供暖管道老化，去年有几栋楼室温不达标，还发生过爆管。供热公司愿意出资改造主"
            "管网，楼内管道改造费用需要商量。",
            "ئالتاينىڭ قىشى ئۇزۇن، مەھەللىنىڭ ئىسسىقلىق تۇرۇبىلىرى كونىراپ كەتكەن، ئۆتكەن يىلى بىر قانچە "
            "بىنانىڭ ئۆي تېمپېراتۇرىسى ئۆلچەمگە يەتمىدى، تۇرۇبا يېرىلىپمۇ كەتتى. ئىسسىقلىق شىركىتى ئاساسىي "
            "تۇرۇبىنى ئۆزگەرتىشكە پۇل چىقىرىدۇ، بىنا ئىچىدىكى خىراجەتنى مەسلىھەتلىشىش كېرەك.",
            "التايدىڭ قىسى ۇزاق، قاۋىمنىڭ جىلىتۋ قۇبىرلارى ەسكىرگەن، وتكەن جىلى بىرنەشە ۇيدە جىلىلىق "
            "جەتپەدى، قۇبىر جارىلىپ تا كەتتى. جىلۋ كومپانياسى نەگىزگى قۇبىردى جاڭارتۋعا قاراجات شىعارادى، "
            "ٴۇي ىشىندەگى شىعىندى كەڭەسۋ كەرەك.",
            "Altay's winters are long and the heating pipes are old: last year several buildings stayed "
            "below the required temperature and a pipe burst. The heating company will pay for the mains; "
            "the cost of the pipes inside the buildings is to be agreed.",
        ),
        (
            _t(
                "今年夏天一次改完",
                "بۇ يىل يازدا بىراقلا تاماملاش",
                "بيىل جازدا ٴبىر-اق ٴبىتىرۋ",
                "Do everything this summer",
            ),
            _t(
                "分两年改造，先改问题最多的楼",
                "ئىككى يىلدا، ئالدى بىلەن مەسىلە كۆپ بىنالارنى",
                "ەكى جىلدا، الدىمەن ماسەلەسى كوپ ۇيلەردەن",
                "Over two years, the worst buildings first",
            ),
        ),
        electorate="households",
        majority="two_thirds",
        project=ProjectText(
            _t(
                "更换小区主管网和老化楼内立管，供暖季前完成打压试验。",
                "مەھەللىنىڭ ئاساسىي تۇرۇبىسى ۋە كونىرىغان بىنا ئىچى تۇرۇبىلىرى ئالماشتۇرۇلىدۇ، ئىسسىتىش "
                "پەسلىدىن بۇرۇن بېسىم سىنىقى تاماملىنىدۇ.",
                "قاۋىمنىڭ نەگىزگى قۇبىرى مەن ەسكىرگەن ٴۇي ٴىشى قۇبىرلارى اۋىستىرىلادى، جىلىتۋ ماۋسىمىنان "
                "بۇرىن قىسىم سىناعى جاسالادى.",
                "Replace the mains and the worn risers, with the pressure test done before the heating "
                "season.",
            ),
            (
                (_SURVEY, 1, 15),
                (_PROCURE, 1, 30),
                (
                    _t(
                        "主管网开挖更换",
                        "ئاساسىي تۇرۇبىنى كولاپ ئالماشتۇرۇش",
                        "نەگىزگى قۇبىردى قازىپ اۋىستىرۋ",
                        "Dig up and replace the mains",
                    ),
                    3,
                    75,
                ),
                (
                    _t(
                        "打压试验，路面恢复",
                        "بېسىم سىنىقى، يول يۈزىنى ئەسلىگە كەلتۈرۈش",
                        "قىسىم سىناعى، جول بەتىن قالپىنا كەلتىرۋ",
                        "Pressure test and road repair",
                    ),
                    1,
                    90,
                ),
            ),
            (260000, 450000),
            "government",
            ("community", "housing", "property"),
            _t(
                "入户登记室温和漏点",
                "ئۆيلەرگە كىرىپ تېمپېراتۇرا ۋە ئېقىش نۇقتىلىرىنى تىزىملاش",
                "ۇيلەرگە كىرىپ جىلىلىق پەن اعۋ ورىندارىن تىركەۋ",
                "Recorded room temperatures and leaks door to door",
            ),
        ),
    ),
    TopicText(
        "canteen_hours",
        "community",
        ("neighbourhood", "representatives"),
        _t(
            "暖心食堂开放时间调整",
            "ئىللىق ئاشخانىنىڭ ئېچىلىش ۋاقتىنى تەڭشەش",
            "جىلى اسحانانىڭ اشىلۋ ۋاقىتىن رەتتەۋ",
            "Opening hours of the community canteen",
        ),
        _t(
            "暖心食堂现在只供应午餐，不少独居老人希望晚上也能吃上热饭，上班的家庭也想给老人订晚餐。需要商量"
            "是否增加晚餐以及补贴办法。",
            "ئىللىق ئاشخانا ھازىر پەقەت چۈشلۈك تاماق بېرىدۇ. يالغۇز ياشايدىغان ياشانغانلار كەچتىمۇ ئىسسىق "
            "تاماق يېيىشنى ئۈمىد قىلىدۇ. كەچلىك تاماق قوشۇش ۋە ياردەم پۇلى ئۇسۇلىنى مەسلىھەتلىشىش كېرەك.",
            "جىلى اسحانا قازىر تەك ٴتۇستى اس بەرەدى. جالعىز تۇراتىن قارتتار كەشتە دە ىستىق تاماق ٴىشۋدى "
            "قالايدى. كەشكى اس قوسۋ جانە دەمەۋ ٴتارتىبىن كەڭەسۋ كەرەك.",
            "The community canteen serves lunch only; many older people living alone would like a hot "
            "evening meal, and working families would like to order one for them. To decide: add dinner, "
            "and how to subsidise it.",
        ),
        (
            _t(
                "工作日增加晚餐",
                "خىزمەت كۈنلىرى كەچلىك تاماق قوشۇش",
                "جۇمىس كۇندەرى كەشكى اس قوسۋ",
                "Add dinner on working days",
            ),
            _t(
                "增加晚餐并提供送餐上门",
                "كەچلىك تاماق قوشۇپ، ئۆيگە يەتكۈزۈپ بېرىش",
                "كەشكى اس قوسىپ، ۇيگە جەتكىزۋ",
                "Add dinner and deliver it home",
            ),
        ),
        project=ProjectText(
            _t(
                "暖心食堂工作日增加晚餐，八十岁以上老人享受补贴，志愿者为行动不便的老人送餐。",
                "ئىللىق ئاشخانا خىزمەت كۈنلىرى كەچلىك تاماق بېرىدۇ، 80 ياشتىن ئاشقانلارغا ياردەم پۇلى "
                "بېرىلىدۇ، پىدائىيلار ماڭالمايدىغان ياشانغانلارغا تاماق يەتكۈزىدۇ.",
                "جىلى اسحانا جۇمىس كۇندەرى كەشكى اس بەرەدى، 80 جاستان اسقاندارعا دەمەۋ بەرىلەدى، ەرىكتىلەر "
                "جۇرە المايتىن قارتتارعا اس جەتكىزەدى.",
                "Dinner on working days, subsidised for residents over eighty; volunteers deliver to those "
                "who cannot come.",
            ),
            (
                (
                    _t(
                        "核定晚餐菜单和价格",
                        "كەچلىك تاماق تىزىملىكى ۋە باھاسىنى بېكىتىش",
                        "كەشكى اس ٴمازىرى مەن باعاسىن بەكىتۋ",
                        "Set the dinner menu and prices",
                    ),
                    1,
                    7,
                ),
                (
                    _t(
                        "招募送餐志愿者",
                        "تاماق يەتكۈزىدىغان پىدائىي قوبۇل قىلىش",
                        "اس جەتكىزەتىن ەرىكتى جيناۋ",
                        "Recruit delivery volunteers",
                    ),
                    1,
                    14,
                ),
                (
                    _t(
                        "试运行一个月", "بىر ئاي سىناق يۈرگۈزۈش", "ٴبىر اي سىناق جۇرگىزۋ", "One month's trial"
                    ),
                    2,
                    45,
                ),
            ),
            (8000, 20000),
            "government",
            ("community", "volunteers"),
            _t(
                "为独居老人送餐",
                "يالغۇز ياشانغانلارغا تاماق يەتكۈزۈش",
                "جالعىز قارتتارعا اس جەتكىزۋ",
                "Delivered meals to older people living alone",
            ),
        ),
    ),
    TopicText(
        "snow",
        "community",
        ("neighbourhood", "property"),
        _t(
            "冬季清雪责任划分",
            "قىشلىق قار تازىلاش مەسئۇلىيىتىنى ئايرىش",
            "قىستىق قار تازالاۋ جاۋاپكەرشىلىگىن ٴبولۋ",
            "Who clears the snow in winter",
        ),
        _t(
            "阿勒泰雪多，每次大雪后小区道路和楼门口积雪结冰，老人出门困难。物业人手不够，想组织居民和志愿者"
            "分片清雪，并添置小型清雪设备。",
            "ئالتايدا قار كۆپ، ھەر قېتىم قاتتىق قار ياغقاندىن كېيىن مەھەللە يوللىرى ۋە بىنا ئىشىكلىرى "
            "ئالدىدا قار توڭلاپ قالىدۇ، ياشانغانلار سىرتقا چىقالمايدۇ. ئۆي-مۈلۈك شىركىتىنىڭ ئادىمى "
            "يېتىشمەيدۇ، ئاھالە ۋە پىدائىيلارنى رايونغا بۆلۈپ قار تازىلاشقا ۋە كىچىك قار تازىلاش ماشىنىسى "
            "سېتىۋېلىشقا تەييارلىنىۋاتىمىز.",
            "التايدا قار كوپ، ٴار جولى قالىڭ قار جاۋعاننان كەيىن قاۋىم جولدارى مەن ەسىك الدىندا قار قاتىپ "
            "قالادى، قارتتار سىرتقا شىعا المايدى. مۇلىك كومپانياسىنىڭ ادامى جەتىسپەيدى، تۇرعىندار مەن "
            "ەرىكتىلەردى ۋچاسكەگە ٴبولىپ قار تازالاۋعا جانە كىشى قار تازالاۋ قۇرالىن الۋعا دايىندالىپ "
            "جاتىرمىز.",
            "Altay gets a lot of snow: after every heavy fall the paths and doorways ice over and older "
            "people cannot go out. The property company is short-handed; the idea is to share the clearing "
            "by areas between residents and volunteers, and to buy small snow-clearing machines.",
        ),
        (
            _t(
                "按楼栋划分责任区，物业负责主干道",
                "بىنا بويىچە مەسئۇلىيەت رايونى، ئاساسىي يولنى ئۆي-مۈلۈك شىركىتى",
                "ٴۇي بويىنشا جاۋاپتى ايماق، نەگىزگى جولدى مۇلىك كومپانياسى",
                "Areas by building; the property company does the main paths",
            ),
            _t(
                "全部由物业负责，增加物业费",
                "ھەممىنى ئۆي-مۈلۈك شىركىتى قىلىش، ھەقنى ئاشۇرۇش",
                "بارلىعىن مۇلىك كومپانياسى اتقارىپ، اقىنى كوتەرۋ",
                "All by the property company, for a higher fee",
            ),
        ),
        project=ProjectText(
            _t(
                "添置两台小型清雪机，组建居民清雪志愿队，大雪后两小时内清出主要通道。",
                "ئىككى كىچىك قار تازىلاش ماشىنىسى سېتىۋېلىنىدۇ، ئاھالە پىدائىي ئەترىتى قۇرۇلىدۇ، قاتتىق "
                "قاردىن كېيىن ئىككى سائەت ئىچىدە ئاساسىي يوللار ئېچىلىدۇ.",
                "ەكى كىشى قار تازالاۋ ماشيناسى الىنادى، تۇرعىندار ەرىكتىلەر توبى قۇرىلادى، قالىڭ قاردان "
                "كەيىن ەكى ساعات ىشىندە نەگىزگى جولدار اشىلادى.",
                "Buy two small snow blowers and form a residents' snow team that clears the main paths "
                "within two hours of a heavy fall.",
            ),
            (
                (_PROCURE, 1, 10),
                (
                    _t(
                        "组建清雪志愿队并培训",
                        "قار تازىلاش پىدائىي ئەترىتى قۇرۇپ تەربىيىلەش",
                        "قار تازالاۋ ەرىكتىلەر توبىن قۇرىپ ۇيرەتۋ",
                        "Form and train the snow team",
                    ),
                    1,
                    20,
                ),
                (
                    _t(
                        "第一场大雪清雪演练",
                        "تۇنجى قاتتىق قاردا قار تازىلاش مەشىقى",
                        "العاشقى قالىڭ قاردا قار تازالاۋ جاتتىعۋى",
                        "First clearing after a heavy fall",
                    ),
                    2,
                    40,
                ),
            ),
            (15000, 35000),
            "co_building_unit",
            ("community", "property", "volunteers", "power_supply"),
            _t(
                "参加清雪志愿队",
                "قار تازىلاش پىدائىي ئەترىتىگە قاتنىشىش",
                "قار تازالاۋ ەرىكتىلەر توبىنا قاتىسۋ",
                "Joined the snow team",
            ),
        ),
    ),
    TopicText(
        "insulation",
        "community",
        ("property", "representatives"),
        _t(
            "老旧楼外墙保温改造",
            "كونا بىنالارنىڭ تاشقى تام ئىسسىقلىق ساقلاش ئۆزگەرتىشى",
            "ەسكى ۇيلەردىڭ سىرتقى قابىرعاسىن جىلىتۋ",
            "Insulating the outer walls of the old buildings",
        ),
        _t(
            "几栋老楼外墙没有保温层，冬天屋里冷、墙面结霜发霉，取暖费却不少。老旧小区改造项目可以补贴大部分"
            "费用。",
            "بىر قانچە كونا بىنانىڭ تاشقى تېمىدا ئىسسىقلىق ساقلاش قەۋىتى يوق، قىشتا ئۆي سوغۇق، تامغا قىراۋ "
            "چۈشۈپ كۆكىرىدۇ. كونا مەھەللە ئۆزگەرتىش تۈرى خىراجەتنىڭ كۆپ قىسمىنى كۆتۈرىدۇ.",
            "بىرنەشە ەسكى ٴۇيدىڭ سىرتقى قابىرعاسىندا جىلۋ ساقتايتىن قابات جوق، قىستا ٴۇي سۋىق، قابىرعاعا "
            "قىراۋ ٴتۇسىپ، زەڭ باسادى. ەسكى قاۋىمداردى جاڭارتۋ جوباسى شىعىننىڭ كوبىن كوتەرەدى.",
            "Several old buildings have no wall insulation: flats are cold, walls frost over and grow "
            "mould, and heating bills are high. The old-neighbourhood renewal programme can pay most of the "
            "cost.",
        ),
        (
            _t(
                "申请纳入老旧小区改造",
                "كونا مەھەللە ئۆزگەرتىش تۈرىگە كىرگۈزۈشنى ئىلتىماس قىلىش",
                "ەسكى قاۋىمداردى جاڭارتۋ جوباسىنا ەنگىزۋدى سۇراۋ",
                "Apply to the old-neighbourhood renewal programme",
            ),
            _t(
                "业主自筹先改两栋",
                "ئۆي ئىگىلىرى ئۆزى مەبلەغ توپلاپ ئالدى بىلەن ئىككى بىنانى",
                "ٴۇي يەلەرى ٴوزى قاراجات جيناپ، الدىمەن ەكى ٴۇيدى",
                "Owners pay for two buildings first",
            ),
        ),
        majority="two_thirds",
        project=ProjectText(
            _t(
                "纳入老旧小区改造，为四栋楼加装外墙保温层并更换单元门。",
                "كونا مەھەللە ئۆزگەرتىش تۈرىگە كىرگۈزۈلۈپ، تۆت بىناغا تاشقى تام ئىسسىقلىق ساقلاش قەۋىتى "
                "قوشۇلىدۇ ۋە پەلەمپەي ئىشىكلىرى ئالماشتۇرۇلىدۇ.",
                "ەسكى قاۋىمداردى جاڭارتۋ جوباسىنا ەنگىزىلىپ، ٴتورت ۇيگە سىرتقى جىلۋ قاباتى قوسىلادى جانە "
                "باسپالداق ەسىكتەرى اۋىستىرىلادى.",
                "Under the renewal programme, insulate the outer walls of four buildings and replace the "
                "stairway doors.",
            ),
            ((_SURVEY, 1, 20), (_PROCURE, 1, 40), (_BUILD, 4, 100), (_ACCEPT, 1, 115)),
            (600000, 900000),
            "government",
            ("community", "housing", "property"),
            _t(
                "担任施工质量监督员",
                "قۇرۇلۇش سۈپىتى نازارەتچىسى بولۇش",
                "قۇرىلىس ساپاسىن قاداعالاۋشى بولۋ",
                "Watched over the quality of the works",
            ),
        ),
    ),
    TopicText(
        "market",
        "community",
        ("neighbourhood",),
        _t(
            "菜市场周边秩序整治",
            "كۆكتات بازىرى ئەتراپىدىكى تەرتىپنى تۈزىتىش",
            "كوكونىس بازارى ماڭىنداعى ٴتارتىپتى رەتتەۋ",
            "Order around the vegetable market",
        ),
        _t(
            "早市摊贩占道经营，垃圾乱扔，车辆堵塞，居民出行不便；但不少老人习惯在早市买菜。想划定临时摊位和"
            "时段，既方便买菜又不堵路。",
            "ئەتىگەنلىك بازاردىكى سودىگەرلەر يولنى ئىگىلىۋالىدۇ، ئەخلەت تاشلىنىدۇ، ماشىنا قىستىلىدۇ؛ بىراق "
            "نۇرغۇن ياشانغانلار ئەتىگەنلىك بازاردىن كۆكتات ئالىدۇ. ۋاقىتلىق دۇكان ئورنى ۋە ۋاقىت بېكىتىپ، "
            "ھەم قولاي ھەم يولنى توسمايدىغان قىلماقچىمىز.",
            "تاڭعى بازارداعى ساۋداگەرلەر جولدى الىپ، قوقىس تاستايدى، كولىك كەپتەلەدى؛ بىراق كوپ قارتتار "
            "تاڭعى بازاردان كوكونىس الادى. ۋاقىتشا ورىن مەن ۋاقىت بەلگىلەپ، ٴارى ىڭعايلى، ٴارى جولدى "
            "بوگەمەيتىن ەتپەكشىمىز.",
            "Morning-market stalls take over the street, litter it and block traffic, yet many older "
            "residents shop there. The idea is to mark temporary stalls and hours, convenient for shoppers "
            "without blocking the road.",
        ),
        (
            _t(
                "划定早市摊位，八点前收摊",
                "ئەتىگەنلىك بازار ئورنى بېكىتىپ، سائەت سەككىزدىن بۇرۇن يىغىش",
                "تاڭعى بازار ورنىن بەلگىلەپ، ساعات سەگىزگە دەيىن جيناۋ",
                "Marked stalls, packed up by eight",
            ),
            _t(
                "取消早市，引导进入室内市场",
                "ئەتىگەنلىك بازارنى ئەمەلدىن قالدۇرۇپ، ئۆي ئىچى بازىرىغا يۆتكەش",
                "تاڭعى بازاردى توقتاتىپ، جابىق بازارعا اۋىستىرۋ",
                "Close the street market; move stalls indoors",
            ),
        ),
        project=ProjectText(
            _t(
                "在市场东侧划定早市摊位，设置时段牌，城管和市场监管定期巡查。",
                "بازارنىڭ شەرقىي تەرىپىدە ئەتىگەنلىك بازار ئورنى بېكىتىلىدۇ، ۋاقىت تاختىسى قويۇلىدۇ، شەھەر "
                "باشقۇرۇش ۋە بازار نازارەت قىلىش دائىم چارلايدۇ.",
                "بازاردىڭ شىعىس جاعىندا تاڭعى بازار ورنى بەلگىلەنەدى، ۋاقىت تاقتاسى قويىلادى، قالا باسقارۋ "
                "مەن بازاردى قاداعالاۋ ۇنەمى تەكسەرەدى.",
                "Mark morning stalls on the east side of the market, post the hours, with regular patrols "
                "by urban management and market regulation.",
            ),
            (
                (_SURVEY, 1, 7),
                (_CONSULT, 1, 14),
                (
                    _t(
                        "划线设牌，摊贩登记",
                        "سىزىق سىزىپ تاختا قويۇش، سودىگەرلەرنى تىزىملاش",
                        "سىزىق سىزىپ تاقتا قويۋ، ساۋداگەرلەردى تىركەۋ",
                        "Paint the stalls, post the signs, register the vendors",
                    ),
                    2,
                    25,
                ),
                (_ACCEPT, 1, 30),
            ),
            (6000, 15000),
            "community",
            ("community", "city_management", "market_regulation"),
            _t(
                "担任早市文明劝导员",
                "ئەتىگەنلىك بازار مەدەنىيەت تەشۋىقاتچىسى بولۇش",
                "تاڭعى بازاردا مادەنيەت ناسيحاتشىسى بولۋ",
                "Helped as a market steward",
            ),
        ),
    ),
    TopicText(
        "property_fee",
        "community",
        ("property",),
        _t(
            "物业费标准调整",
            "ئۆي-مۈلۈك ھەققى ئۆلچىمىنى تەڭشەش",
            "مۇلىك اقىسىنىڭ ولشەمىن وزگەرتۋ",
            "Adjusting the property fee",
        ),
        _t(
            "物业公司提出人工和取暖成本上涨，要求把物业费从每平方米每月0.6元调到0.8元。不少业主认为服务不到"
            "位，不同意涨价，要求先改进服务。",
            "ئۆي-مۈلۈك شىركىتى ئىش ھەققى ۋە ئىسسىتىش چىقىمى ئاشتى دەپ، ئايلىق ھەقنى ھەر كۋادرات مېتىرغا 0.6 "
            "يۈەندىن 0.8 يۈەنگە ئۆستۈرۈشنى تەلەپ قىلدى. نۇرغۇن ئۆي ئىگىلىرى مۇلازىمەت ياخشى ئەمەس، ئالدى "
            "بىلەن مۇلازىمەتنى ياخشىلاش كېرەك دەپ قارايدۇ.",
            "مۇلىك كومپانياسى ەڭبەك اقى مەن جىلىتۋ شىعىنى ٴوستى دەپ، ايلىق اقىنى ٴار شارشى مەتىرگە 0.6 "
            "يۋاننان 0.8 يۋانعا كوتەرۋدى سۇرادى. كوپ ٴۇي يەلەرى قىزمەت ناشار، الدىمەن قىزمەتتى جاقسارتۋ "
            "كەرەك دەيدى.",
            "The property company cites higher wages and heating costs and asks to raise the fee from 0.6 "
            "to 0.8 yuan per square metre a month. Many owners say the service falls short and want it "
            "improved before any increase.",
        ),
        (
            _t(
                "同意调价，同时签订服务承诺",
                "باھانى تەڭشەشكە قوشۇلۇپ، مۇلازىمەت ۋەدىنامىسى ئىمزالاش",
                "باعانى وزگەرتۋگە كەلىسىپ، قىزمەت مىندەتتەمەسىن قول قويۋ",
                "Agree, with a signed service pledge",
            ),
            _t(
                "暂不调价，半年后根据考评再议",
                "ھازىرچە تەڭشىمەي، يېرىم يىلدىن كېيىن باھالاش بويىچە قايتا مۇزاكىرە",
                "ازىرشە وزگەرتپەي، جارتى جىلدان كەيىن باعالاۋ بويىنشا قايتا تالقىلاۋ",
                "Not now; review after six months of ratings",
            ),
        ),
        electorate="households",
        majority="two_thirds",
        contested=True,
    ),
    TopicText(
        "ebike",
        "community",
        ("neighbourhood", "property"),
        _t(
            "电动车集中充电桩建设",
            "ئېلېكتر ۋېلىسىپىت مەركەزلىك توك قاچىلاش نۇقتىسى قۇرۇش",
            "ەلەكتر ۆەلوسيپەدتەرگە ورتاق زارياد ورنىن سالۋ",
            "Charging points for electric bikes",
        ),
        _t(
            "有居民把电动车推进楼道、从窗户拉线充电，存在火灾隐患。建议在小区建一处带计费的集中充电棚。",
            "بەزى ئاھالىلەر ئېلېكتر ۋېلىسىپىتنى پەلەمپەيگە كىرگۈزۈپ، دېرىزىدىن سىم چىقىرىپ توك قاچىلايدۇ، "
            "ئوت ئاپىتى خەۋپى بار. مەھەللىدە ھەق ئالىدىغان مەركەزلىك توك قاچىلاش ئۆيى قۇرۇشنى تەۋسىيە "
            "قىلىمىز.",
            "كەيبىر تۇرعىندار ەلەكتر ۆەلوسيپەدىن باسپالداققا كىرگىزىپ، تەرەزەدەن سىم شىعارىپ زارياد الادى، "
            "ٴورت قاۋپى بار. قاۋىمدا اقىلى ورتاق زارياد شاتىرىن سالۋدى ۇسىنامىز.",
            "Some residents charge e-bikes in the stairways or through windows, a fire risk. The proposal "
            "is a covered charging shelter with metered points.",
        ),
        (
            _t(
                "建集中充电棚",
                "مەركەزلىك توك قاچىلاش ئۆيى قۇرۇش",
                "ورتاق زارياد شاتىرىن سالۋ",
                "Build a charging shelter",
            ),
            _t(
                "每栋楼下安装充电插座",
                "ھەر بىنا ئاستىغا توك قاچىلاش سوكىتى ئورنىتىش",
                "ٴار ٴۇيدىڭ استىنا زارياد روزەتكاسىن ورناتۋ",
                "Sockets at each building",
            ),
        ),
        project=ProjectText(
            _t(
                "建设一处可停放40辆电动车的充电棚，扫码计费，配备灭火器。",
                "40 ئېلېكتر ۋېلىسىپىت سىغىدىغان توك قاچىلاش ئۆيى قۇرۇلىدۇ، كود سىكانىرلاپ ھەق تۆلىنىدۇ، ئوت "
                "ئۆچۈرگۈچ قويۇلىدۇ.",
                "40 ەلەكتر ۆەلوسيپەد سىياتىن زارياد شاتىرى سالىنادى، كود ارقىلى اقى تولەنەدى، ٴورت "
                "سوندىرگىش قويىلادى.",
                "A shelter for forty e-bikes with pay-by-code charging and fire extinguishers.",
            ),
            (
                (_SURVEY, 1, 7),
                (_t("供电接入", "توك ئۇلاش", "توق قوسۋ", "Power connection"), 1, 20),
                (_BUILD, 2, 35),
                (_ACCEPT, 1, 38),
            ),
            (40000, 70000),
            "co_building_unit",
            ("community", "power_supply", "property"),
            _t(
                "劝导邻居不在楼道充电",
                "قوشنىلارنى پەلەمپەيدە توك قاچىلىماسلىققا دەۋەت قىلىش",
                "كورشىلەردى باسپالداقتا زارياد الماۋعا ۇگىتتەۋ",
                "Asked neighbours not to charge in the stairways",
            ),
        ),
    ),
    TopicText(
        "corridor",
        "grid",
        ("grid",),
        _t(
            "楼道堆物集中清理",
            "پەلەمپەيدىكى دۆۋە نەرسىلەرنى تازىلاش",
            "باسپالداقتاعى ۇيىلگەن زاتتاردى تازالاۋ",
            "Clearing the clutter out of the stairways",
        ),
        _t(
            "网格内不少楼道堆放杂物、旧家具，挡住逃生通道，消防检查已经提出整改。建议定一个清理日，网格员和"
            "居民一起清理。",
            "تور ئىچىدىكى نۇرغۇن پەلەمپەيلەرگە قالايمىقان نەرسە ۋە كونا جاھازلار دۆۋىلەنگەن، قېچىش يولىنى "
            "توسۇۋالغان. بىر تازىلىق كۈنى بېكىتىپ، تور خادىملىرى بىلەن ئاھالىلەر بىرلىكتە تازىلاشنى تەۋسىيە "
            "قىلىمىز.",
            "تور ىشىندەگى كوپ باسپالداقتا ارتىق زات پەن ەسكى جيھاز ۇيىلگەن، قاشۋ جولىن بوگەپ تۇر. ٴبىر "
            "تازالاۋ كۇنىن بەلگىلەپ، تور قىزمەتكەرلەرى مەن تۇرعىندار بىرگە تازالاۋدى ۇسىنامىز.",
            "Stairways in the grid are full of junk and old furniture blocking the escape routes; the fire "
            "inspection asked for it to go. The proposal is a clearing day, with the grid workers and "
            "residents together.",
        ),
        (
            _t(
                "周六集中清理",
                "شەنبە كۈنى بىرلىكتە تازىلاش",
                "سەنبى كۇنى بىرگە تازالاۋ",
                "Clear it together on a Saturday",
            ),
            _t(
                "各户限期自行清理",
                "ھەر ئائىلە ۋاقىت ئىچىدە ئۆزى تازىلاش",
                "ٴار وتباسى مەرزىمىندە ٴوزى تازالاۋ",
                "Each household clears its own by a deadline",
            ),
        ),
        project=ProjectText(
            _t(
                "组织一次楼道清理日，清运杂物，张贴消防通道禁堆标识。",
                "بىر قېتىملىق پەلەمپەي تازىلاش كۈنى ئۇيۇشتۇرۇلۇپ، نەرسىلەر توشۇلىدۇ، بەلگە چاپلىنىدۇ.",
                "ٴبىر رەتتىك باسپالداق تازالاۋ كۇنى ۇيىمداستىرىلىپ، زاتتار تاسىلادى، بەلگى جاپسىرىلادى.",
                "A stairway clearing day: haul the junk away and post no-storage signs on the escape routes.",
            ),
            (
                (
                    _t(
                        "逐户通知并登记",
                        "ھەر ئائىلىگە ئۇقتۇرۇپ تىزىملاش",
                        "ٴار وتباسىنا حابارلاپ تىركەۋ",
                        "Tell and list every household",
                    ),
                    1,
                    5,
                ),
                (
                    _t("集中清理清运", "بىرلىكتە تازىلاپ توشۇش", "بىرگە تازالاپ تاسۋ", "Clear and haul away"),
                    2,
                    10,
                ),
                (_ACCEPT, 1, 14),
            ),
            (1500, 4000),
            "community",
            ("community", "volunteers"),
            _t(
                "参加楼道清理",
                "پەلەمپەي تازىلاشقا قاتنىشىش",
                "باسپالداق تازالاۋعا قاتىسۋ",
                "Helped clear the stairways",
            ),
        ),
    ),
    TopicText(
        "doorway_snow",
        "grid",
        ("grid",),
        _t(
            "单元门前清雪责任区",
            "پەلەمپەي ئىشىكى ئالدىدىكى قار تازىلاش رايونى",
            "باسپالداق ەسىگى الدىنداعى قار تازالاۋ ايماعى",
            "Clearing snow in front of each stairway",
        ),
        _t(
            "入冬后单元门前经常积雪结冰。建议每个单元推选一名单元长，带领本单元住户轮流清扫门前积雪，网格配"
            "发铁锹和融雪剂。",
            "قىش كىرگەندىن كېيىن پەلەمپەي ئىشىكى ئالدىدا قار توڭلاپ قالىدۇ. ھەر پەلەمپەيدىن بىر باشلىق "
            "سايلاپ، ئائىلىلەر نۆۋەت بىلەن قار تازىلايدۇ، تور كۈرەك ۋە قار ئېرىتكۈچ بېرىدۇ.",
            "قىس تۇسكەننەن كەيىن باسپالداق ەسىگى الدىندا قار قاتىپ قالادى. ٴار باسپالداقتان ٴبىر باسشى "
            "سايلاپ، وتباسىلار كەزەكپەن قار تازالايدى، تور كۇرەك پەن قار ەرىتكىش بەرەدى.",
            "Once winter sets in, snow ices over in front of the stairway doors. The proposal: each "
            "stairway chooses a head who organises the households to clear in turn; the grid hands out "
            "shovels and de-icer.",
        ),
        (
            _t(
                "单元内轮流清扫",
                "پەلەمپەي ئىچىدە نۆۋەت بىلەن تازىلاش",
                "باسپالداق ىشىندە كەزەكپەن تازالاۋ",
                "Households take turns",
            ),
            _t(
                "请物业统一清扫",
                "ئۆي-مۈلۈك شىركىتىدىن تازىلاشنى سوراش",
                "مۇلىك كومپانياسىنان تازالاۋدى سۇراۋ",
                "Ask the property company to do it",
            ),
        ),
        electorate="residents",
    ),
    TopicText(
        "party_wishes",
        "subdistrict",
        ("joint_party_committee",),
        _t(
            "共建单位认领困难群众微心愿",
            "ئورتاق قۇرۇلۇش ئورۇنلىرىنىڭ قىيىنچىلىقى بار ئاممىنىڭ كىچىك ئارزۇلىرىنى ئۈستىگە ئېلىشى",
            "بىرلەسىپ قۇرۋشى مەكەمەلەردىڭ قيىن جاعدايداعى حالىقتىڭ كىشى ٴتىلەكتەرىن ورىنداۋى",
            "Co-building units take on residents' micro-wishes",
        ),
        _t(
            "各社区收集了独居老人、困难家庭的微心愿，如冬衣、取暖煤、助听器等。提议由大党委成员单位和在职党"
            "员认领，春节前全部完成。",
            "مەھەللىلەر يالغۇز ياشانغانلار ۋە قىيىنچىلىقى بار ئائىلىلەرنىڭ قىشلىق كىيىم، كۆمۈر، ئاڭلاش "
            "ئەسۋابى قاتارلىق كىچىك ئارزۇلىرىنى توپلىدى. چوڭ پارتكوم ئەزا ئورۇنلىرى ۋە خىزمەتتىكى پارتىيە "
            "ئەزالىرى ئۈستىگە ئېلىپ، باھار بايرىمىدىن بۇرۇن تاماملاشنى تەكلىپ قىلىمىز.",
            "قاۋىمدار جالعىز قارتتار مەن قيىن جاعدايداعى وتباسىلاردىڭ قىستىق كيىم، كومىر، ەستۋ اپپاراتى "
            "سياقتى كىشى تىلەكتەرىن جينادى. ۇلكەن پارتكوم مۇشە مەكەمەلەرى مەن جۇمىستاعى پارتيا مۇشەلەرى "
            "ورىنداپ، كوكتەم مەرەكەسىنە دەيىن ٴبىتىرۋدى ۇسىنامىز.",
            "The communities have collected the micro-wishes of older people living alone and families in "
            "hardship: winter clothes, coal, hearing aids. Proposed: the member units of the joint party "
            "committee and in-service party members take them on and fulfil them all before the Spring "
            "Festival.",
        ),
        (
            _t(
                "按社区分片认领",
                "مەھەللە بويىچە ئۈستىگە ئېلىش",
                "قاۋىم بويىنشا ٴبولىپ الۋ",
                "Each unit takes a community",
            ),
            _t(
                "统一发布，自愿认领",
                "بىرلىكتە ئېلان قىلىپ، ئىختىيارىي ئېلىش",
                "بىرگە جاريالاپ، ەرىكتى تۇردە الۋ",
                "Publish them all; units choose freely",
            ),
        ),
        project=ProjectText(
            _t(
                "大党委成员单位和在职党员认领并完成各社区收集的微心愿，结果在社区公示。",
                "چوڭ پارتكوم ئەزا ئورۇنلىرى ۋە خىزمەتتىكى پارتىيە ئەزالىرى كىچىك ئارزۇلارنى ئۈستىگە ئېلىپ "
                "ئورۇندايدۇ، نەتىجىسى ئېلان قىلىنىدۇ.",
                "ۇلكەن پارتكوم مۇشە مەكەمەلەرى مەن جۇمىستاعى پارتيا مۇشەلەرى كىشى تىلەكتەردى ورىندايدى، "
                "ناتيجەسى جاريالانادى.",
                "Member units and in-service party members fulfil the micro-wishes collected in each "
                "community; the results are published there.",
            ),
            (
                (
                    _t(
                        "汇总并发布心愿清单",
                        "ئارزۇ تىزىملىكىنى توپلاپ ئېلان قىلىش",
                        "تىلەك ٴتىزىمىن جيناپ جاريالاۋ",
                        "Compile and publish the list",
                    ),
                    1,
                    7,
                ),
                (
                    _t(
                        "成员单位认领",
                        "ئەزا ئورۇنلار ئۈستىگە ئېلىش",
                        "مۇشە مەكەمەلەر الۋ",
                        "Member units take them on",
                    ),
                    1,
                    15,
                ),
                (
                    _t(
                        "送达心愿物品",
                        "ئارزۇ بۇيۇملىرىنى يەتكۈزۈش",
                        "تىلەك زاتتارىن جەتكىزۋ",
                        "Deliver the gifts",
                    ),
                    3,
                    35,
                ),
                (
                    _t(
                        "回访并公示",
                        "قايتا زىيارەت قىلىپ ئېلان قىلىش",
                        "قايتا بارىپ جاريالاۋ",
                        "Follow up and publish the results",
                    ),
                    1,
                    40,
                ),
            ),
            (10000, 30000),
            "party_fees",
            ("community", "power_supply", "water_supply", "volunteers"),
            _t(
                "为困难群众送去心愿物品",
                "قىيىنچىلىقى بارلارغا بۇيۇم يەتكۈزۈش",
                "قيىن جاعدايداعىلارعا زات جەتكىزۋ",
                "Delivered the gifts to families in need",
            ),
        ),
    ),
    TopicText(
        "party_red_post",
        "subdistrict",
        ("joint_party_committee",),
        _t(
            "共建网格红色驿站",
            "تور قىزىل پونكىتىنى ئورتاق قۇرۇش",
            "تور قىزىل بەكەتىن بىرلەسىپ قۇرۋ",
            "Co-building the grids' red service posts",
        ),
        _t(
            "部分网格红色驿站设施简陋，冬天没有取暖，环卫工人、快递员和居民无处歇脚。提议成员单位结对共建，"
            "配齐取暖、饮水和应急药箱。",
            "بەزى تورلارنىڭ قىزىل پونكىتى ئاددىي، قىشتا ئىسسىتىش يوق، تازىلىق ئىشچىلىرى، يوللانما "
            "يەتكۈزگۈچىلەر ۋە ئاھالىلەر ئارام ئالىدىغان يەر يوق. ئەزا ئورۇنلار جۈپلىشىپ قۇرۇپ، ئىسسىتىش، "
            "ئىچىملىك سۇ ۋە جىددىي دورا ساندۇقى تەييارلاشنى تەكلىپ قىلىمىز.",
            "كەيبىر تورلاردىڭ قىزىل بەكەتى قاراپايىم، قىستا جىلىتۋ جوق، تازالىق جۇمىسشىلارى، كۋرەرلەر مەن "
            "تۇرعىندار دەمالاتىن ورىن جوق. مۇشە مەكەمەلەر جۇپتاسىپ قۇرىپ، جىلىتۋ، اۋىز سۋ جانە جەدەل ٴدارى "
            "قوراپشاسىن دايىنداۋدى ۇسىنامىز.",
            "Some grid red posts are bare and unheated in winter, leaving street cleaners, couriers and "
            "residents nowhere to rest. Proposed: member units pair with the posts and equip them with "
            "heating, drinking water and first-aid kits.",
        ),
        (
            _t(
                "一家成员单位结对一个驿站",
                "بىر ئەزا ئورۇن بىر پونكىت بىلەن جۈپلىشىش",
                "ٴبىر مۇشە مەكەمە ٴبىر بەكەتپەن جۇپتاسۋ",
                "One member unit per post",
            ),
            _t(
                "统一采购后分配",
                "بىرلىكتە سېتىۋېلىپ تەقسىملەش",
                "بىرگە ساتىپ الىپ ٴبولۋ",
                "Buy together and share out",
            ),
        ),
        project=ProjectText(
            _t(
                "成员单位结对共建红色驿站，配齐取暖设备、饮水机和应急药箱，党员志愿者轮流值守。",
                "ئەزا ئورۇنلار قىزىل پونكىتلارنى جۈپلىشىپ قۇرىدۇ، ئىسسىتىش ئۈسكۈنىسى، سۇ ماشىنىسى ۋە جىددىي "
                "دورا ساندۇقى قويۇلىدۇ.",
                "مۇشە مەكەمەلەر قىزىل بەكەتتەردى جۇپتاسىپ قۇرادى، جىلىتۋ جابدىعى، سۋ اپپاراتى مەن جەدەل "
                "ٴدارى قوراپشاسى قويىلادى.",
                "Member units equip the red posts with heaters, water dispensers and first-aid kits; "
                "party-member volunteers staff them in turn.",
            ),
            (
                (_SURVEY, 1, 10),
                (_PROCURE, 1, 20),
                (
                    _t(
                        "驿站布置并开放",
                        "پونكىتنى جابدۇپ ئېچىش",
                        "بەكەتتى جابدىقتاپ اشۋ",
                        "Fit out and open the posts",
                    ),
                    2,
                    35,
                ),
            ),
            (20000, 45000),
            "co_building_unit",
            ("community", "power_supply", "water_supply"),
            _t(
                "在驿站轮流值守",
                "پونكىتتا نۆۋەتچىلىك قىلىش",
                "بەكەتتە كەزەكشى بولۋ",
                "Took turns staffing a post",
            ),
        ),
    ),
    TopicText(
        "party_elderly",
        "subdistrict",
        ("joint_party_committee",),
        _t(
            "在职党员结对帮扶独居老人",
            "خىزمەتتىكى پارتىيە ئەزالىرى يالغۇز ياشانغانلار بىلەن جۈپلىشىش",
            "جۇمىستاعى پارتيا مۇشەلەرى جالعىز قارتتارمەن جۇپتاسۋ",
            "In-service party members pair with older people living alone",
        ),
        _t(
            "辖区独居老人较多，冬季取暖、就医、买菜都有困难。提议到社区报到的在职党员每人结对一户，每周至少"
            "上门或电话问候一次。",
            "رايوندا يالغۇز ياشايدىغان ياشانغانلار كۆپ، قىشتا ئىسسىنىش، دوختۇرغا بېرىش، كۆكتات ئېلىش قىيىن. "
            "مەھەللىگە دوكلات قىلغان ھەر بىر پارتىيە ئەزاسى بىر ئائىلە بىلەن جۈپلىشىپ، ھەپتىدە ئاز دېگەندە "
            "بىر قېتىم يوقلاشنى تەكلىپ قىلىمىز.",
            "ايماقتا جالعىز تۇراتىن قارتتار كوپ، قىستا جىلىنۋ، دارىگەرگە بارۋ، كوكونىس الۋ قيىن. قاۋىمعا "
            "تىركەلگەن ٴار پارتيا مۇشەسى ٴبىر وتباسىمەن جۇپتاسىپ، اپتاسىنا كەم دەگەندە ٴبىر رەت حال سۇراۋدى "
            "ۇسىنامىز.",
            "Many older people live alone here and struggle with heating, doctors and shopping in winter. "
            "Proposed: each in-service party member registered with a community pairs with one household "
            "and visits or calls at least once a week.",
        ),
        (
            _t(
                "每名党员结对一户",
                "ھەر پارتىيە ئەزاسى بىر ئائىلە بىلەن",
                "ٴار پارتيا مۇشەسى ٴبىر وتباسىمەن",
                "One household per member",
            ),
            _t(
                "党员小组结对一个楼栋",
                "پارتىيە گۇرۇپپىسى بىر بىنا بىلەن",
                "پارتيا توبى ٴبىر ۇيمەن",
                "One building per party group",
            ),
        ),
    ),
)


# A matter tabled for deliberation becomes a project by its category when the meeting approves it.
MATTER_PROJECTS = {
    category: ProjectText(
        description,
        ((_SURVEY, 1, 7), (_CONSULT, 1, 14), (_BUILD, 3, 30), (_ACCEPT, 1, 35)),
        budget,
        funding,
        parties,
        _t(
            "参与方案讨论和现场监督",
            "پىلان مۇزاكىرىسى ۋە نەق مەيدان نازارىتىگە قاتنىشىش",
            "جوسپار تالقىلاۋى مەن ورىندا قاداعالاۋعا قاتىسۋ",
            "Took part in planning and watched over the work",
        ),
    )
    for category, description, budget, funding, parties in (
        (
            "public_facilities",
            _t(
                "按居民议定的方案维修改造公共设施。",
                "ئاھالىلەر بېكىتكەن پىلان بويىچە ئاممىۋى ئەسلىھەلەر رېمونت قىلىنىدۇ.",
                "تۇرعىندار بەكىتكەن جوسپار بويىنشا قوعامدىق نىساندار جوندەلەدى.",
                "Repair the public facilities as the residents agreed.",
            ),
            (8000, 40000),
            "community",
            ("community", "property"),
        ),
        (
            "environment",
            _t(
                "按居民议定的方案整治环境卫生。",
                "ئاھالىلەر بېكىتكەن پىلان بويىچە مۇھىت تازىلىقى تۈزىتىلىدۇ.",
                "تۇرعىندار بەكىتكەن جوسپار بويىنشا قورشاعان ورتا تازالىعى رەتتەلەدى.",
                "Clean up the surroundings as the residents agreed.",
            ),
            (5000, 25000),
            "government",
            ("city_management", "community", "volunteers"),
        ),
        (
            "property",
            _t(
                "物业公司按居民议定的方案整改服务。",
                "ئۆي-مۈلۈك شىركىتى ئاھالىلەر بېكىتكەن پىلان بويىچە مۇلازىمىتىنى تۈزىتىدۇ.",
                "مۇلىك كومپانياسى تۇرعىندار بەكىتكەن جوسپار بويىنشا قىزمەتىن رەتتەيدى.",
                "The property company improves its service as the residents agreed.",
            ),
            (3000, 20000),
            "property_company",
            ("property", "community"),
        ),
        (
            "neighbours",
            _t(
                "制定并落实邻里公约。",
                "قوشنىدارچىلىق ئەھدىنامىسى تۈزۈلۈپ ئىجرا قىلىنىدۇ.",
                "كورشىلەر ەرەجەسى جاسالىپ ورىندالادى.",
                "Draw up and apply a neighbours' agreement.",
            ),
            (0, 0),
            "none",
            ("community", "volunteers"),
        ),
        (
            "elderly_care",
            _t(
                "按居民议定的方案改进为老服务。",
                "ئاھالىلەر بېكىتكەن پىلان بويىچە ياشانغانلار مۇلازىمىتى ياخشىلىنىدۇ.",
                "تۇرعىندار بەكىتكەن جوسپار بويىنشا قارتتارعا قىزمەت جاقسارتىلادى.",
                "Improve the services for older people as the residents agreed.",
            ),
            (5000, 30000),
            "government",
            ("community", "volunteers"),
        ),
        (
            "safety",
            _t(
                "消除居民反映的安全隐患。",
                "ئاھالىلەر ئىنكاس قىلغان بىخەتەرلىك خەۋپى تۈگىتىلىدۇ.",
                "تۇرعىندار ايتقان قاۋىپسىزدىك قاتەرى جويىلادى.",
                "Remove the safety hazard the residents reported.",
            ),
            (5000, 50000),
            "government",
            ("housing", "community", "property"),
        ),
        (
            "business_order",
            _t(
                "规范周边商户经营秩序。",
                "ئەتراپتىكى سودىگەرلەرنىڭ تەرتىپى رەتلىنىدۇ.",
                "ماڭىنداعى ساۋداگەرلەردىڭ ٴتارتىبى رەتتەلەدى.",
                "Bring order to the shops around.",
            ),
            (2000, 10000),
            "community",
            ("market_regulation", "city_management", "community"),
        ),
        (
            "other",
            _t(
                "按居民议定的方案办理。",
                "ئاھالىلەر بېكىتكەن پىلان بويىچە بېجىرىلىدۇ.",
                "تۇرعىندار بەكىتكەن جوسپار بويىنشا اتقارىلادى.",
                "Carry out what the residents agreed.",
            ),
            (2000, 20000),
            "community",
            ("community",),
        ),
    )
}

# Options of a topic opened from a tabled matter.
MATTER_OPTIONS = (
    _t(
        "按社区提出的方案办理",
        "مەھەللە ئوتتۇرىغا قويغان پىلان بويىچە بېجىرىش",
        "قاۋىم ۇسىنعان جوسپار بويىنشا اتقارۋ",
        "Go ahead with the community's plan",
    ),
    _t(
        "修改方案后再议",
        "پىلاننى ئۆزگەرتىپ قايتا مۇزاكىرە قىلىش",
        "جوسپاردى وزگەرتىپ قايتا تالقىلاۋ",
        "Change the plan and discuss again",
    ),
)
MATTER_BACKGROUND = _t(
    "居民反映：{description}\n社区受理后认为涉及众多居民利益，提交居民议事。",
    "ئاھالە ئىنكاسى: {description}\nمەھەللە بۇ ئىشنىڭ نۇرغۇن ئاھالىگە چېتىلىدىغانلىقىنى كۆزدە تۇتۇپ، "
    "ئاھالىلەر مۇزاكىرىسىگە سۇندى.",
    "تۇرعىن ايتقانى: {description}\nقاۋىم بۇل ىستىڭ كوپ تۇرعىنعا قاتىستى ەكەنىن ەسكەرىپ، تۇرعىندار "
    "تالقىلاۋىنا ۇسىندى.",
    "A resident reported: {description}\nThe community found that it concerns many residents and put it to "
    "their deliberation.",
)

# Meetings ---------------------------------------------------------------------------------------------------

MEETING_TITLES = {
    "neighbourhood": _t(
        "{place}{month}月睦邻议事会",
        "{place} {month}-ئايلىق قوشنىدارچىلىق مۇزاكىرە يىغىنى",
        "{place} {month}-ايلىق كورشىلەر كەڭەسى",
        "{place} neighbourhood council, month {month}",
    ),
    "grid": _t(
        "{place}{month}月网格议事会",
        "{place} {month}-ئايلىق تور مۇزاكىرە يىغىنى",
        "{place} {month}-ايلىق تور كەڭەسى",
        "{place} grid council, month {month}",
    ),
    "property": _t(
        "{place}{month}月物业联席会",
        "{place} {month}-ئايلىق ئۆي-مۈلۈك بىرلەشمە يىغىنى",
        "{place} {month}-ايلىق مۇلىك بىرلەسكەن جينالىسى",
        "{place} property joint meeting, month {month}",
    ),
    "representatives": _t(
        "{place}{month}月居民代表会议",
        "{place} {month}-ئايلىق ئاھالە ۋەكىللىرى يىغىنى",
        "{place} {month}-ايلىق تۇرعىندار وكىلدەرى جينالىسى",
        "{place} residents' representatives, month {month}",
    ),
    "joint_party_committee": _t(
        "{place}{month}月大党委联席会议",
        "{place} {month}-ئايلىق چوڭ پارتكوم بىرلەشمە يىغىنى",
        "{place} {month}-ايلىق ۇلكەن پارتكوم بىرلەسكەن جينالىسى",
        "{place} joint party committee, month {month}",
    ),
}
# Where a meeting sits when its place has no service point.
LOCATIONS = (
    _t("社区议事厅", "مەھەللە مۇزاكىرە زالى", "قاۋىم كەڭەس زالى", "Community meeting hall"),
    _t(
        "社区党群服务中心二楼会议室",
        "مەھەللە پارتىيە-ئاممە مۇلازىمەت مەركىزى 2-قەۋەت يىغىن ئۆيى",
        "قاۋىم پارتيا-حالىق قىزمەت ورتالىعى 2-قابات جينالىس ٴۇيى",
        "Meeting room, first floor, party and public service centre",
    ),
)
# Items that are reports to the meeting rather than topics to decide.
REPORTS = {
    "neighbourhood": (
        _t(
            "上月议定事项落实情况通报",
            "ئالدىنقى ئايدا بېكىتىلگەن ئىشلارنىڭ ئەمەلىيلىشىشى توغرىسىدا دوكلات",
            "وتكەن ايدا بەكىتىلگەن ىستەردىڭ ورىندالۋى تۋرالى بايانداما",
            "Report on last month's decisions",
        ),
        _t(
            "社区重点工作通报",
            "مەھەللىنىڭ مۇھىم خىزمەتلىرى توغرىسىدا دوكلات",
            "قاۋىمنىڭ ماڭىزدى جۇمىستارى تۋرالى بايانداما",
            "The community's main work this month",
        ),
    ),
    "grid": (
        _t(
            "网格入户走访情况通报",
            "تور ئائىلە زىيارىتى توغرىسىدا دوكلات",
            "تور ۇيمە-ٴۇي ارالاۋ تۋرالى بايانداما",
            "Report on the grid's household visits",
        ),
        _t(
            "冬季安全提示",
            "قىشلىق بىخەتەرلىك ئەسكەرتىشى",
            "قىستىق قاۋىپسىزدىك ەسكەرتۋى",
            "Winter safety reminders",
        ),
    ),
    "property": (
        _t(
            "物业服务情况通报",
            "ئۆي-مۈلۈك مۇلازىمىتى توغرىسىدا دوكلات",
            "مۇلىك قىزمەتى تۋرالى بايانداما",
            "The property company's service report",
        ),
        _t(
            "住宅专项维修资金使用情况",
            "تۇرالغۇ رېمونت فوندىنىڭ ئىشلىتىلىشى",
            "ٴۇي جوندەۋ قورىنىڭ پايدالانىلۋى",
            "Use of the housing maintenance fund",
        ),
    ),
    "representatives": (
        _t(
            "社区两委年度工作报告",
            "مەھەللە ئىككى كومىتېتىنىڭ يىللىق خىزمەت دوكلاتى",
            "قاۋىم ەكى كوميتەتىنىڭ جىلدىق جۇمىس بايانداماسى",
            "The committees' annual report",
        ),
        _t(
            "社区公益金收支情况",
            "مەھەللە ئاممىۋى پاراۋانلىق فوندىنىڭ كىرىم-چىقىمى",
            "قاۋىم قوعامدىق قورىنىڭ كىرىس-شىعىسى",
            "The community fund's accounts",
        ),
    ),
    "joint_party_committee": (
        _t(
            "成员单位共建项目进展通报",
            "ئەزا ئورۇنلارنىڭ ئورتاق قۇرۇلۇش تۈرلىرىنىڭ ئىلگىرىلىشى",
            "مۇشە مەكەمەلەردىڭ بىرلەسكەن جوبالارىنىڭ بارىسى",
            "Progress of the member units' joint projects",
        ),
        _t(
            "在职党员到社区报到情况",
            "خىزمەتتىكى پارتىيە ئەزالىرىنىڭ مەھەللىگە دوكلات قىلىشى",
            "جۇمىستاعى پارتيا مۇشەلەرىنىڭ قاۋىمعا تىركەلۋى",
            "In-service party members registered with the communities",
        ),
    ),
}
SUMMARIES = (
    _t(
        "与会居民围绕“{title}”发言。多数人赞成尽快实施，认为问题拖得太久；也有居民担心费用分摊和施工影响，建"
        "议方案公开透明。",
        "قاتناشقۇچىلار «{title}» توغرىسىدا سۆز قىلدى. كۆپچىلىك تېزدىن ئەمەلگە ئاشۇرۇشنى قوللىدى؛ بەزىلەر "
        "خىراجەت تەقسىماتى ۋە قۇرۇلۇشنىڭ تەسىرىدىن ئەنسىرەپ، پىلاننىڭ ئاشكارا بولۇشىنى تەلەپ قىلدى.",
        "قاتىسۋشىلار «{title}» جونىندە ٴسوز سويلەدى. كوپشىلىك تەزىرەك ىسكە اسىرۋدى قولدادى؛ كەيبىرەۋلەر "
        "شىعىندى ٴبولۋ مەن قۇرىلىستىڭ اسەرىنەن الاڭداپ، جوسپاردىڭ اشىق بولۋىن تالاپ ەتتى.",
        "Residents spoke on “{title}”. Most wanted it done soon, saying the problem had dragged on; some "
        "worried about sharing the cost and the disturbance, and asked for an open plan.",
    ),
    _t(
        "社区介绍了“{title}”的背景和两个方案。居民代表逐一发言，对方案细节提出修改意见，物业和共建单位作了答"
        "复。",
        "مەھەللە «{title}» نىڭ ئارقا كۆرۈنۈشى ۋە ئىككى پىلاننى تونۇشتۇردى. ئاھالە ۋەكىللىرى بىر-بىرلەپ سۆز "
        "قىلىپ، تەپسىلاتىغا پىكىر بەردى؛ ئۆي-مۈلۈك شىركىتى ۋە ئورتاق قۇرۇلۇش ئورۇنلىرى جاۋاب بەردى.",
        "قاۋىم «{title}» ماسەلەسىنىڭ ٴمان-جايى مەن ەكى جوسپاردى تانىستىردى. تۇرعىندار وكىلدەرى ٴبىر-بىرلەپ "
        "ٴسوز الىپ، ەگجەي-تەگجەيىنە پىكىر ايتتى؛ مۇلىك كومپانياسى مەن بىرلەسكەن مەكەمەلەر جاۋاپ بەردى.",
        "The community set out the background of “{title}” and the two options. Representatives spoke in "
        "turn and proposed changes; the property company and the co-building units answered.",
    ),
    _t(
        "围绕“{title}”，老人们希望照顾行动不便的住户，年轻住户更关心时间安排。大家同意先试行，再根据效果调整"
        "。",
        "«{title}» توغرىسىدا ياشانغانلار ماڭالمايدىغان ئاھالىلەرگە كۆڭۈل بۆلۈشنى، ياشلار ۋاقىت "
        "ئورۇنلاشتۇرۇشىنى تەلەپ قىلدى. ھەممەيلەن ئالدى بىلەن سىناق قىلىپ، ئاندىن تەڭشەشكە قوشۇلدى.",
        "«{title}» جونىندە قارتتار جۇرە المايتىن تۇرعىندارعا كوڭىل ٴبولۋدى، جاستار ۋاقىت كەستەسىن سۇرادى. "
        "بارلىعى الدىمەن سىناپ، سوسىن رەتتەۋگە كەلىستى.",
        "On “{title}”, older residents asked for care for those who cannot get about; younger ones cared "
        "more about timing. All agreed to try it first and adjust.",
    ),
    _t(
        "“{title}”讨论热烈。支持者认为能解决多年难题，反对者担心增加负担。主持人请双方补充意见后进入表决。",
        "«{title}» قىزغىن مۇزاكىرە قىلىندى. قوللىغۇچىلار كۆپ يىللىق مەسىلىنى ھەل قىلىدۇ دېدى، قارشى "
        "تۇرغۇچىلار يۈك ئېغىرلىشىشتىن ئەنسىرىدى. رىياسەتچى ئىككى تەرەپنىڭ پىكرىنى ئاڭلاپ، بېلەت تاشلاشقا "
        "ئۆتتى.",
        "«{title}» قىزۋ تالقىلاندى. قولداۋشىلار كوپ جىلعى ماسەلەنى شەشەدى دەدى، قارسىلار جۇكتىڭ اۋىرلاۋىنان "
        "الاڭدادى. ٴتوراعا ەكى جاقتىڭ پىكىرىن تىڭداپ، داۋىس بەرۋگە كوشتى.",
        "“{title}” was hotly debated: supporters said it would solve an old problem, opponents feared the "
        "burden. The chair heard both sides and moved to the vote.",
    ),
)
REPORT_SUMMARY = _t(
    "与会人员听取了通报，就有关问题提问，社区作了解答。",
    "قاتناشقۇچىلار دوكلاتنى ئاڭلاپ، سوئال سورىدى؛ مەھەللە جاۋاب بەردى.",
    "قاتىسۋشىلار باياندامانى تىڭداپ، سۇراق قويدى؛ قاۋىم جاۋاپ بەردى.",
    "Those present heard the report and asked questions, which the community answered.",
)
VOTE_QUESTION = _t(
    "是否同意“{title}”的实施方案？",
    "«{title}» ئىجرا پىلانىغا قوشۇلامسىز؟",
    "«{title}» ورىنداۋ جوسپارىنا كەلىسەسىز بە؟",
    "Do you agree to the plan for “{title}”?",
)
REASONS = {
    "approved": (
        _t(
            "表决通过，多数居民赞成按方案实施。",
            "بېلەت تاشلاشتا ماقۇللاندى، كۆپ ئاھالە پىلان بويىچە ئىجرا قىلىشقا قوشۇلدى.",
            "داۋىس بەرۋدە قابىلداندى، تۇرعىنداردىڭ كوبى جوسپار بويىنشا ورىنداۋعا كەلىستى.",
            "Passed: most residents agreed to go ahead with the plan.",
        ),
        _t(
            "与会人员一致同意，方案切实可行，资金已有着落。",
            "قاتناشقۇچىلار بىردەك قوشۇلدى، پىلان ئەمەلىي، مەبلەغ مەنبەسى بار.",
            "قاتىسۋشىلار ٴبىراۋىزدان كەلىستى، جوسپار ناقتى، قاراجات كوزى بار.",
            "Agreed unanimously: the plan is practical and the funds are found.",
        ),
        _t(
            "经充分讨论，会议同意实施，并要求施工中听取住户意见。",
            "تولۇق مۇزاكىرىدىن كېيىن يىغىن ئىجرا قىلىشقا قوشۇلدى، قۇرۇلۇش جەريانىدا ئاھالە پىكرىنى ئاڭلاشنى "
            "تەلەپ قىلدى.",
            "تولىق تالقىلاعاننان كەيىن جينالىس ورىنداۋعا كەلىستى، قۇرىلىس كەزىندە تۇرعىندار پىكىرىن "
            "تىڭداۋدى تالاپ ەتتى.",
            "After a full debate the meeting agreed, asking that residents be heard during the works.",
        ),
    ),
    "rejected": (
        _t(
            "表决未通过，多数居民认为费用负担过重。",
            "بېلەت تاشلاشتا ماقۇللانمىدى، كۆپ ئاھالە خىراجەت يۈكى ئېغىر دەپ قارىدى.",
            "داۋىس بەرۋدە قابىلدانبادى، تۇرعىنداردىڭ كوبى شىعىن اۋىر دەپ سانادى.",
            "Not passed: most residents found the cost too heavy.",
        ),
        _t(
            "会议认为该方案条件尚不成熟，不予实施。",
            "يىغىن بۇ پىلاننىڭ شەرتى تېخى پىشمىدى دەپ قاراپ، ئىجرا قىلمايدىغان بولدى.",
            "جينالىس بۇل جوسپاردىڭ شارتى ٴالى پىسپەگەن دەپ، ورىندالمايتىن بولدى.",
            "The meeting found the plan not ready and decided against it.",
        ),
    ),
    "deferred": (
        _t(
            "意见分歧较大，会议决定修改方案后下次再议。",
            "پىكىر پەرقى چوڭ، يىغىن پىلاننى ئۆزگەرتىپ كېيىنكى قېتىم قايتا مۇزاكىرە قىلىشنى قارار قىلدى.",
            "پىكىرلەر ارقيلى، جينالىس جوسپاردى وزگەرتىپ كەلەسى جولى قايتا تالقىلاۋدى شەشتى.",
            "Opinions were divided: the plan is to be revised and discussed again.",
        ),
        _t(
            "需要进一步核实费用和政策，推迟到下次会议审议。",
            "خىراجەت ۋە سىياسەتنى يەنىمۇ ئېنىقلاش كېرەك، كېيىنكى يىغىنغا قالدۇرۇلدى.",
            "شىعىن مەن ساياساتتى ناقتىلاۋ كەرەك، كەلەسى جينالىسقا قالدىرىلدى.",
            "Costs and rules need checking: deferred to the next meeting.",
        ),
    ),
    "no_quorum": (
        _t(
            "到会人数未达到规定人数，议题推迟到下次会议。",
            "يىغىنغا قاتناشقانلار بەلگىلەنگەن سانغا يەتمىدى، مەسىلە كېيىنكى يىغىنغا قالدۇرۇلدى.",
            "جينالىسقا قاتىسقاندار بەلگىلەنگەن سانعا جەتپەدى، ماسەلە كەلەسى جينالىسقا قالدىرىلدى.",
            "Too few attended for a quorum: the item is deferred to the next meeting.",
        ),
    ),
}
FOLLOW_UPS = (
    _t(
        "社区两委负责组织实施，每月向居民通报进度。",
        "مەھەللە ئىككى كومىتېتى ئىجرا قىلىشقا مەسئۇل، ھەر ئاي ئاھالىگە ئىلگىرىلەشنى ئۇقتۇرىدۇ.",
        "قاۋىم ەكى كوميتەتى ورىنداۋعا جاۋاپتى، ٴار اي تۇرعىندارعا بارىسىن حابارلايدى.",
        "The committees carry it out and report progress monthly.",
    ),
    _t(
        "方案公示七天，无异议后启动。",
        "پىلان يەتتە كۈن ئېلان قىلىنىپ، قارشى پىكىر بولمىسا باشلىنىدۇ.",
        "جوسپار جەتى كۇن جاريالانىپ، قارسى پىكىر بولماسا باستالادى.",
        "The plan is published for seven days and starts if no one objects.",
    ),
    _t(
        "由网格长牵头，联系相关住户落实。",
        "تور باشلىقى باشلامچىلىق قىلىپ، مۇناسىۋەتلىك ئائىلىلەر بىلەن ئالاقىلىشىدۇ.",
        "تور باسشىسى باستاما جاساپ، قاتىستى وتباسىلارمەن بايلانىسادى.",
        "The grid leader takes the lead with the households concerned.",
    ),
)

# Deliberation (the `resident` account's part) -------------------------------------------------------------

COMMENTS = {
    "for": (
        _t(
            "同意，这件事拖了好几年了，早办早好。",
            "قوشۇلىمەن، بۇ ئىش بىر قانچە يىل سوزۇلدى، تېز قىلىش كېرەك.",
            "كەلىسەمىن، بۇل ٴىس بىرنەشە جىل سوزىلدى، تەز ىستەۋ كەرەك.",
            "Yes, this has dragged on for years; the sooner the better.",
        ),
        _t(
            "支持！我家老人腿脚不好，冬天出门太难了。",
            "قوللايمەن! ئۆيىمىزدىكى ياشانغان پۇتى ئاغرىيدۇ، قىشتا سىرتقا چىقىش بەك تەس.",
            "قولدايمىن! ۇيىمىزدەگى قارت اياعى اۋىرادى، قىستا سىرتقا شىعۋ وتە قيىن.",
            "I support it: my elderly parent can hardly get out in winter.",
        ),
    ),
    "against": (
        _t(
            "费用分摊要讲清楚，一楼住户用不上，不应该出一样的钱。",
            "خىراجەت تەقسىماتى ئېنىق بولسۇن، بىرىنچى قەۋەتتىكىلەر ئىشلەتمەيدۇ، ئوخشاش پۇل چىقارماسلىقى "
            "كېرەك.",
            "شىعىندى ٴبولۋ انىق بولسىن، ٴبىرىنشى قاباتتاعىلار پايدالانبايدى، بىردەي اقشا تولەمەۋى كەرەك.",
            "The cost sharing must be clear: ground-floor flats get no use and should not pay the same.",
        ),
    ),
    "neutral": (
        _t(
            "能不能先公布一下预算明细，大家看了再决定？",
            "ئالدى بىلەن خامچوت تەپسىلاتىنى ئېلان قىلسا، ھەممەيلەن كۆرۈپ ئاندىن قارار قىلساق بولامدۇ؟",
            "الدىمەن قاراجات ەسەبىن جاريالاسا، بارلىعى كورىپ سوسىن شەشسەك بولا ما؟",
            "Could the budget be published first, so that we can decide after reading it?",
        ),
        _t(
            "施工时间最好避开冬天和高考。",
            "قۇرۇلۇش ۋاقتى قىش ۋە ئالىي مەكتەپ ئىمتىھانىدىن ئۆزىنى قاچۇرسا ياخشى.",
            "قۇرىلىس ۋاقىتى قىس پەن جوعارى وقۋ ورنى ەمتيحانىنان اۋلاق بولسا جاقسى.",
            "Best to keep the works clear of winter and the exam season.",
        ),
    ),
}
# A comment the moderators hide: it gives a telephone number in public.
COMMENT_WITH_PHONE = _t(
    "谁家有多余的铁锹可以借我，打我电话13999001234。",
    "كىمنىڭ ئارتۇق كۈرىكى بولسا ماڭا بەرسۇن، تېلېفونۇم 13999001234.",
    "كىمدە ارتىق كۇرەك بولسا ماعان بەرسىن، تەلەفونىم 13999001234.",
    "Anyone with a spare shovel to lend, call me on 13999001234.",
)
HIDE_REASON = _t(
    "含有个人电话号码，为保护隐私已隐藏。",
    "شەخسىي تېلېفون نومۇرى بار، مەخپىيەتلىكنى قوغداش ئۈچۈن يوشۇرۇلدى.",
    "جەكە تەلەفون ٴنومىرى بار، قۇپيالىقتى قورعاۋ ٴۇشىن جاسىرىلدى.",
    "Contains a personal telephone number; hidden to protect privacy.",
)
REPORT_REASONS = (
    _t(
        "评论里有电话号码",
        "باھادا تېلېفون نومۇرى بار",
        "پىكىردە تەلەفون ٴنومىرى بار",
        "The comment gives a telephone number",
    ),
    _t("与议题无关", "مەسىلىگە مۇناسىۋەتسىز", "ماسەلەگە قاتىسى جوق", "Off topic"),
)
OBJECTION = _t(
    "方案没有考虑一楼商铺的出入，施工期间店门会被堵住，请重新评估。",
    "پىلاندا بىرىنچى قەۋەتتىكى دۇكانلارنىڭ كىرىپ-چىقىشى ئويلاشقا ئېلىنمىغان، قۇرۇلۇش جەريانىدا ئىشىك "
    "توسۇلۇپ قالىدۇ، قايتا باھالاڭ.",
    "جوسپاردا ٴبىرىنشى قاباتتاعى دۇكەندەردىڭ كىرىپ-شىعۋى ەسكەرىلمەگەن، قۇرىلىس كەزىندە ەسىك جابىلىپ قالادى، "
    "قايتا باعالاڭىز.",
    "The plan ignores access to the ground-floor shops, whose doors would be blocked during the works; "
    "please review it.",
)
# Why a tabled matter is not taken further when the meeting decided against it (told to the resident).
MATTER_REJECTED = _t(
    "居民议事会表决未通过该方案，社区将继续听取意见。",
    "ئاھالىلەر مۇزاكىرە يىغىنى بۇ پىلاننى ماقۇللىمىدى، مەھەللە پىكىر ئاڭلاشنى داۋاملاشتۇرىدۇ.",
    "تۇرعىندار كەڭەسى بۇل جوسپاردى قابىلداماعان، قاۋىم پىكىر تىڭداۋدى جالعاستىرادى.",
    "The residents' council voted the plan down; the community will keep listening.",
)

# Projects ---------------------------------------------------------------------------------------------------

SUSPEND_REASONS = (
    _t(
        "入冬气温过低，无法施工，开春后复工。",
        "قىش كىرىپ ھاۋا بەك سوۋۇپ كەتتى، قۇرۇلۇش قىلغىلى بولمايدۇ، ئەتىيازدا داۋاملىشىدۇ.",
        "قىس ٴتۇسىپ اۋا تىم سۋىتتى، قۇرىلىس جۇرگىزۋگە بولمايدى، كوكتەمدە جالعاسادى.",
        "Too cold to build once winter set in; work resumes in spring.",
    ),
    _t(
        "补贴资金尚未下达，暂停等待。",
        "ياردەم پۇلى تېخى چۈشمىدى، توختىتىلىپ ساقلىنىۋاتىدۇ.",
        "دەمەۋ قاراجاتى ٴالى تۇسپەدى، توقتاتىلىپ كۇتىلۋدە.",
        "The subsidy has not arrived yet; paused until it does.",
    ),
)
CANCEL_REASONS = (
    _t(
        "上级改造计划已覆盖该项目，本项目撤销。",
        "يۇقىرى دەرىجىلىك ئۆزگەرتىش پىلانى بۇ تۈرنى ئۆز ئىچىگە ئالدى، بۇ تۈر ئەمەلدىن قالدۇرۇلدى.",
        "جوعارى جاڭارتۋ جوسپارى بۇل جوبانى قامتىدى، بۇل جوبا توقتاتىلدى.",
        "The city's renewal plan now covers this work; this project is withdrawn.",
    ),
    _t(
        "经核算费用超出承受能力，居民同意暂不实施。",
        "ھېسابلاپ كۆرۈلسە خىراجەت كۆتۈرەلمىگۈدەك، ئاھالىلەر ھازىرچە ئىجرا قىلماسلىققا قوشۇلدى.",
        "ەسەپتەسە شىعىن كوتەرە المايتىنداي، تۇرعىندار ازىرشە ورىندالماۋىنا كەلىستى.",
        "The cost proved too high; the residents agreed to drop it for now.",
    ),
)
FINISH_NOTES = (
    _t(
        "工程已完工并通过验收，感谢居民的支持和参与。",
        "قۇرۇلۇش تاماملىنىپ تەكشۈرۈپ قوبۇل قىلىندى، ئاھالىلەرنىڭ قوللىشى ۋە قاتنىشىشىغا رەھمەت.",
        "قۇرىلىس ٴبىتىپ قابىلداندى، تۇرعىنداردىڭ قولداۋى مەن قاتىسۋىنا راحمەت.",
        "The work is finished and inspected; thank you for your support and help.",
    ),
    _t(
        "各项任务已完成，结果已在小区公示栏公布。",
        "بارلىق ۋەزىپە تاماملاندى، نەتىجىسى ئېلان تاختىسىدا ئېلان قىلىندى.",
        "بارلىق مىندەت ورىندالدى، ناتيجەسى حابارلاندىرۋ تاقتاسىندا جاريالاندى.",
        "All tasks are done; the results are posted on the notice board.",
    ),
)
PHOTO_CAPTIONS = {
    "before": _t("施工前", "قۇرۇلۇشتىن بۇرۇن", "قۇرىلىستان بۇرىن", "Before the work"),
    "after": _t("完工后", "تاماملانغاندىن كېيىن", "بىتكەننەن كەيىن", "After the work"),
}
EVALUATIONS = {
    "satisfied": (
        _t(
            "按大家商量的办了，很满意。",
            "ھەممەيلەن كېڭەشكەندەك قىلىندى، بەك رازى.",
            "بارلىعى كەڭەسكەندەي ىستەلدى، وتە رازىمىن.",
            "Done as we agreed; very satisfied.",
        ),
        _t(
            "效果很好，谢谢社区和志愿者。",
            "ئۈنۈمى ياخشى، مەھەللە ۋە پىدائىيلارغا رەھمەت.",
            "ناتيجەسى جاقسى، قاۋىم مەن ەرىكتىلەرگە راحمەت.",
            "Works well; thanks to the community and the volunteers.",
        ),
        _t("", "", "", ""),
    ),
    "basically": (
        _t(
            "基本满意，个别地方还需要完善。",
            "ئاساسەن رازى، بەزى يەرلىرىنى يەنە ياخشىلاش كېرەك.",
            "نەگىزىنەن رازىمىن، كەيبىر جەرلەرىن ٴالى جەتىلدىرۋ كەرەك.",
            "Mostly satisfied; a few details still need work.",
        ),
    ),
}
