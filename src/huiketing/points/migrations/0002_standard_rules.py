"""The standard points rules, so that a fresh database awards points from the start. A copy of
huiketing.points.services.STANDARD_RULES (migrations never import app code); rules that exist are left as
staff set them."""

from django.db import migrations

STANDARD_RULES = [
    (
        "matter_accepted",
        "resident",
        5,
        {"zh-hans": "提出的事项被社区受理", "en": "A matter you raised was taken on by the community", "ug": "سىز ئىنكاس قىلغان مەسىلە مەھەللە تەرىپىدىن قوبۇل قىلىندى", "kk": "ٴسىز كوتەرگەن ماسەلەنى قاۋىم قابىلدادى"},
    ),
    ("meeting_attended", "resident", 3, {"zh-hans": "参加议事会议", "en": "Attended a meeting", "ug": "كېڭەش يىغىنىغا قاتناشتى", "kk": "تالقىلاۋ جينالىسىنا قاتىستى"}),
    ("vote_cast", "resident", 1, {"zh-hans": "参与表决", "en": "Voted", "ug": "ئاۋاز بەردى", "kk": "داۋىس بەردى"}),
    ("topic_supported", "resident", 1, {"zh-hans": "支持议题", "en": "Supported a topic", "ug": "تېمىنى قوللىدى", "kk": "تاقىرىپتى قولدادى"}),
    ("project_participation", "resident", 5, {"zh-hans": "参与项目实施", "en": "Took part in a project", "ug": "پروجېكتنى ئەمەلگە ئاشۇرۇشقا قاتناشتى", "kk": "جوبانى ىسكە اسىرۋعا قاتىستى"}),
    ("unit_signed_on_time", "unit", 2, {"zh-hans": "按时签收", "en": "Signed for a dispatch on time", "ug": "ۋاقتىدا تاپشۇرۇۋالدى", "kk": "ۋاقىتىندا قول قويىپ الدى"}),
    ("unit_resolved_on_time", "unit", 3, {"zh-hans": "按时办结", "en": "Resolved a matter on time", "ug": "ۋاقتىدا بىر تەرەپ قىلدى", "kk": "ۋاقىتىندا شەشتى"}),
    ("unit_satisfied", "unit", 5, {"zh-hans": "群众满意", "en": "The resident was satisfied", "ug": "ئاھالە رازى بولدى", "kk": "تۇرعىن رازى بولدى"}),
]


def create_rules(apps, schema_editor):
    Rule = apps.get_model("points", "Rule")
    for position, (code, audience, amount, names) in enumerate(STANDARD_RULES):
        Rule.objects.get_or_create(
            code=code, defaults={"audience": audience, "amount": amount, "names": names, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("points", "0001_initial")]

    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
