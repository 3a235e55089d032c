"""The audit log: who did what to which record, when. Written in the caller's transaction."""

from __future__ import annotations

from app.changes import writes
from db.models import AuditLog, User


@writes("audit_log")
def record(user: User | None, action: str, entity: str, entity_id: str | None = None, detail=None) -> AuditLog:
    entry = AuditLog(user=user, action=action, entity=entity, entity_id=entity_id, detail=detail)
    entry.save()
    return entry


def trail(entity: str, entity_id: str, limit: int = 200) -> list[AuditLog]:
    return list(
        AuditLog.select()
        .where((AuditLog.entity == entity) & (AuditLog.entity_id == entity_id))
        .order_by(AuditLog.at.desc())
        .limit(limit)
    )
