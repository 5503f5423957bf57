"""The Wagtail/Django group that goes with each role.

Groups carry admin permissions; the visibility rule itself comes from
memberships (see selectors), so a group never widens what a person sees.
"""

from .models import Role

ROLE_GROUPS: dict[str, str] = {
    Role.STUDENT: "LMS – Học sinh",
    Role.HOMEROOM_TEACHER: "LMS – Giáo viên chủ nhiệm",
    Role.TEACHER: "LMS – Giáo viên",
    Role.COLLABORATOR: "LMS – Cộng tác viên",
    Role.CONTENT_AUTHOR: "LMS – Soạn bài",
    Role.SCHOOL_ADMIN: "LMS – Quản trị trường",
    Role.DEPARTMENT_OFFICER: "LMS – Cán bộ Sở",
}


def school_admin_group_name(school) -> str:
    """The group of one school's admins: it carries that school's page rights.

    Model permissions stay with the role group; this group only holds the
    Wagtail page permissions on the school's own course catalogues.
    """
    return f"{ROLE_GROUPS[Role.SCHOOL_ADMIN]} – {school.code}"


SCHOOL_ADMIN_GROUP_PREFIX = f"{ROLE_GROUPS[Role.SCHOOL_ADMIN]} – "


def content_author_group_name(school) -> str:
    """The group of one school's content authors ("soạn bài").

    It holds the Wagtail page permissions "add" and "change", never
    "publish", on the school's own catalogues: its members write drafts and
    submit them to the school's workflow.
    """
    return f"{ROLE_GROUPS[Role.CONTENT_AUTHOR]} – {school.code}"


CONTENT_AUTHOR_GROUP_PREFIX = f"{ROLE_GROUPS[Role.CONTENT_AUTHOR]} – "

# Roles whose holders (in a school year not yet ended) also join a group of
# their own school, which carries page rights on that school's catalogues.
SCHOOL_GROUP_NAMES = {
    Role.SCHOOL_ADMIN: school_admin_group_name,
    Role.CONTENT_AUTHOR: content_author_group_name,
}
SCHOOL_GROUP_PREFIXES = (SCHOOL_ADMIN_GROUP_PREFIX, CONTENT_AUTHOR_GROUP_PREFIX)

# Codenames granted to each role's group ("app_label.codename").
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.STUDENT: [],
    Role.COLLABORATOR: [],
    Role.CONTENT_AUTHOR: ["wagtailadmin.access_admin"],
    Role.TEACHER: ["wagtailadmin.access_admin"],
    Role.HOMEROOM_TEACHER: [
        "wagtailadmin.access_admin",
        "lms_people.view_user",
        "lms_people.view_membership",
        "lms_people.view_schoolclass",
        "lms_people.view_consent",
    ],
    Role.SCHOOL_ADMIN: [
        "wagtailadmin.access_admin",
        "lms_people.add_user",
        "lms_people.change_user",
        "lms_people.view_user",
        "lms_people.add_membership",
        "lms_people.change_membership",
        "lms_people.delete_membership",
        "lms_people.view_membership",
        "lms_people.add_schoolclass",
        "lms_people.change_schoolclass",
        "lms_people.delete_schoolclass",
        "lms_people.view_schoolclass",
        "lms_people.view_school",
        "lms_people.view_schoolyear",
        "lms_people.add_consent",
        "lms_people.change_consent",
        "lms_people.view_consent",
        "lms_people.add_guardian",
        "lms_people.change_guardian",
        "lms_people.delete_guardian",
        "lms_people.view_guardian",
    ],
    Role.DEPARTMENT_OFFICER: [
        "wagtailadmin.access_admin",
        "lms_people.view_user",
        "lms_people.view_membership",
        "lms_people.view_schoolclass",
        "lms_people.add_school",
        "lms_people.change_school",
        "lms_people.view_school",
        "lms_people.add_schoolyear",
        "lms_people.change_schoolyear",
        "lms_people.view_schoolyear",
        "lms_people.view_department",
    ],
}
