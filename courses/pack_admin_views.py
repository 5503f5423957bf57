"""Course packs in the Wagtail admin: download a course as a pack; upload a
pack, see what it would create or change, then confirm (issue 22).

The services (courses.packs.services) do the work; these views ask the
policies who may do what, keep the uploaded pack between the preview and the
confirmation (in the cache, as the question import does), and show the
service's report.
"""

import base64
import secrets

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from lms.cache import UPLOAD_NOT_KEPT, cache_keep
from lms.slugs import ascii_slug
from lms.uploads import upload_refusal

from . import policies
from .models import CourseIndexPage, CoursePage
from .packs.container import PackError

# Below the web server's request limit (docs/deployment.md: 25 MB); the pack
# is kept in the cache between the preview and the confirmation.
MAX_PACK_UPLOAD_BYTES = 20 * 1024 * 1024
KEEP_SECONDS = 1800

ACTION_LABELS = {
    "new": pgettext_lazy("course pack preview", "new"),
    "update": pgettext_lazy("course pack preview", "updated"),
    "unchanged": pgettext_lazy("course pack preview", "unchanged"),
    "removed-from-pack": pgettext_lazy("course pack preview", "no longer in the pack"),
    # A legal document the site already has, worded otherwise: the site's
    # copy is used as it is (other lessons cite it).
    "differs": pgettext_lazy(
        "course pack preview", "differs from the site's copy (kept as it is)"
    ),
}
KIND_LABELS = {
    "course": gettext_lazy("Course"),
    "lesson": gettext_lazy("Lesson"),
    "quiz": gettext_lazy("Quiz"),
    "questions": gettext_lazy("Question file"),
    "legal-document": gettext_lazy("Legal document"),
    "legal-reference": gettext_lazy("Legal reference"),
    "certificate": gettext_lazy("Certificate template"),
    # The label is the audience ("Học sinh"): who receives a certificate.
    "certificate setting": gettext_lazy("Certificate issued to"),
}


def _cache_key(user, token: str) -> str:
    return f"lms-pack-import:{user.pk}:{token}"


def pack_export(request, course_id: int):
    """The course as a pack: `<slug>.zip`."""
    course = get_object_or_404(CoursePage, pk=course_id)
    if not policies.may_export_course(user=request.user, course=course):
        raise PermissionDenied
    from .packs.services import export_course

    try:
        data = export_course(course)
    except PackError as error:
        messages.error(
            request,
            _("The course cannot be exported: %(problem)s") % {"problem": error},
        )
        return redirect("lms_courses_pack_import")
    response = HttpResponse(data, content_type="application/zip")
    # ASCII only: every browser takes such a name as it is.
    name = ascii_slug(course.slug) or "khoa-hoc"
    response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    return response


class PackImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Course pack (.zip)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    catalogue = forms.ModelChoiceField(
        label=gettext_lazy("Catalogue"),
        queryset=CourseIndexPage.objects.none(),
        help_text=gettext_lazy(
            "The course is created in (or updated in) this catalogue."
        ),
    )
    title = forms.CharField(
        label=gettext_lazy("New title"),
        required=False,
        max_length=255,
        help_text=gettext_lazy(
            "Leave empty to keep the title: the pack's for a new course, the "
            "course's own when it is updated."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        catalogues = policies.catalogues_importable_by(user=user).order_by("path")
        self.fields["catalogue"].queryset = catalogues
        if len(first := list(catalogues[:2])) == 1:
            self.fields["catalogue"].initial = first[0].pk
            self.fields["catalogue"].empty_label = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PACK_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": MAX_PACK_UPLOAD_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith(".zip"):
            raise forms.ValidationError(_("A course pack is a .zip file."))
        return upload


def _preview(report, *, will_publish: bool) -> dict:
    """What the preview shows of the service's dry-run report."""
    rows = [
        {
            "kind": KIND_LABELS.get(kind, kind),
            "label": label,
            "action": ACTION_LABELS.get(action, action),
            "code": action,
        }
        for kind, label, action in report.items
    ]
    return {
        "report": report,
        "rows": rows,
        "will_publish": will_publish,
    }


def _will_publish(user, catalogue) -> bool:
    """What `import_course(publish=None)` decides for `user`: publish where
    Wagtail lets them publish, else draft revisions."""
    return policies.may_publish_in(user=user, catalogue=catalogue)


def _page(request, context: dict, *, status: int = 200):
    user = request.user
    context.setdefault("form", PackImportForm(user=user))
    context.setdefault(
        "exportable",
        policies.courses_exportable_by(user=user)
        .order_by("path")
        .only("pk", "title", "slug", "path", "depth"),
    )
    return TemplateResponse(
        request, "lms_courses/admin/pack_import.html", context, status=status
    )


def pack_import(request):
    """Upload a pack, see the preview (a dry run), then confirm."""
    user = request.user
    if not policies.may_import_packs(user=user):
        raise PermissionDenied
    if refusal := upload_refusal(request):  # the disk is full: nothing written
        messages.error(request, refusal)
        return redirect("lms_courses_pack_import")

    if request.method == "POST" and request.POST.get("token"):
        key = _cache_key(user, request.POST["token"])
        stored = cache.get(key)
        if stored is None:
            messages.error(
                request, _("The preview has expired; upload the file again.")
            )
            return redirect("lms_courses_pack_import")
        # The power may have lapsed since the preview: ask again.
        catalogue = (
            policies.catalogues_importable_by(user=user)
            .filter(pk=stored["catalogue"])
            .first()
        )
        if catalogue is None:
            raise PermissionDenied
        from .packs.services import import_course, read_pack

        try:
            pack = read_pack(base64.b64decode(stored["data"]))
            report = import_course(
                pack, catalogue=catalogue, user=user, title=stored["title"] or None
            )
        except PackError as error:
            cache.delete(key)
            return _page(request, {"refusal": error}, status=400)
        cache.delete(key)
        course = report.course
        if report.created:
            text = _("The course “%(title)s” was imported.")
        else:
            text = _("The course “%(title)s” was updated from the pack.")
        messages.success(request, text % {"title": course.title})
        return redirect(reverse("wagtailadmin_explore", args=[course.pk]))

    initial = {}
    if catalogue_id := request.GET.get("catalogue", "").strip():
        if catalogue_id.isdigit():
            initial["catalogue"] = int(catalogue_id)
    form = PackImportForm(
        request.POST or None, request.FILES or None, user=user, initial=initial
    )
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        catalogue = form.cleaned_data["catalogue"]
        title = form.cleaned_data["title"].strip()
        from .packs.services import import_course, read_pack

        try:
            report = import_course(
                read_pack(data),
                catalogue=catalogue,
                user=user,
                title=title or None,
                dry_run=True,
            )
        except PackError as error:
            context["refusal"] = error
        else:
            token = secrets.token_urlsafe(16)
            kept = cache_keep(
                _cache_key(user, token),
                {
                    "data": base64.b64encode(data).decode(),
                    "catalogue": catalogue.pk,
                    "title": title,
                },
                timeout=KEEP_SECONDS,
            )
            if kept:
                context.update(
                    _preview(report, will_publish=_will_publish(user, catalogue)),
                    token=token,
                    catalogue=catalogue,
                    title=title,
                )
            else:
                messages.error(request, UPLOAD_NOT_KEPT)
    return _page(request, context, status=400 if "refusal" in context else 200)
