"""Eligibility for one learner (every issue) reads its three facts with SQL
compiled once per process (lms.sqlcache): the same answers as the ORM."""

import pytest

from certificates.eligibility import course_facts_for, eligibility_for
from certificates.models import Certificate
from certificates.services import certificate_issue, certificate_revoke
from lms.people.models import Role
from tests.certificates.factories import CourseCertificateSettingFactory
from tests.sqlcache_support import compiles

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_sqlcache")]


def _facts(facts) -> dict:
    """What the checks read, comparable: instances by pk and their fields."""

    def fields(instance):
        if instance is None:
            return None
        return {
            name: getattr(instance, name)
            for name in vars(instance)
            if not name.startswith("_")
        }

    return {
        "settings": {k: fields(v) for k, v in facts.settings.items()},
        "templates": {k: fields(v.template) for k, v in facts.settings.items()},
        "roles": facts.roles,
        "completions": {
            k: (fields(v), fields(v.school_year)) for k, v in facts.completions.items()
        },
        "held": {k: v.pk for k, v in facts.held.items()},
        "revoked": {k: v.pk for k, v in facts.revoked.items()},
        "issuing": {
            k: (fields(v), fields(v.school), fields(v.school_year))
            for k, v in facts.issuing_memberships.items()
        },
    }


def test_one_learners_eligibility_compiles_no_query_the_second_time(
    make_course, template, tuyet, complete
):
    course, lessons = make_course(lessons=1)
    CourseCertificateSettingFactory(course=course, template=template, auto_issue=False)
    complete(tuyet, course, lessons)
    eligibility_for(user=tuyet, course=course)  # compiles each shape once
    result, compiled = compiles(lambda: eligibility_for(user=tuyet, course=course))
    assert result.eligible
    assert compiled == 0


def test_the_compiled_facts_are_the_orms(
    make_course, tuyet, make_learner, complete, superuser, template
):
    """Held, revoked, completed-without-certificate, unfinished and another
    role: each learner's facts read alone (compiled) equal those read with
    the others (the ORM, several learners)."""
    course, lessons = make_course(lessons=2, for_teachers=True)
    for audience in ("students", "teachers"):
        CourseCertificateSettingFactory(
            course=course, template=template, audience=audience, auto_issue=False
        )
    revoked = make_learner(username="revoked", full_name="Trần Văn Bình")
    fresh = make_learner(username="fresh", full_name="Lê Thị Hoa")
    unfinished = make_learner(username="unfinished", full_name="Phạm Văn An")
    teacher = make_learner(username="gv", full_name="Đỗ Thu", role=Role.TEACHER)
    for learner in (tuyet, revoked, fresh):
        complete(learner, course, lessons)
    for learner in (tuyet, revoked):
        certificate_issue(user=learner, course=course, render=False, notify=False)
    certificate_revoke(
        certificate=Certificate.objects.get(holder=revoked),
        by=superuser,
        reason="Gian lận",
    )
    people = [tuyet, revoked, fresh, unfinished, teacher]
    together = _facts(course_facts_for(course=course, user_ids=[p.pk for p in people]))
    for person in people:
        for _warm in range(2):  # compiled, then served from the compiled SQL
            alone = _facts(course_facts_for(course=course, user_ids=[person.pk]))
            for part, by_person in together.items():
                if part in ("settings", "templates"):
                    assert alone[part] == by_person, part
                else:
                    assert alone[part].get(person.pk) == by_person.get(person.pk), (
                        person.username,
                        part,
                    )
    assert together["held"].keys() == {tuyet.pk}
    assert together["revoked"].keys() == {revoked.pk}
    assert eligibility_for(user=fresh, course=course).eligible
    assert not eligibility_for(user=unfinished, course=course).eligible
    assert eligibility_for(user=teacher, course=course).audience == "teachers"
