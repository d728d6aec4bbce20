"""A hardened XML reader that keeps line numbers: no DTD, no entities, no network.

Manifests come from outside. ``xml.etree`` would expand internal entities (the
"billion laughs") and forgets where elements were; this reader refuses any
``<!DOCTYPE``/``<!ENTITY`` outright and records each element's line, so messages can
say ``imsmanifest.xml:12``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat

#: ``xml:base`` as expat reports it with namespace processing
XML_BASE = "http://www.w3.org/XML/1998/namespace base"
XML_LANG = "http://www.w3.org/XML/1998/namespace lang"


class XmlError(Exception):
    """The document is not well-formed or uses a forbidden construct; ``line`` says where."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Element:
    """One element: namespace, local name, attributes (``{ns}name`` keys as expat gives
    them: ``"ns name"`` for namespaced ones) and the line it starts on."""

    namespace: str
    name: str
    attributes: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def find_all(self, name: str, namespace: str | None = None) -> list[Element]:
        return [child for child in self.children if child.name == name
                and (namespace is None or child.namespace == namespace)]

    def find(self, name: str, namespace: str | None = None) -> Element | None:
        found = self.find_all(name, namespace)
        return found[0] if found else None

    def attribute(self, name: str, namespace: str | None = None) -> str | None:
        """An attribute by local name; with ``namespace`` only that namespace's one."""
        if namespace is not None:
            return self.attributes.get(f"{namespace} {name}")
        if name in self.attributes:
            return self.attributes[name]
        for key, value in self.attributes.items():
            if key.rsplit(" ", 1)[-1] == name:
                return value
        return None

    def child_text(self, name: str, namespace: str | None = None) -> str | None:
        child = self.find(name, namespace)
        return child.text.strip() if child is not None else None


def parse_xml(content: bytes) -> Element:
    """Parse ``content`` into elements with lines.

    :raises XmlError: not well-formed, or it declares a DTD or entities.
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    stack: list[Element] = []
    root: list[Element] = []

    def refuse(what: str):
        def handler(*_args):
            raise XmlError(parser.CurrentLineNumber,
                           f"{what} is not allowed in a package file (security)")
        return handler

    def start(tag: str, attributes: dict[str, str]) -> None:
        namespace, _, name = tag.rpartition(" ")
        element = Element(namespace, name, dict(attributes), parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(element)
        else:
            root.append(element)
        stack.append(element)

    def end(_tag: str) -> None:
        stack.pop()

    def characters(data: str) -> None:
        if stack:
            stack[-1].text += data

    parser.StartDoctypeDeclHandler = refuse("a <!DOCTYPE> declaration")
    parser.EntityDeclHandler = refuse("an <!ENTITY> declaration")
    parser.UnparsedEntityDeclHandler = refuse("an <!ENTITY> declaration")
    parser.ExternalEntityRefHandler = refuse("an external entity")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(content, True)
    except expat.ExpatError as error:
        raise XmlError(error.lineno, f"XML error: {expat.ErrorString(error.code)} "
                                     f"(column {error.offset + 1})") from error
    if not root:
        raise XmlError(1, "the file holds no XML element")
    return root[0]
