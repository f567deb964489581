from django.urls import path

from .views import usage

urlpatterns = [path("", usage, name="usage")]
