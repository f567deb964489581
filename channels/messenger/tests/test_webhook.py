from conversations.models import Message
from tests.support import load_fixture


def raw(name: str) -> str:
    return load_fixture(__file__, name)["raw_body"]


def test_signatures_cover_the_raw_bytes_with_meta_escaping(post_signed, messenger_connection):
    response = post_signed(messenger_connection, raw("escaped_unicode_text"))
    assert response.status_code == 200
    assert Message.objects.get().text == "Café open? 🥐 https://x.example/a"
