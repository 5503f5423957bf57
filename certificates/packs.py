"""The certificate section of a course pack: `certificate.yaml`.

It holds the course's certificate settings (one per audience) and the
templates they use, with their signatories; the pictures (background, logo,
signatures) travel as pack files under files/images/.

On import a template of the same name owned by the catalogue's owner, or by
the Department library (which every school may use), is reused when it is
identical (fields, signatories and pictures); otherwise a
new one is made, named "<name> (<course title>)" (names are unique on a
site, so a further number is added while that one is taken by a different
template). The settings of the pack's audiences are created or updated;
settings of other audiences are left alone.
"""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from courses.models import Audience
from courses.packs.container import PackError, sha256
from courses.packs.sections import ExportContext, ImportContext, Section

from .models import CertificateSignatory, CertificateTemplate, CourseCertificateSetting

# Rows never ordered by hand have no sort order: first, on every database
# (SQLite puts NULL first and PostgreSQL last), so a pack is the same bytes.
IN_ORDER = F("sort_order").asc(nulls_first=True)

ENTRY = "certificate.yaml"
TEMPLATE_FIELDS = (
    "page_size",
    "orientation",
    "issuer_line_1",
    "issuer_line_2",
    "national_header",
    "title",
    "body",
    "place",
    "accent_colour",
    "extra_css",
    "show_score",
)
IMAGE_FIELDS = ("background_image", "logo")
SIGNATORY_KEYS = ("title", "name", "signature_image")
SETTING_KEYS = ("audience", "template", "auto_issue", "valid_days")


def _image_out(image, context: ExportContext):
    return context.image_path(image) if image is not None else None


def export_section(course, context: ExportContext):
    settings = list(
        CourseCertificateSetting.objects.filter(course=course)
        .select_related("template")
        .order_by(IN_ORDER, "pk")
    )
    if not settings:
        return None
    templates = []
    seen = set()
    for setting in settings:
        template = setting.template
        if template.pk in seen:
            continue
        seen.add(template.pk)
        data = {"name": template.name}
        data.update({name: getattr(template, name) for name in TEMPLATE_FIELDS})
        for name in IMAGE_FIELDS:
            data[name] = _image_out(getattr(template, name), context)
        data["signatories"] = [
            {
                "title": signatory.title,
                "name": signatory.name,
                "signature_image": _image_out(signatory.signature_image, context),
            }
            for signatory in template.signatories.select_related(
                "signature_image"
            ).order_by(IN_ORDER, "pk")
        ]
        templates.append(data)
    context.writer.add_yaml(
        ENTRY,
        {
            "templates": templates,
            "settings": [
                {
                    "audience": setting.audience,
                    "template": setting.template.name,
                    "auto_issue": setting.auto_issue,
                    "valid_days": setting.valid_days,
                }
                for setting in settings
            ],
        },
    )
    return ENTRY


# -- Import ------------------------------------------------------------------


def _refuse(field: str, message: str):
    raise PackError(
        ENTRY, _("%(field)s: %(message)s") % {"field": field, "message": message}
    )


def _unknown(row: dict, keys, where: str) -> None:
    if not isinstance(row, dict):
        _refuse(where, _("This must be a mapping."))
    for key in row:
        if key not in keys:
            _refuse(where, _("%(key)s is unknown.") % {"key": key})


def _image_path(value, where: str, context: ImportContext):
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith("files/images/"):
        _refuse(where, _("A picture is a file under files/images/."))
    context.pack.bytes(value, referred_from=ENTRY)
    return value


def _check(context: ImportContext) -> dict:
    data = context.pack.yaml(ENTRY, referred_from="course.yaml")
    _unknown(data, ("templates", "settings"), ENTRY)
    templates = {}
    for index, row in enumerate(data.get("templates") or [], start=1):
        where = f"templates {index}"
        _unknown(row, ("name", *TEMPLATE_FIELDS, *IMAGE_FIELDS, "signatories"), where)
        name = row.get("name")
        if not isinstance(name, str) or not name.strip():
            _refuse(where, _("The template has no name."))
        cleaned = {"name": name.strip()}
        for field_name in TEMPLATE_FIELDS:
            field = CertificateTemplate._meta.get_field(field_name)
            value = row.get(field_name, field.get_default())
            if field.get_internal_type() == "BooleanField" and not isinstance(
                value, bool
            ):
                _refuse(f"{where}, {field_name}", _("Write true or false."))
            try:
                cleaned[field_name] = field.clean("" if value is None else value, None)
            except ValidationError as error:
                _refuse(f"{where}, {field_name}", " ".join(error.messages))
        for field_name in IMAGE_FIELDS:
            cleaned[field_name] = _image_path(
                row.get(field_name), f"{where}, {field_name}", context
            )
        signatories = row.get("signatories") or []
        if not isinstance(signatories, list) or not 1 <= len(signatories) <= 3:
            _refuse(
                f"{where}, signatories", _("A template has one to three signatories.")
            )
        cleaned["signatories"] = []
        for number, signatory in enumerate(signatories, start=1):
            at = f"{where}, signatories {number}"
            _unknown(signatory, SIGNATORY_KEYS, at)
            for key in ("title", "name"):
                if not isinstance(signatory.get(key), str) or not signatory[key]:
                    _refuse(at, _("%(key)s is missing.") % {"key": key})
            cleaned["signatories"].append(
                {
                    "title": signatory["title"][:150],
                    "name": signatory["name"][:120],
                    "signature_image": _image_path(
                        signatory.get("signature_image"), at, context
                    ),
                }
            )
        templates[cleaned["name"]] = cleaned
    settings = []
    audiences = set()
    for index, row in enumerate(data.get("settings") or [], start=1):
        where = f"settings {index}"
        _unknown(row, SETTING_KEYS, where)
        if row.get("audience") not in Audience.values or row["audience"] in audiences:
            _refuse(where, _("The audience is unknown or given twice."))
        audiences.add(row["audience"])
        if row.get("template") not in templates:
            _refuse(where, _("The template is not in this file."))
        auto_issue = row.get("auto_issue", True)
        if not isinstance(auto_issue, bool):
            _refuse(where, _("Write true or false."))
        valid_days = row.get("valid_days")
        if valid_days is not None and (
            not isinstance(valid_days, int)
            or isinstance(valid_days, bool)
            or valid_days < 1
        ):
            _refuse(where, _("The number of days must be a whole number above 0."))
        settings.append(
            {
                "audience": row["audience"],
                "template": row["template"],
                "auto_issue": auto_issue,
                "valid_days": valid_days,
            }
        )
    return {"templates": templates, "settings": settings}


