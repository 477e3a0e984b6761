from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    error_messages = {
        "invalid_login": "Enter a correct e-mail address and password",
        "inactive": "This account has been switched off",
    }
