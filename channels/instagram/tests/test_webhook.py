from conversations.models import Message

from .conftest import raw


def test_an_unsent_message_is_recorded_beside_the_original_and_not_answered(
    post_signed, instagram_connection, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        post_signed(instagram_connection, raw("story_reply"))
        post_signed(instagram_connection, raw("unsend"))
    original, unsent = Message.objects.order_by("id")
    assert unsent.metadata == {"deleted": original.platform_message_id}
    assert len(callbacks) == 1