def _file_digest(image) -> str | None:
    if image is None:
        return None
    try:
        with image.file.open("rb") as handle:
            return sha256(handle.read())
    except OSError:
        return ""


def _pack_digest(path, context: ImportContext) -> str | None:
    return sha256(context.pack.bytes(path)) if path else None


def _identical(template: CertificateTemplate, wanted: dict, context) -> bool:
    if any(getattr(template, name) != wanted[name] for name in TEMPLATE_FIELDS):
        return False
    for name in IMAGE_FIELDS:
        if _file_digest(getattr(template, name)) != _pack_digest(wanted[name], context):
            return False
    have = [
        (s.title, s.name, _file_digest(s.signature_image))
        for s in template.signatories.order_by(IN_ORDER, "pk")
    ]
    want = [
        (s["title"], s["name"], _pack_digest(s["signature_image"], context))
        for s in wanted["signatories"]
    ]
    return have == want


def _names(name: str, course_title: str):
    yield name
    base = f"{name} ({course_title})"[:120]
    yield base
    number = 2
    while True:
        yield f"{base[:114]} {number}"
        number += 1


def _match(wanted: dict, context: ImportContext, course_title: str):
    """(existing identical template or None, the name a new one would take)."""
    for name in _names(wanted["name"], course_title):
        existing = CertificateTemplate.objects.filter(name=name).first()
        if existing is None:
            return None, name
        # The owner's own templates, and the Department library's, which
        # every school may use.
        if existing.school_id in (
            context.school.pk if context.school else None,
            None,
        ) and _identical(existing, wanted, context):
            return existing, name
    return None, None  # not reached


def _course_title(context: ImportContext) -> str:
    if context.course is not None:
        return context.course.title
    if getattr(context, "title", None):  # a new course under a title of its own
        return context.title
    course = context.pack.yaml("course.yaml") if context.pack.has("course.yaml") else {}
    return (course or {}).get("title") or ""


def import_plan(data, context: ImportContext) -> None:
    if not data:
        return
    if data != ENTRY:
        raise PackError(
            "course.yaml", _("certificate: name the file certificate.yaml.")
        )
    checked = _check(context)
    title = _course_title(context)
    for wanted in checked["templates"].values():
        existing, name = _match(wanted, context, title)
        context.items.append(("certificate", name, "unchanged" if existing else "new"))
    for setting in checked["settings"]:
        found = (
            context.course is not None
            and CourseCertificateSetting.objects.filter(
                course=context.course, audience=setting["audience"]
            ).exists()
        )
        context.items.append(
            (
                "certificate setting",
                str(Audience(setting["audience"]).label),
                "update" if found else "new",
            )
        )


def _image_in(path, context: ImportContext):
    return context.image(path, referred_from=ENTRY) if path else None


def import_apply(data, context: ImportContext) -> None:
    if not data:
        return
    checked = _check(context)
    made = {}
    for key, wanted in checked["templates"].items():
        existing, name = _match(wanted, context, context.course.title)
        if existing is None:
            existing = CertificateTemplate(
                name=name,
                school=context.school,
                **{field: wanted[field] for field in TEMPLATE_FIELDS},
                **{field: _image_in(wanted[field], context) for field in IMAGE_FIELDS},
            )
            existing.save()
            CertificateSignatory.objects.bulk_create(
                CertificateSignatory(
                    template=existing,
                    sort_order=index,
                    title=signatory["title"],
                    name=signatory["name"],
                    signature_image=_image_in(signatory["signature_image"], context),
                )
                for index, signatory in enumerate(wanted["signatories"])
            )
        made[key] = existing
    for index, setting in enumerate(checked["settings"]):
        CourseCertificateSetting.objects.update_or_create(
            course=context.course,
            audience=setting["audience"],
            defaults={
                "template": made[setting["template"]],
                "auto_issue": setting["auto_issue"],
                "valid_days": setting["valid_days"],
                "sort_order": index,
            },
        )


def section() -> Section:
    return Section(
        name="certificate",
        order=30,
        export_section=export_section,
        import_plan=import_plan,
        import_apply=import_apply,
    )
