from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "channels"
    # The label the app had as `channels_app`, when it also held the conversation store: its migrations are
    # recorded under it, and its last one hands the models to the conversations app.
    label = "channels_app"
    verbose_name = "Channels"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from conversations import platforms
        from conversations.models import ChannelConnection

        from .connection_cache import forget_connections
        from .registry import PLATFORMS

        platforms.install(PLATFORMS)
        post_save.connect(forget_connections, sender=ChannelConnection, dispatch_uid="forget_saved_connections")
        post_delete.connect(forget_connections, sender=ChannelConnection, dispatch_uid="forget_deleted_connections")
