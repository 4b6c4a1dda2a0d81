from django.urls import path

from palermo.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
