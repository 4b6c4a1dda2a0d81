"""Your jobs (namespace ``jobs``): the list, one job's progress and outcome, retrying a failed
one, and starting the long work that runs as a job from a page."""

from django.urls import path

from palermo.jobs import views

app_name = "jobs"

urlpatterns = [
    path("jobs/", views.job_list, name="list"),
    path("jobs/<int:job_id>/", views.job_detail, name="detail"),
    path("jobs/<int:job_id>/retry/", views.job_retry, name="retry"),
    path("jobs/link-run/", views.link_run_start, name="link_run"),
    path("jobs/import/", views.referral_import, name="referral_import"),
    path("jobs/bulletin/", views.bulletin_start, name="bulletin"),
    path("jobs/<int:job_id>/bulletin.zip", views.bulletin_download, name="bulletin_download"),
]
