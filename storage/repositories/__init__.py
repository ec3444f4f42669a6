"""One repository per aggregate; each takes the unit of work's session."""

from storage.repositories.audit import AuditRepository
from storage.repositories.committees import CommitteeRepository
from storage.repositories.deadlines import DeadlineRepository
from storage.repositories.divisions import DivisionRepository
from storage.repositories.evidence import EvidenceRepository
from storage.repositories.notifications import NotificationRepository
from storage.repositories.received import ReceivedRepository
from storage.repositories.registrations import RegistrationRepository
from storage.repositories.reviewers import InviteRepository, ReviewerRepository
from storage.repositories.updates import InboxRepository, UpdateRepository

__all__ = [
    "AuditRepository",
    "CommitteeRepository",
    "DeadlineRepository",
    "DivisionRepository",
    "EvidenceRepository",
    "InboxRepository",
    "InviteRepository",
    "NotificationRepository",
    "ReceivedRepository",
    "RegistrationRepository",
    "ReviewerRepository",
    "UpdateRepository",
]
