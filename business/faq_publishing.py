"""The signal other apps answer before an FAQ entry is published, so that business/ needs to know none of them."""

from django.dispatch import Signal

# Sent by FaqEntry.clean() with `entry` before an entry is saved published: an app that knows where an
# entry's words came from (the console, for drafts made from a customer's message) raises ValidationError.
faq_entry_publishing = Signal()
