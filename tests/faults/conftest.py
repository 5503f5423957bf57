from tests.certificates.conftest import (  # noqa: F401 - shared fixtures
    certified_course,
    complete,
    template,
    tuyet,
)
from tests.courses.conftest import (  # noqa: F401 - shared fixtures
    catalogue,
    make_course,
    make_learner,
    school_class,
    site_root,
    student,
)
