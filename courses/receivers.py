"""Page rights follow a catalogue's owner, however the catalogue is made."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from lms.people.models import School

from .models import CourseIndexPage
from .services import catalogue_permissions_sync, school_catalogues_permissions_sync


@receiver(post_save, sender=CourseIndexPage)
def catalogue_saved(sender, instance, created, update_fields=None, **kwargs):
    """A new catalogue, or one whose owner may have changed (admin or code)."""
    if created or update_fields is None or "school" in update_fields:
        catalogue_permissions_sync(catalogue=instance)


@receiver(post_save, sender=School)
def school_saved(sender, instance, created, **kwargs):
    if created:
        school_catalogues_permissions_sync(school=instance)
