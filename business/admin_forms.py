"""Form pieces the admin shares: secrets that can be written but never read back."""

from __future__ import annotations

from django import forms

SAVED_HINT = "Saved; never shown again. Leave blank to keep it, type a new value to replace it."
UNSET_HINT = "Secret: once saved it is never shown again."


def secret_field(label: str) -> forms.CharField:
    """A write-only input: the page never contains the stored value (see `show_secret_state`)."""
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=UNSET_HINT,
    )


def show_secret_state(field: forms.Field, is_set: bool, required: bool = False) -> None:
    """Tell whether a secret is saved, without showing it; a saved secret may be left blank."""
    field.required = required and not is_set
    if is_set:
        field.widget.attrs["placeholder"] = "•••••••• (saved)"
        field.help_text = SAVED_HINT


class WriteOnlySecretsForm(forms.ModelForm):
    """A model form whose secret model fields are edited through write-only `<field>_new` inputs.

    Subclasses declare `<field>_new = secret_field(...)` and exclude `<field>` in their Meta.
    """

    secrets: tuple[str, ...] = ()
    required_secrets: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.secrets:
            show_secret_state(
                self.fields[f"{name}_new"], bool(getattr(self.instance, name)), name in self.required_secrets
            )

    def save(self, commit: bool = True):
        for name in self.secrets:
            if self.cleaned_data.get(f"{name}_new"):
                setattr(self.instance, name, self.cleaned_data[f"{name}_new"])
        return super().save(commit)
