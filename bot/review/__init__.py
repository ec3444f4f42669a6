"""Committee review in chat: enrolment by invite, queues, entry views, decisions, 代为登记.

Kept free of imports from bot.conversation at package level, so the conversation can call
`bot.review.intake` after a submit without an import cycle.
"""
