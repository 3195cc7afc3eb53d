"""The words a council starts with: suggested reasons and a moderation policy.

A council can replace both with its own (the reasons page and the policy page); until
it does, these are used.
"""

DEFAULT_REASONS = [
    (
        "Spam or advertising",
        "This looked like spam or advertising, which does not belong in the village hall.",
    ),
    (
        "Unkind or personal",
        "This was unkind or personal. Disagreeing is fine; please talk about the idea, not the person.",
    ),
    (
        "Private information",
        "This shared someone’s private information, such as an address or phone number, without their agreement.",
    ),
    (
        "Not safe",
        "This could put someone at risk. If anyone is in danger, please call 999.",
    ),
    (
        "In the wrong place",
        "This was in the wrong place. Please post it in the neighbourhood or group it is about.",
    ),
    (
        "Checked and fine",
        "A moderator has checked this and it is fine. Thank you for your patience.",
    ),
]

DEFAULT_POLICY = """\
The village hall is a shared space for everyone who lives and works here. Moderators
are neighbours and council staff who help keep it safe and civil.

### What we ask

- Be kind. Disagree with ideas, not with people.
- Keep other people’s private information private.
- No spam, advertising or anything that could put someone at risk.
- Post in the neighbourhood or group a conversation is about.

### What moderators can do

- **Hide** a post or reply, and show it again.
- **Edit** a post or reply, always with a note under it saying what changed and why.
- **Hold** someone’s new posts and replies so a moderator sees them before anyone else does.
- **Block** someone from taking part for a while.

Whoever wrote something is always told what a moderator did and why, and every decision
can be undone. Every action is recorded, and the council can check the record.

### New accounts

New accounts can post a little less at first, and their first post with links waits for
a moderator. This keeps spam out; it lifts by itself after a few days and a few posts.

### Reporting

If you see something that breaks these rules, use the “Report” link beside it. Only the
moderators see who reported what.
"""
