"""A checkpoint post that keeps working offline: store and forward.

Every action the post takes is first written to its own local outbox (an SQLite file
on the post's machine) with an idempotency key of its own; ``sync`` then sends the
queued actions, in order, to the corridor's API. An action is never lost (it is durable
in the outbox before the officer sees "recorded") and never applied twice (the API
answers a re-sent key with its first answer). An action the corridor refuses (the
movement moved on meanwhile, say) is kept as *rejected* with the refusal, for an officer
to look at: nothing is dropped silently.
"""
