"""Every trust and rate limit setting is documented in docs/moderation.md with its default."""

from pathlib import Path

from django.conf import settings

from villagehall import settings as defaults

DOC = (Path(__file__).resolve().parents[2] / "docs" / "moderation.md").read_text()


def test_every_trust_setting_is_documented_with_its_default():
    names = [name for name in dir(defaults) if name.startswith("TRUST_")] + ["AUDIT_LOG_PAGE_SIZE"]
    assert len(names) >= 6
    missing = [name for name in names if f"| `{name}` | `{getattr(defaults, name)}` |" not in DOC]
    assert missing == []


def test_every_rate_limit_is_documented_with_its_default():
    assert set(settings.RATE_LIMITS) == {"post", "comment", "reaction", "report", "guest_comment_email", "guest_comment_ip"}
    missing = [
        action for action, (most, seconds) in defaults.RATE_LIMITS.items()
        if f"| `{action}` | `({most}, {seconds})` |" not in DOC
    ]
    assert missing == []
