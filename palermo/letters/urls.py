from django.urls import path

from . import views

app_name = "letters"

urlpatterns = [
    path("cases/<int:case_id>/letters/<int:letter_id>/<slug:recipient>.pdf", views.letter_download, name="download"),
]
