"""The languages Dutch wijkteams meet: one list for the family's language and the professionals'.

Codes are ISO 639-1 where the language has one, ISO 639-3 (or 639-2 for the Berber languages
as a group) where it has not. Django's own LANG_INFO covers the languages Django is translated
into, not those a wijkteam meets (no Tigrinya, Somali, Tamazight, Papiamento, Dari, Amharic,
Sranan Tongo, Kurdish, Pashto), so the list is curated here: small, with the spellings people
type at the entrance as aliases ("Tigrinja", "Tigrinya (Eritrea)", "Berbers", "Farsi").

`normalise` turns whatever was typed into a code when the list knows it; anything else stays as
typed (the family's "anders"), so no word of the family is lost.
"""

import re
import unicodedata

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

# (code, name (English source, Dutch in the .po), aliases as people type them)
LANGUAGES = (
    ("nl", _("Dutch"), ("nederlands", "dutch", "vlaams")),
    ("en", _("English"), ("engels",)),
    ("ar", _("Arabic"), ("arabisch", "marokkaans", "marokkaans arabisch", "darija", "syrisch", "iraaks")),
    ("tr", _("Turkish"), ("turks",)),
    ("ber", _("Tamazight (Berber)"), ("berbers", "tamazight", "tamazigh", "amazigh", "tarifit", "riffijns", "rifberbers", "tachelhit", "chleuh", "shilha", "kabylisch")),
    ("pl", _("Polish"), ("pools",)),
    ("so", _("Somali"), ("somalisch", "somalies")),
    ("ti", _("Tigrinya"), ("tigrinja", "tigrinya", "tigrigna", "tigrinisch", "eritrees")),
    ("am", _("Amharic"), ("amhaars", "amharisch", "ethiopisch")),
    ("fa", _("Persian (Farsi)"), ("farsi", "perzisch", "iraans", "persian")),
    ("prs", _("Dari"), ("dari", "afghaans")),
    ("ps", _("Pashto"), ("pashto", "pasjtoe", "pashtoe", "pasjtoens")),
    ("ku", _("Kurdish"), ("koerdisch", "kurdish", "kurmanci", "kurmanji", "sorani", "badini")),
    ("uk", _("Ukrainian"), ("oekraiens", "oekrainisch")),
    ("ru", _("Russian"), ("russisch",)),
    ("ro", _("Romanian"), ("roemeens",)),
    ("bg", _("Bulgarian"), ("bulgaars",)),
    ("hu", _("Hungarian"), ("hongaars",)),
    ("bs", _("Bosnian / Croatian / Serbian"), ("bosnisch", "kroatisch", "servisch", "servokroatisch", "hr", "sr")),
    ("sq", _("Albanian"), ("albanees", "albanisch")),
    ("de", _("German"), ("duits",)),
    ("fr", _("French"), ("frans",)),
    ("es", _("Spanish"), ("spaans",)),
    ("pt", _("Portuguese"), ("portugees", "braziliaans")),
    ("pap", _("Papiamento"), ("papiaments", "papiamentu", "antilliaans")),
    ("srn", _("Sranan Tongo"), ("sranan", "sranantongo", "surinaams")),
    ("zh", _("Chinese"), ("chinees", "mandarijn", "kantonees")),
    ("vi", _("Vietnamese"), ("vietnamees",)),
    ("ur", _("Urdu"), ("urdu", "pakistaans")),
    ("hi", _("Hindi"), ("hindi", "hindoestaans", "sarnami")),
    ("fy", _("Frisian"), ("fries", "frysk")),
    ("dse", _("Dutch Sign Language (NGT)"), ("ngt", "gebarentaal", "nederlandse gebarentaal")),
)

NAMES = {code: name for code, name, _aliases in LANGUAGES}
CHOICES = [(code, name) for code, name, _aliases in LANGUAGES]


def _key(text):
    """Lower case, no accents, no "(Eritrea)" or other bracketed region, single spaces."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = re.sub(r"\(.*?\)", " ", text.casefold())
    return " ".join(re.sub(r"[^a-z ]", " ", text).split())


def _index():
    from django.utils import translation

    index = {}
    for code, name, aliases in LANGUAGES:
        spellings = {code, *aliases, str(name)}
        for language in ("nl", "en"):
            with translation.override(language):
                spellings.add(str(name))
        for spelling in spellings:
            index.setdefault(_key(spelling), code)
    return index


_INDEX = None


def code_for(text):
    """The list's code for what was typed (a code, a Dutch or English name, a common spelling),
    or None when the list does not know it."""
    global _INDEX
    if _INDEX is None:
        _INDEX = _index()
    key = _key(text)
    return _INDEX.get(key) if key else None


def normalise(text):
    """The code when the list knows the language, else the text as typed (stripped)."""
    text = (text or "").strip()
    return code_for(text) or text


def label(value):
    """The name to show: the list's (translated) name for a code, the text as typed otherwise."""
    return str(NAMES[value]) if value in NAMES else value


class LanguageInput(forms.TextInput):
    """A text box that offers the list as you type (a <datalist>: the names and the common
    spellings), shows a code as its name, and leaves room for a language not on the list."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        return label(value) if value else super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs'].get('id', name)}-languages"
        return context

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id', name)}-languages"
        options = []
        for _code, name_, aliases in LANGUAGES:
            shown = str(name_)
            options.append((shown, ""))
            options.extend(
                (alias.capitalize(), shown)
                for alias in aliases
                if len(alias) > 3 and _key(alias) != _key(shown)  # not the name again, nor a code
            )
        return box + format_html(
            '<datalist id="{}">{}</datalist>',
            list_id,
            format_html_join("", '<option value="{}">{}</option>', options),
        )


class LanguageField(forms.CharField):
    """The family's language: a code when the list knows what was typed, the words as typed
    ("anders") when it does not."""

    widget = LanguageInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 50)
        kwargs.setdefault(
            "help_text",
            _("Choose from the list (common spellings are known), or type another language."),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        return normalise(super().clean(value))
