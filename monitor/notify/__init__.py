"""The notify stage: events into a durable outbox, and a sender that posts them.

``events`` turns a change or a policy's status into events for the webhooks
that want them, and holds the rule that decides when an outage, a recovery or
flapping is reported; ``formats`` renders a payload in a webhook's format;
``delivery`` signs and posts the outbox's deliveries, with retries.

Nothing is imported here: ``monitor.config`` reads ``formats.FORMATS``, and
``events`` and ``delivery`` import ``monitor.config``.
"""
