"""Certificate powers follow the school year and the school; revoked stays
revoked; lookups are limited per code; templates belong to their owner."""

import datetime

import pytest
from django.urls import reverse

from certificates import policies
from certificates.models import (
    Certificate,
    CertificateEvent,
    CertificateStatus,
    CertificateTemplate,
    IssueBatchItem,
)
from certificates.services import (
    CertificateRefused,
    batch_create,
    certificate_auto_issue,
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
)
from lms.people.models import Role
from tests.certificates.factories import CertificateTemplateFactory
from tests.people.factories import (
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    school_staff,
)

pytestmark = pytest.mark.django_db


def _staff(username, role, school, school_year=None):
    return school_staff(username, role, school, school_year or SchoolYearFactory())


@pytest.fixture
def last_year(db):
    return SchoolYearFactory(
        name="2019-2020",
        starts_on=datetime.date(2019, 9, 5),
        ends_on=datetime.date(2020, 5, 31),
    )


@pytest.fixture
def issued(certified_course, tuyet, complete):
    course, lessons = certified_course
    complete(tuyet, course, lessons)
    return Certificate.objects.get(holder=tuyet, course=course)


@pytest.fixture
def people(school_class, last_year):
    school = school_class.school
    return {
        "admin": _staff("qt", Role.SCHOOL_ADMIN, school),
        "lapsed": _staff("qtcu", Role.SCHOOL_ADMIN, school, last_year),
        "other": _staff("qtkhac", Role.SCHOOL_ADMIN, SchoolFactory()),
        "teacher": _staff("gv", Role.TEACHER, school),
    }


def _revoke(client, user, certificate):
    client.force_login(user)
    return client.post(
        reverse("lms_certificates_admin_detail", args=[certificate.pk]),
        {"action": "revoke", "reason": "Gian lận"},
    )


def test_revoke_needs_a_power_at_the_school_in_a_year_not_ended(client, issued, people):
    for who in ("lapsed", "other", "teacher"):
        _revoke(client, people[who], issued)
        issued.refresh_from_db()
        assert issued.status == CertificateStatus.VALID, who
        assert not policies.may_change_certificate(user=people[who], certificate=issued)
    _revoke(client, people["admin"], issued)
    issued.refresh_from_db()
    assert issued.status == CertificateStatus.REVOKED


def test_issue_one_refused_to_last_years_and_other_schools_admin(
    client, certified_course, tuyet, complete, people
):
    course, lessons = certified_course
    from unittest import mock

    from certificates import services

    with mock.patch.object(services, "auto_issue_wanted", return_value=False):
        complete(tuyet, course, lessons)
    url = reverse("lms_certificates_issue_one")
    for who in ("lapsed", "other"):
        client.force_login(people[who])
        client.post(url, {"user": tuyet.pk, "course": course.pk})
        assert not Certificate.objects.exists(), who
        assert not policies.may_issue_to(user=people[who], holder=tuyet)
    client.force_login(people["admin"])
    client.post(url, {"user": tuyet.pk, "course": course.pk})
    assert Certificate.objects.filter(holder=tuyet).count() == 1


def test_a_revoked_certificate_is_not_issued_again_one_off_auto_or_in_bulk(
    client, issued, people, certified_course
):
    course, _lessons = certified_course
    tuyet = issued.holder
    certificate_revoke(certificate=issued, by=people["admin"], reason="Gian lận")
    with pytest.raises(CertificateRefused) as refusal:
        certificate_issue(user=tuyet, course=course)
    assert refusal.value.check == "revoked"
    assert certificate_auto_issue(user_id=tuyet.pk, course_id=course.pk) is None
    batch = batch_create(course=course, users=[tuyet], created_by=people["admin"])
    assert not IssueBatchItem.objects.filter(batch=batch).exists()
    assert Certificate.objects.filter(holder=tuyet).count() == 1
    client.force_login(people["admin"])
    response = client.get(
        reverse("lms_certificates_bulk"),
        {"course": course.pk, "school": tuyet.memberships.get().school_id},
    )
    assert response.context["revoked_count"] == 1
    assert (
        "1 skipped because their certificate was revoked" in (response.content.decode())
        or "bị thu hồi" in response.content.decode()
    )


def test_issue_again_after_revocation_needs_a_reason_and_is_audited(
    client, issued, people
):
    certificate_revoke(certificate=issued, by=people["admin"], reason="Gian lận")
    with pytest.raises(CertificateRefused):
        certificate_reissue(certificate=issued, by=people["admin"], reason=" ")
    client.force_login(people["other"])
    url = reverse("lms_certificates_admin_detail", args=[issued.pk])
    client.post(url, {"action": "reissue", "reason": "Xét lại"})
    assert Certificate.objects.filter(holder=issued.holder).count() == 1
    client.force_login(people["admin"])
    client.post(url, {"action": "reissue", "reason": "Hội đồng xét lại"})
    new = Certificate.objects.get(holder=issued.holder, status=CertificateStatus.VALID)
    assert new.replaces_id == issued.pk
    issued.refresh_from_db()
    assert issued.status == CertificateStatus.REVOKED
    event = issued.events.get(action=CertificateEvent.Action.REISSUED)
    assert event.actor == people["admin"] and "Hội đồng xét lại" in event.detail


