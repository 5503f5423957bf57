from tests.courses.conftest import (  # noqa: F401 - shared fixtures
    catalogue,
    make_course,
    make_learner,
    school_class,
    site_root,
    student,
    two_years,
    yearly_learner,
)
