"""`fields_reencrypt`: re-encrypt every encrypted personal field under the newest field key (key rotation).

Rotation (core/crypto.py): put the new key first in HUIKETING_FIELD_KEYS ("new,old"), run this command, then
drop the old key. The keyed search hashes are made with a key derived from the *last* key in the list, so they
survive as long as the last key stays; when the last key itself goes (HUIKETING_FIELD_KEYS="new" after the
re-encryption), run the command again with --rehash to recompute every hash under the new last key.

Tokens are read raw (the column as text, without the field's decryption), rotated, and written back wrapped
in core.fields.Ciphertext so that they are not encrypted a second time. Each batch is its own transaction;
the command can be interrupted and run again (rotating a token twice does no harm).
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models import ExpressionWrapper, F
from django.utils.translation import gettext as _

from huiketing.core import crypto
from huiketing.core.audit import audit_record
from huiketing.core.fields import SEARCH_HASHES, Ciphertext, EncryptedTextField, HashedField


def hashed_fields() -> list[HashedField]:
    """Every encrypted field that has a search hash, as the apps registered them (core.fields)."""
    return list(SEARCH_HASHES)


def encrypted_fields() -> dict[type[models.Model], list[EncryptedTextField]]:
    found = {}
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields and not model._meta.proxy:
            found[model] = fields
    return found


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted personal field under the newest key in HUIKETING_FIELD_KEYS; "
        "with --rehash, also recompute the keyed search hashes (needed when the last key changes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--rehash",
            action="store_true",
            help="recompute the keyed search hashes from the decrypted values",
        )

    def handle(self, *args, batch_size: int, rehash: bool, **options):
        hashes = hashed_fields() if rehash else []
        totals = {}
        for model, fields in encrypted_fields().items():
            label = model._meta.label
            own_hashes = [h for h in hashes if h.model == label]
            totals[label] = self._model(model, fields, own_hashes, batch_size)
        audit_record(
            actor=None,
            action="core.fields.reencrypt",
            changes={"rows": [None, totals], "rehash": [None, rehash]},
        )
        self.stdout.write(self.style.SUCCESS(_("Re-encrypted %(n)s rows.") % {"n": sum(totals.values())}))

    def _model(self, model, fields, hashes, batch_size: int) -> int:
        label = model._meta.label
        total = model._default_manager.count()
        names = [f.name for f in fields]
        by_name = {h.field: h for h in hashes}
        # The column as plain text: the wrapper's TextField output skips the field's decryption.
        raw = {f"_raw_{name}": ExpressionWrapper(F(name), output_field=models.TextField()) for name in names}
        done, last_pk = 0, None
        while True:
            queryset = model._default_manager.order_by("pk").annotate(**raw).values_list("pk", *raw)
            if last_pk is not None:
                queryset = queryset.filter(pk__gt=last_pk)
            with transaction.atomic():
                # Locked from read to write, so that a concurrent edit is neither lost nor overwritten.
                rows = list(queryset.select_for_update()[:batch_size])
                if not rows:
                    break
                updates = []
                for pk, *tokens in rows:
                    obj = model(pk=pk)
                    for name, token in zip(names, tokens, strict=True):
                        setattr(obj, name, Ciphertext(crypto.rotate(token)) if token else token)
                        if name in by_name:
                            spec = by_name[name]
                            value = spec.hash(crypto.decrypt(token)) if token else spec.empty
                            setattr(obj, spec.hash_field, value)
                    updates.append(obj)
                model._default_manager.bulk_update(
                    updates, names + [h.hash_field for h in hashes], batch_size=batch_size
                )
            done += len(rows)
            last_pk = rows[-1][0]
            self.stdout.write(f"{label}: {done}/{total}")
        return done