def test_lookups_of_one_code_are_limited_across_addresses(client, issued, settings):
    settings.LMS_CERTIFICATE_LOOKUP_RATE = (100, 600)
    settings.LMS_CERTIFICATE_SUBJECT_LOOKUP_RATE = (3, 600)
    url = f"/certificates/verify/{issued.code}.json"
    codes = [
        client.get(url, REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(1, 5)
    ]
    assert codes == [200, 200, 200, 429]
    serial = reverse("lms_certificates:lookup")
    answers = [
        client.post(
            serial,
            {"kind": "serial", "serial-serial": issued.serial, "serial-name": "x"},
            REMOTE_ADDR=f"10.1.0.{n}",
        ).status_code
        for n in range(1, 5)
    ]
    assert answers == [200, 200, 200, 429]


def test_template_preview_is_refused_to_a_teacher_and_another_school(
    client, people, school_class
):
    own = CertificateTemplateFactory(school=school_class.school)
    library = CertificateTemplateFactory(school=None)
    elsewhere = CertificateTemplateFactory(school=SchoolFactory())

    def preview(user, template):
        client.force_login(user)
        url = reverse("lms_certificates_template_preview", args=[template.pk])
        response = client.get(url)
        return response.status_code == 200 and response["Content-Type"] == (
            "application/pdf"
        )

    assert not preview(people["teacher"], own)
    assert not preview(people["other"], own)
    assert not preview(people["admin"], elsewhere)
    assert preview(people["admin"], library)


def test_templates_listed_and_editable_by_owner(people, school_class):
    own = CertificateTemplateFactory(school=school_class.school)
    library = CertificateTemplateFactory(school=None)
    elsewhere = CertificateTemplateFactory(school=SchoolFactory())
    admin = people["admin"]
    usable = set(policies.templates_usable_by(user=admin))
    assert own in usable and library in usable and elsewhere not in usable
    editable = set(policies.templates_editable_by(user=admin))
    assert editable == {own}
    assert not policies.templates_usable_by(user=people["lapsed"]).exists()


def test_template_edit_and_delete_views_follow_the_owner(client, people, school_class):
    from django.contrib.auth.models import Permission

    library = CertificateTemplateFactory(school=None)
    own = CertificateTemplateFactory(school=school_class.school)
    admin = people["admin"]
    admin.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="lms_certificates",
            codename__in=["change_certificatetemplate", "delete_certificatetemplate"],
        )
    )
    client.force_login(admin)
    edit = "wagtailsnippets_lms_certificates_certificatetemplate:edit"
    delete = "wagtailsnippets_lms_certificates_certificatetemplate:delete"
    assert client.get(reverse(edit, args=[own.pk])).status_code == 200
    assert client.get(reverse(edit, args=[library.pk])).status_code != 200
    client.post(reverse(delete, args=[library.pk]))
    assert type(library).objects.filter(pk=library.pk).exists()


def test_bulk_issue_offers_only_classes_of_open_years_one_manages(
    people, school_class, last_year
):
    old_class = SchoolClassFactory(school=school_class.school, school_year=last_year)
    classes = set(policies.bulk_issue_classes(user=people["admin"]))
    assert school_class in classes and old_class not in classes
    assert not policies.bulk_issue_classes(user=people["lapsed"]).exists()


def test_a_school_admin_adds_a_template_for_their_school_only(people, school_class):
    from certificates.forms import CertificateTemplateForm
    from lms.people.services import user_groups_sync

    admin = people["admin"]
    user_groups_sync(user=admin)
    # The role group opens the template pages; the owner rule narrows them.
    assert admin.has_perm("lms_certificates.add_certificatetemplate")
    form_class = type(
        "F",
        (CertificateTemplateForm,),
        {
            "Meta": type(
                "Meta", (), {"model": CertificateTemplate, "fields": ["school"]}
            )
        },
    )
    form = form_class(for_user=admin)
    assert list(form.fields["school"].queryset) == [school_class.school]
    assert form.fields["school"].initial == school_class.school.pk
    refused = form_class({"school": ""}, for_user=admin)
    assert not refused.is_valid()
    assert "school" in refused.errors
    elsewhere = form_class({"school": str(SchoolFactory().pk)}, for_user=admin)
    assert not elsewhere.is_valid()


def test_a_course_cannot_print_another_schools_template(
    client, people, school_class, catalogue
):
    """A crafted course form naming another school's template is refused."""
    from certificates.models import CourseCertificateSetting
    from courses.services import catalogue_permissions_sync
    from lms.people.services import user_groups_sync
    from tests.courses.factories import CoursePageFactory
    from tests.security.access.forms import main_post_form

    catalogue.school = school_class.school
    catalogue.save()
    catalogue_permissions_sync(catalogue=catalogue)
    course = CoursePageFactory(parent=catalogue, title="Khóa học của trường")
    admin = people["admin"]
    user_groups_sync(user=admin)
    theirs = CertificateTemplateFactory(school=SchoolFactory())
    own = CertificateTemplateFactory(school=school_class.school)
    client.force_login(admin)
    url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = main_post_form(page.content.decode())

    from tests.security.access.cases import _empty_streams

    def post(template):
        data = {
            **form,
            **_empty_streams(None),
            "certificate_settings-TOTAL_FORMS": "1",
            "certificate_settings-INITIAL_FORMS": "0",
            "certificate_settings-0-audience": "students",
            "certificate_settings-0-template": str(template.pk),
            "certificate_settings-0-auto_issue": "on",
            "certificate_settings-0-ORDER": "1",
            "certificate_settings-0-id": "",
            "certificate_settings-0-DELETE": "",
            # Course settings live on the page: they are written when it is
            # published.
            "action-publish": "action-publish",
        }
        return client.post(url, data)

    refused = post(theirs)
    assert refused.status_code == 200  # the form again, with the error
    assert not CourseCertificateSetting.objects.filter(course=course).exists()
    assert post(own).status_code == 302
    assert CourseCertificateSetting.objects.filter(course=course, template=own).exists()
