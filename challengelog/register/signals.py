"""What the register announces, for the capabilities above it to answer.

The register knows nothing of meetings, notices or themes: it sends these signals and the
capability that cares connects a receiver in its `AppConfig.ready` (follow-up links meetings,
queues notices and finds the next meeting; insights suggests themes). Receivers run at once,
inside the write's transaction: if one fails, the write is undone with it.
"""

from django.dispatch import Signal

# A challenge was raised. Arguments: `challenge`; `actions_text`, the agreed actions' words.
challenge_raised = Signal()

# A challenge's fields were edited. Arguments: `challenge`; `agencies_changed`, whether the
# agencies it is addressed to were given anew.
challenge_edited = Signal()

# An action is to be due "by the next meeting" of `forum`. Arguments: `action` (unsaved),
# `forum`, `today`. A receiver sets the action's due date (and meeting) and answers True; with
# no True answer no meeting is planned and the action is refused.
due_by_next_meeting = Signal()
