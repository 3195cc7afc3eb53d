"""The demo borough's sign-in accounts, one for each kind of person who uses Village Hall.

The README, the tests and the command's summary all read this list, so the
addresses and the password are written down in one place.
"""

from dataclasses import dataclass

DEMO_COUNCIL_SLUG = "demo"
DEMO_PASSWORD = "villagehall-demo"

# Everyone else in the demo has an address under this reserved domain (RFC 2606), so
# nothing is ever sent to a real mailbox, and a reset can find them all.
DEMO_PEOPLE_DOMAIN = "brackenford.example"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    display_name: str
    bio: str


DEMO_ACCOUNTS = (
    DemoAccount(
        "resident", "resident@demo.villagehall.org", "Jo Fielding",
        "Demo account: a resident of Millbrook who asks, offers and joins in.",
    ),
    DemoAccount(
        "officer", "officer@demo.villagehall.org", "Sam Okafor",
        "Demo account: a Parks officer, out in Millbrook most weeks.",
    ),
    DemoAccount(
        "organiser", "organiser@demo.villagehall.org", "Priya Shah",
        "Demo account: runs the Millbrook Community Garden.",
    ),
    DemoAccount(
        "administrator", "admin@demo.villagehall.org", "Alex Morgan",
        "Demo account: a council administrator for Brackenford.",
    ),
)


def demo_account(role: str) -> DemoAccount:
    """Return the demo account with the given role."""
    return next(account for account in DEMO_ACCOUNTS if account.role == role)
