from django.urls import path

from . import views

app_name = "casework"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("my-cases/", views.my_cases, name="my_cases"),
    path("workload/", views.workload, name="workload"),
    path("cases/<int:case_id>/allocate/", views.case_allocate, name="case_allocate"),
]
