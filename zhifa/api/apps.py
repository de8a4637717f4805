from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zhifa.api"
    label = "api"
    verbose_name = "API"
