"""Our middleware in a host site whose URLs differ from ours."""


def test_admin_policy_follows_the_admin_wherever_the_host_mounts_it(
    client, settings, db
):
    settings.ROOT_URLCONF = "tests.addon.urls_host"

    admin = client.get("/cms/login/")
    learner = client.get("/tai-khoan/dang-nhap/")

    assert "'unsafe-inline'" in admin["Content-Security-Policy"]
    assert "'unsafe-inline'" not in learner["Content-Security-Policy"]
