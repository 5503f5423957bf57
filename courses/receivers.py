"""Page rights follow a catalogue's owner, however the catalogue is made."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import workflow_approved

from lms.people.models import School

from .models import CourseIndexPage
from .services import (
    catalogue_permissions_sync,
    library_course_approved,
    school_catalogues_permissions_sync,
)


@receiver(post_save, sender=CourseIndexPage)
def catalogue_saved(sender, instance, created, update_fields=None, **kwargs):
    """A new catalogue, or one whose owner may have changed (admin or code)."""
    if created or update_fields is None or "school" in update_fields:
        catalogue_permissions_sync(catalogue=instance)


@receiver(post_save, sender=School)
def school_saved(sender, instance, created, **kwargs):
    if created:
        school_catalogues_permissions_sync(school=instance)


@receiver(workflow_approved)
def library_course_approved_receiver(sender, instance, user=None, **kwargs):
    """A course proposed for the Department library goes live with its
    lessons and quizzes once a Department officer approves it."""
    page = instance.content_object
    if isinstance(page, Page):
        library_course_approved(page=page, user=user)
