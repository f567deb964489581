from django.contrib import admin

from operations.admin import erase_customer_data

from .models import ChannelConnection, Contact, Conversation, Message


@admin.register(ChannelConnection)
class ChannelConnectionAdmin(admin.ModelAdmin):
    list_display = ["business", "platform", "name", "is_active", "webhook_path"]
    list_filter = ["platform", "is_active"]
    readonly_fields = ["webhook_key"]


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["created_at", "direction", "author", "text", "status", "error_code"]
    readonly_fields = fields
    can_delete = False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["contact", "business", "connection", "status", "last_message_at"]
    list_filter = ["status", "connection__platform"]
    inlines = [MessageInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["platform_user_id", "display_name", "connection"]
    search_fields = ["platform_user_id", "display_name"]
    actions = [erase_customer_data]
