"""Permissions on deliberation, meetings, votes and minutes.

Anyone may read what is public (open topics, meetings' agendas, published minutes and decisions). Residents
of a topic's or meeting's scope take part: comment, support, register, vote online, object to a decision.
Grid staff and cadres covering the place record attendance and in-person ballots at the door; community
staff and the cadres above them run the rest (两委提事)."""

import rules

from huiketing.core.rules import covers_place
from huiketing.people.models import COMMUNITY_AND_ABOVE, REGISTRY_ROLES


def _resident_of(user):
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "resident", None) if hasattr(user, "resident") else None


@rules.predicate(name="lives_in_scope")
def lives_in_scope(user, obj=None) -> bool:
    """The user is a registered, living resident of the object's place (a topic, meeting, or anything with a
    place_code). Without an object: the user is a resident at all."""
    resident = _resident_of(user)
    if resident is None or resident.status != "active":
        return False
    if obj is None:
        return True
    code = getattr(obj, "place_code", None)
    if code is None:
        meeting = getattr(obj, "meeting", None) or getattr(getattr(obj, "item", None), "meeting", None)
        code = getattr(meeting, "place_code", "")
    return bool(code) and resident.place_code.startswith(code)


rules.add_perm("meetings.take_part", lives_in_scope)
rules.add_perm("meetings.report_comment", rules.is_authenticated)
rules.add_perm("meetings.view_staff", covers_place(*REGISTRY_ROLES))
rules.add_perm("meetings.record_attendance", covers_place(*REGISTRY_ROLES))
rules.add_perm("meetings.record_ballot", covers_place(*REGISTRY_ROLES))
rules.add_perm("meetings.manage", covers_place(*COMMUNITY_AND_ABOVE))
rules.add_perm("meetings.moderate", covers_place(*COMMUNITY_AND_ABOVE))
rules.add_perm("meetings.edit_minutes", covers_place(*COMMUNITY_AND_ABOVE))
