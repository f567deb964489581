from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from . import comparisons, drafts, playground, replays, saving_cases, views


class ExportFormat:
    regex = "json|csv"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "format")
app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="console/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="console:login"), name="logout"),
    path("<slug:slug>/", views.inbox, name="inbox"),
    path("<slug:slug>/export.<format:fmt>", views.export_inbox, name="export"),
    path("<slug:slug>/playground/", playground.playground, name="playground"),
    path("<slug:slug>/playground/start-over/", playground.start_over, name="playground-start-over"),
    path("<slug:slug>/usage/unanswered/<int:run_id>/to-faq/", views.unanswered_to_faq, name="unanswered-to-faq"),
    path("<slug:slug>/draft/", drafts.draft_page, name="draft"),
    path("<slug:slug>/draft/open/", drafts.open_draft, name="open-draft"),
    path("<slug:slug>/draft/publish/", drafts.publish, name="publish"),
    path("<slug:slug>/draft/discard/", drafts.discard, name="discard-draft"),
    path("<slug:slug>/versions/<int:number>/restore/", drafts.restore, name="restore-version"),
    path("<slug:slug>/draft/tests/", comparisons.start, name="run-tests"),
    path("<slug:slug>/draft/tests/<int:pk>/", comparisons.page, name="comparison"),
    path("<slug:slug>/draft/replays/", replays.choose, name="replays"),
    path("<slug:slug>/draft/replays/<int:pk>/", replays.page, name="replay"),
    path("<slug:slug>/c/<int:pk>/", views.transcript, name="transcript"),
    path("<slug:slug>/c/<int:pk>/take-over/", views.change_status, {"action": "take-over"}, name="take-over"),
    path("<slug:slug>/c/<int:pk>/hand-back/", views.change_status, {"action": "hand-back"}, name="hand-back"),
    path("<slug:slug>/c/<int:pk>/reply/", views.reply, name="reply"),
    path("<slug:slug>/c/<int:pk>/send-template/", views.send_template, name="send-template"),
    path("<slug:slug>/c/<int:pk>/export.<format:fmt>", views.export_conversation, name="export-conversation"),
    path("<slug:slug>/c/<int:pk>/m/<int:message_id>/annotate/", views.annotate, name="annotate"),
    path("<slug:slug>/c/<int:pk>/m/<int:message_id>/to-faq/", views.add_to_knowledge, name="to-faq"),
    path("<slug:slug>/c/<int:pk>/test-case/", saving_cases.save_case, name="save-case"),
    path("<slug:slug>/c/<int:pk>/m/<int:message_id>/test-case/", saving_cases.save_case, name="save-turn-case"),
    path(
        "<slug:slug>/c/<int:pk>/m/<int:message_id>/correction-to-test-case/",
        saving_cases.correction_to_case,
        name="correction-to-case",
    ),
]
