"""The LTI 1.3, Deep Linking 2.0 and AGS 2.0 claim names and values we read and write."""

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
TARGET_LINK_URI = LTI + "target_link_uri"
RESOURCE_LINK = LTI + "resource_link"
ROLES = LTI + "roles"
CUSTOM = LTI + "custom"
CONTEXT = LTI + "context"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
DEEP_LINKING_SETTINGS = DL + "deep_linking_settings"
CONTENT_ITEMS = DL + "content_items"
DL_DATA = DL + "data"
DL_MESSAGE = DL + "msg"

AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_RESULT = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"

#: the custom parameters a deep link gives its resource link (and a launch reads)
CUSTOM_COURSE = "atlas_course"
CUSTOM_MODULE = "atlas_module"

ROLE_INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
#: roles that may pick content for a platform course (deep linking)
CONTENT_PICKER_ROLES = (
    ROLE_INSTRUCTOR,
    "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper",
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
    "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator",
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor",
)


def section(claims: dict, name: str) -> dict:
    """A claim that must be an object; anything else reads as empty (never an error)."""
    value = claims.get(name)
    return value if isinstance(value, dict) else {}


def has_role(claims: dict, *roles: str) -> bool:
    held = claims.get(ROLES) or []
    return isinstance(held, list) and any(role in held for role in roles)
