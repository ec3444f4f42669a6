"""Persistence: models, repositories, unit of work, migrations, field encryption, evidence files.

Entry points: `storage.uow.Database` (with `db.uow()`), `storage.divisions.load_divisions`,
`storage.files.EvidenceStore`, `storage.crypto.FieldCipher`; records in `storage.records`.
"""
