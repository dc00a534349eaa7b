from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "stridewell.accounts"
    label = "accounts"
    verbose_name = "Accounts"
