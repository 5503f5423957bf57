import time

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_smoke(world, client):
    t = time.time()
    for who in [
        "student_a",
        "homeroom_a",
        "admin_a",
        "admin_b",
        "admin_a_past",
        "officer",
        "superuser",
    ]:
        client.force_login(world.people[who])
        for url in [
            reverse("wagtailusers_users:index"),
            reverse("wagtailadmin_home"),
            reverse("wagtailadmin_pages:edit", args=[world.pk("course_a")]),
            reverse(
                "wagtailsnippets_lms_quizzes_question:edit",
                args=[world.pk("question_a")],
            ),
        ]:
            t0 = time.time()
            r = client.get(url)
            print(
                who, url, r.status_code, r.get("Location"), round(time.time() - t0, 3)
            )
    print("total", time.time() - t)
