"""What a request could have changed: a fingerprint of every table the
access cases can reach, compared before and after each POST."""

from __future__ import annotations

import hashlib

from django.apps import apps

# app_label.ModelName; every concrete field is compared except these.
MODELS = [
    "lms_people.User",
    "lms_people.User_groups",
    "lms_people.User_user_permissions",
    "auth.Group",
    "auth.Group_permissions",
    "lms_people.Membership",
    "lms_people.School",
    "lms_people.SchoolYear",
    "lms_people.SchoolClass",
    "lms_people.Department",
    "lms_people.Consent",
    "lms_people.PersonErasure",
    "wagtailcore.Page",
    "wagtailcore.Revision",
    "wagtailcore.GroupPagePermission",
    "wagtailcore.GroupCollectionPermission",
    "wagtailcore.PageViewRestriction",
    "wagtailcore.Collection",
    "wagtailcore.Site",
    "wagtailcore.Workflow",
    "wagtailcore.Task",
    "wagtailcore.ModelLogEntry",
    "wagtailcore.PageLogEntry",
    "lms_courses.CourseIndexPage",
    "lms_courses.CoursePage",
    "lms_courses.ClassAssignment",
    "lms_courses.Enrolment",
    "lms_courses.LessonProgress",
    "lms_courses.CourseCompletion",
    "lms_courses.LegalReference",
    "lms_courses.ConductPrinciple",
    "lms_quizzes.QuestionCategory",
    "lms_quizzes.Question",
    "lms_quizzes.Choice",
    "lms_quizzes.QuizSlot",
    "lms_quizzes.QuizAttempt",
    "lms_quizzes.QuestionResponse",
    "lms_quizzes.Regrade",
    "lms_quizzes.QuizGrade",
    "lms_certificates.CertificateTemplate",
    "lms_certificates.CourseCertificateSetting",
    "lms_certificates.Certificate",
    "lms_certificates.CertificateEvent",
    "lms_certificates.IssueBatch",
    "lms_certificates.IssueBatchItem",
    "wagtaildocs.Document",
    "wagtailimages.Image",
    "taggit.TaggedItem",
    "wagtailredirects.Redirect",
]
VOLATILE = {"last_login"}


def _model(dotted: str):
    app_label, name = dotted.split(".")
    if "_" in name and name.split("_")[0] in ("User", "Group"):
        owner, relation = name.split("_", 1)
        model = apps.get_model(app_label, owner)
        return getattr(model, relation).through
    return apps.get_model(app_label, name)


def fingerprint() -> dict[str, str]:
    """Table -> digest of its rows."""
    digests = {}
    for dotted in MODELS:
        model = _model(dotted)
        fields = [
            f.attname for f in model._meta.concrete_fields if f.name not in VOLATILE
        ]
        rows = model._base_manager.order_by("pk").values_list(*fields)
        digests[dotted] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digests


def changed_tables(before: dict, after: dict) -> list[str]:
    return [table for table in before if before[table] != after[table]]
