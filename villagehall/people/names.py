"""Display names compared as a reader would see them, for holding back the names of deleted accounts."""

import hashlib
import hmac
import unicodedata

from django.conf import settings

# What every account shows once it is deleted: nobody may choose it.
FORMER_MEMBER_NAME = "A former member"


def normalise_display_name(name: str) -> str:
    """Return the name folded so that look-alike spellings ("Sam  JONES", "Ｓａｍ Jones") compare equal."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    # Spacing and punctuation do not make a different person: "Sam-Jones." reads as "Sam Jones".
    return "".join(ch for ch in folded if ch.isalnum())


def display_name_hash(name: str) -> str:
    """Return a keyed hash of the normalised name, so the stored value does not give the name back."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, normalise_display_name(name).encode(), hashlib.sha256).hexdigest()
