from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "channels"
    # The label the app had as `channels_app`, when it also held the conversation store: its migrations are
    # recorded under it, and its last one hands the models to the conversations app.
    label = "channels_app"
    verbose_name = "Channels"

    def ready(self) -> None:
        from conversations import platforms

        from .registry import PLATFORMS

        platforms.install(PLATFORMS)
