"""The dashboard's review panels (issue 14, "Bài chờ duyệt").

Wagtail's own panels already list what awaits the signed-in reviewer
(`TaskState.objects.reviewable_by`: a school's admins get their school's
tasks, the Department officers the library's) and the author's pages in a
workflow; they are drawn below our staff panels and titled in general
terms. These subclasses keep Wagtail's queries and put the two first, with
their own templates: links to review, and the reviewer's comment on a draft
sent back for changes.
"""

from wagtail.admin.views.home import (
    UserObjectsInWorkflowModerationPanel,
    WorkflowObjectsToModeratePanel,
)


class ReviewQueuePanel(WorkflowObjectsToModeratePanel):
    name = "lms_review_queue"
    template_name = "lms_courses/admin/review_queue_panel.html"
    order = 50


class DraftsInReviewPanel(UserObjectsInWorkflowModerationPanel):
    name = "lms_drafts_in_review"
    template_name = "lms_courses/admin/drafts_in_review_panel.html"
    order = 60


WAGTAIL_PANELS = (WorkflowObjectsToModeratePanel, UserObjectsInWorkflowModerationPanel)


def review_panels_replace(panels: list) -> None:
    """Swap Wagtail's two workflow panels (if present) for ours, in place."""
    kept = [
        panel
        for panel in panels
        if not isinstance(panel, WAGTAIL_PANELS)
        or isinstance(panel, (ReviewQueuePanel, DraftsInReviewPanel))
    ]
    if len(kept) == len(panels):
        return
    panels[:] = [*kept, ReviewQueuePanel(), DraftsInReviewPanel()]
