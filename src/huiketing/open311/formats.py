"""The two GeoReport v2 formats: XML (required by the spec) and JSON (the Spark convention's mapping of it).

Every answer is a list under a root element (`<services>`, `<service_requests>`, `<errors>`) or, for a
service definition, one object (`<service_definition>`). A list inside an object (`attributes`, `values`)
becomes a wrapper element holding one element per item, named in the singular. Empty values are empty
elements in XML and `null` in JSON. Both are UTF-8 with the content types the spec names.
"""

import json
import re
from xml.etree import ElementTree

from django.http import HttpResponse

FORMATS = ("xml", "json")
CONTENT_TYPES = {
    "xml": "text/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
# The element name of one item of each list.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
}
# Characters XML 1.0 cannot hold at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF): a text holding one
# would make the whole document unreadable, so they are left out of the XML (the JSON carries them escaped).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _element(tag: str, value) -> ElementTree.Element:
    element = ElementTree.Element(tag)
    if isinstance(value, dict):
        for key, item in value.items():
            element.append(_element(key, item))
    elif isinstance(value, list | tuple):
        item_tag = ITEM_TAGS[tag]
        for item in value:
            element.append(_element(item_tag, item))
    else:
        element.text = _text(value)
    return element


def to_xml(root: str, data) -> bytes:
    body = ElementTree.tostring(_element(root, data), encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def to_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def render(fmt: str, root: str, data, *, status: int = 200) -> HttpResponse:
    """`data` (a list, or a dict for a service definition) in `fmt`; `root` names the XML root element."""
    content = to_xml(root, data) if fmt == "xml" else to_json(data)
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error answer: HTTP `status` and a list of {code, description}. Our `code` is the HTTP
    status (the spec: "in most cases, this should match the HTTP status code"); `description` says what is
    wrong, naming the parameter, in English (the clients are programs, which show it to their users)."""
    fmt = fmt if fmt in FORMATS else "xml"
    return render(
        fmt, "errors", [{"code": status, "description": text} for text in descriptions], status=status
    )
