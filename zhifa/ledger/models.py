"""The ledger's tables. All are insert-only: database triggers refuse UPDATE and DELETE (see guard.py).

Entries are the leaves of an RFC 6962 Merkle tree (docs/ledger.md); Node keeps the hashes of the
completed perfect subtrees above them, so an append reads and writes O(log n) rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    _BigInteger = models.BigIntegerField[int, int]
else:  # django-stubs' generic parameters do not exist at run time
    _BigInteger = models.BigIntegerField


class LedgerKey(_BigInteger):
    """A 64-bit integer primary key that SQLite keeps as the table's own rowid.

    SQLite makes a column the rowid only when its declared type is exactly INTEGER; Django declares
    BigIntegerField `bigint`, which gives the table a hidden rowid plus a separate index on the key, a
    second B-tree page dirtied by every insert. SQLite's INTEGER holds 64 bits; PostgreSQL keeps bigint.
    """

    def db_type(self, connection: Any) -> str | None:
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)


class Entry(models.Model):
    """One recorded act: the leaf data exactly as hashed, and its columns for querying."""

    index = LedgerKey(_("序号"), primary_key=True)
    recorded_at = models.DateTimeField(_("记录时间"))
    # No index on actor, agency or action: every index is one more page written per append, and nothing
    # looks entries up by them alone (the case timeline goes by subject). Deleting a user or an agency
    # (refused by PROTECT once they are in the ledger) scans the ledger to find that out.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    # The actor's name as it was; not part of the leaf (personal data stays in the facts).
    actor_name = models.CharField(max_length=50, blank=True)
    agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    action = models.CharField(_("行为"), max_length=60)
    subject = models.CharField(_("对象"), max_length=100, db_index=True)
    commitment = models.CharField(max_length=64)
    files = models.JSONField(default=list)
    leaf = models.TextField()
    # Not indexed here: a random key would dirty a page of its index per append. The public lookup by
    # leaf hash goes through LeafIndex and the not-yet-indexed tail (services.leaf_indices).
    leaf_hash = models.BinaryField(max_length=32)

    class Meta:
        db_table = "ledger_entry"
        verbose_name = _("记录")
        verbose_name_plural = _("记录")
        ordering = ["index"]

    def __str__(self) -> str:
        return f"#{self.index} {self.action} {self.subject}"


class EntryFile(models.Model):
    """One file named by an entry, so that the public can look a document's hash up."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="file_rows")
    sha256 = models.CharField(max_length=64, db_index=True)

    class Meta:
        db_table = "ledger_entry_file"

    def __str__(self) -> str:
        return f"{self.sha256} in #{self.entry_id}"


class LeafIndex(models.Model):
    """The public lookup of entries by leaf hash: entry `entry_index`'s leaf hash starts with `prefix`.

    Filled after commit, in runs sorted by prefix that cover the entries from the first not yet indexed
    (services.index_leaves), so that appends write no random key. A lookup also scans the entries past
    the last indexed one, so it never misses an entry; verify checks every row against its entry.
    """

    entry_index = LedgerKey(primary_key=True)
    # The first 8 bytes of the leaf hash as a signed big-endian integer: a small key, so the index is
    # a third of the size of one on the whole hash; a lookup compares the whole hash on the entry.
    prefix = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "ledger_leaf_index"

    def __str__(self) -> str:
        return f"leaf index of #{self.entry_index}"


class Facts(models.Model):
    """The facts of an entry and the salt of its commitment. Erasable by law; never edited."""

    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, primary_key=True, related_name="facts")
    facts = models.TextField()
    salt = models.BinaryField(max_length=16)

    class Meta:
        db_table = "ledger_facts"

    def __str__(self) -> str:
        return f"facts of #{self.entry_id}"


def node_key(level: int, position: int) -> int:
    """Node's key: the index of the subtree's last leaf, times 64, plus its level (one to one for level < 64).

    The subtrees an append completes all end at its leaf, so the keys grow in the order nodes are written:
    every insert goes to the end of one B-tree, and a batch's nodes are one range of keys.
    """
    return (((position + 1) << level) - 1) * 64 + level


class Node(models.Model):
    """The hash of a completed perfect subtree: 2**level leaves starting at position * 2**level (level >= 1)."""

    key = LedgerKey(primary_key=True)  # node_key(level, position), so (level, position) is unique
    level = models.PositiveSmallIntegerField()
    position = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        db_table = "ledger_node"

    def __str__(self) -> str:
        return f"node {self.level}/{self.position}"


class Checkpoint(models.Model):
    """A signed checkpoint (C2SP signed note). Every one issued is kept."""

    size = models.BigIntegerField()
    root = models.BinaryField(max_length=32)
    issued_at = models.DateTimeField()
    note = models.TextField()

    class Meta:
        db_table = "ledger_checkpoint"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class Blob(models.Model):
    """A stored evidence file, named by its SHA-256. The bytes live in the evidence storage."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ledger_blob"

    def __str__(self) -> str:
        return self.sha256


class Upload(models.Model):
    """An evidence file as one agency uploaded it: that agency's own until one of its entries names it.

    Not part of the record: the ledger names files by hash; these rows say who may read and attach a
    file no entry names yet (evidence ownership), count against the agency's quota of unattached
    uploads, and are marked removed by `zhifa evidence cleanup` after the retention period.
    """

    sha256 = models.CharField(max_length=64)
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    size = models.BigIntegerField()
    uploaded_at = models.DateTimeField(db_index=True)
    # Set when the cleanup removed an upload never attached: the agency must upload the file again.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "ledger_upload"
        constraints = [models.UniqueConstraint(fields=["sha256", "agency"], name="ledger_upload_one_per_agency")]

    def __str__(self) -> str:
        return f"{self.sha256[:12]}… uploaded by agency {self.agency_id}"


class Witness(models.Model):
    """An independent witness whose cosignatures of checkpoints the portal accepts and shows.

    Managed with `zhifa witness add|retire|list` (docs/verification.md). Retired, not deleted: the
    cosignatures it made stay, and stay checkable against its key.
    """

    name = models.CharField(_("名称"), max_length=200, unique=True)
    public_key = models.BinaryField(max_length=32)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    added_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "ledger_witness"
        verbose_name = _("见证方")
        verbose_name_plural = _("见证方")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cosignature(models.Model):
    """A witness's cosignature of a checkpoint (C2SP tlog-cosignature, cosignature/v1), as it sent it."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="cosignatures")
    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="cosignatures")
    timestamp = models.BigIntegerField()  # the witness's own time of signing, POSIX seconds
    signature = models.BinaryField(max_length=64)
    received_at = models.DateTimeField()

    class Meta:
        db_table = "ledger_cosignature"
        ordering = ["checkpoint_id", "witness__name"]
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "witness"], name="ledger_one_cosignature_per_witness")
        ]

    def __str__(self) -> str:
        return f"{self.witness_id} cosigned checkpoint {self.checkpoint_id}"
