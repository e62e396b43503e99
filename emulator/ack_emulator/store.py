"""SQLite document store.

Documents are JSON dicts keyed by ``(kind, id)``. One re-entrant lock serialises every access; every write
commits (WAL journal, so committed state survives ``kill -9``). Life cycles are stored as absolute times in the
documents' ``_timeline`` (see lifecycle.py), so a restarted emulator resumes them from the recorded times.
"""
import json
import marshal
import sqlite3
import threading
import time

from . import lifecycle

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    cluster_id TEXT,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS docs_kind_seq ON docs (kind, seq);
CREATE INDEX IF NOT EXISTS docs_cluster ON docs (kind, cluster_id);
-- append-only (no index to update: lookups are in memory); the latest row of a nonce wins
CREATE TABLE IF NOT EXISTS nonce_log (nonce TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Store:
    def __init__(self, path=None):
        self.path = path or ':memory:'
        self._lock = threading.RLock()
        self._depth = 0
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        if self.path != ':memory:':
            # one process owns the file: SQLite keeps its locks (and the WAL index) instead of taking them anew
            # for every transaction
            self._conn.execute('PRAGMA locking_mode=EXCLUSIVE')
            self._conn.execute('PRAGMA journal_mode=WAL')
            # NORMAL: a committed transaction survives a process crash (kill -9); only an OS crash may lose
            # the last transactions.
            self._conn.execute('PRAGMA synchronous=NORMAL')
        self._conn.executescript(_SCHEMA)
        row = self._conn.execute('SELECT MAX(seq) FROM docs').fetchone()
        self._seq = row[0] or 0
        self._nonce_purge_at = 0.0
        if self._conn.execute("SELECT 1 FROM sqlite_master WHERE name='nonces'").fetchone():  # older state files
            self._conn.executescript('BEGIN; INSERT INTO nonce_log SELECT nonce, at FROM nonces; DROP TABLE nonces;'
                                     'COMMIT;')
        self._nonces = dict(self._conn.execute('SELECT nonce, at FROM nonce_log ORDER BY rowid'))  # nonce -> use
        self._pending_nonces = []  # (nonce, at) not in the database yet: the next commit writes them
        self._transaction = _Transaction(self)
        self._decoded = {}  # (kind, id) -> (stored text, marshal of its decoded document)
        self._reads = None  # [(sql, params, rows)] while track_reads() records; None otherwise or once spoiled

    # -- transactions ---------------------------------------------------------------------------------------
    def transaction(self):
        """One lock held, one SQLite transaction; nested calls join the outer one. Rolls back on exception."""
        return self._transaction

    # -- read sets: app.py answers a pure operation again from memory while what it read is unchanged ---------
    def track_reads(self):
        """Record the reads of the current transaction from now on."""
        self._reads = []

    def tracked_reads(self):
        """Stop recording. The reads ``[(sql, params, rows)]``, or None when the transaction wrote or read a
        document whose life cycle still moves with time."""
        reads, self._reads = self._reads, None
        return reads

    def reads_unchanged(self, reads):
        """True when every recorded read gives the same rows again."""
        with self.transaction():
            return all(self._conn.execute(sql, params).fetchall() == rows for sql, params, rows in reads)

    def _read(self, sql, params):
        rows = self._conn.execute(sql, params).fetchall()
        if self._reads is not None:
            self._reads.append((sql, params, rows))
        return rows

    # -- documents ------------------------------------------------------------------------------------------
    def _write(self, kind, ident, doc):
        self._reads = None
        body = json.dumps(doc, separators=(',', ':'), sort_keys=True)
        cluster_id = doc.get('cluster_id') if isinstance(doc.get('cluster_id'), str) else None
        cur = self._conn.execute('UPDATE docs SET body=?, cluster_id=? WHERE kind=? AND id=?',
                                 (body, cluster_id, kind, ident))
        if cur.rowcount == 0:
            self._seq += 1
            self._conn.execute('INSERT INTO docs (kind, id, seq, cluster_id, body) VALUES (?,?,?,?,?)',
                               (kind, ident, self._seq, cluster_id, body))

    def _decode(self, kind, ident, body):
        """``json.loads(body)``, from a marshal copy when the stored text is the one decoded last time (twice as
        fast; every call returns a new object, so callers may change it)."""
        hit = self._decoded.get((kind, ident))
        if hit is not None and hit[0] == body:
            return marshal.loads(hit[1])
        doc = json.loads(body)
        if len(self._decoded) >= 10000:
            self._decoded.clear()
        self._decoded[kind, ident] = (body, marshal.dumps(doc))
        return doc

    def _settled(self, kind, ident, body, now):
        doc = self._decode(kind, ident, body)
        if doc.get('_timeline') or doc.get('_gone'):
            self._reads = None  # what it shows depends on the time
            doc, changed = lifecycle.settle(doc, now)
            if doc is None:
                self._conn.execute('DELETE FROM docs WHERE kind=? AND id=?', (kind, ident))
            elif changed:
                self._write(kind, ident, doc)
        return doc

    def get(self, kind, ident, now=None):
        """The document settled to ``now`` (default: the current time), or None."""
        now = time.time() if now is None else now
        with self.transaction():
            rows = self._read('SELECT body FROM docs WHERE kind=? AND id=?', (kind, str(ident)))
            if not rows:
                return None
            return self._settled(kind, str(ident), rows[0][0], now)

    def put(self, kind, ident, doc):
        with self.transaction():
            self._write(kind, str(ident), doc)
        return doc

    def delete(self, kind, ident):
        with self.transaction():
            self._reads = None
            self._conn.execute('DELETE FROM docs WHERE kind=? AND id=?', (kind, str(ident)))

    def list(self, kind, now=None, where=None):
        """Settled documents of ``kind`` in creation order.

        ``where``: a dict of field -> value that must all be equal (``cluster_id`` is indexed), or a callable
        ``doc -> bool``.
        """
        now = time.time() if now is None else now
        with self.transaction():
            if isinstance(where, dict) and 'cluster_id' in where:
                rows = self._read('SELECT id, body FROM docs WHERE kind=? AND cluster_id=? ORDER BY seq',
                                  (kind, where['cluster_id']))
            else:
                rows = self._read('SELECT id, body FROM docs WHERE kind=? ORDER BY seq', (kind,))
            out = []
            for ident, body in rows:
                doc = self._settled(kind, ident, body, now)
                if doc is None:
                    continue
                if callable(where):
                    if not where(doc):
                        continue
                elif where:
                    if any(doc.get(k) != v for k, v in where.items()):
                        continue
                out.append(doc)
            return out

    def count(self, kind):
        with self._lock:
            return self._read('SELECT COUNT(*) FROM docs WHERE kind=?', (kind,))[0][0]

    # -- signature nonces (kept in the database so a replay after a restart is still refused) ----------------
    def use_nonce(self, nonce, now, window=900.0):
        """Record ``nonce``; False when it was already used within ``window`` seconds.

        Checked in memory; the record reaches the database with the next commit (the request's own transaction,
        or ``flush_nonces()``, which the app calls before it answers)."""
        with self._lock:
            if now >= self._nonce_purge_at:
                self._conn.execute('DELETE FROM nonce_log WHERE at < ?', (now - window,))
                self._nonces = {k: at for k, at in self._nonces.items() if at >= now - window}
                self._nonce_purge_at = now + 60
            at = self._nonces.get(nonce)
            if at is not None and at >= now - window:
                return False
            self._nonces[nonce] = now
            self._pending_nonces.append((nonce, now))
            return True

    def flush_nonces(self):
        """Commit the nonces recorded since the last commit (none left when the request's transaction committed)."""
        if self._pending_nonces:
            with self.transaction():
                pass

    def _commit(self):
        pending, self._pending_nonces = self._pending_nonces, []
        try:
            if pending:
                self._conn.executemany('INSERT INTO nonce_log (nonce, at) VALUES (?, ?)', pending)
            self._conn.execute('COMMIT')
        except BaseException:
            self._pending_nonces[:0] = pending
            self._conn.execute('ROLLBACK')
            raise

    # -- misc -----------------------------------------------------------------------------------------------
    def get_meta(self, key, default=None):
        with self._lock:
            rows = self._read('SELECT value FROM meta WHERE key=?', (key,))
            return json.loads(rows[0][0]) if rows else default

    def set_meta(self, key, value):
        with self.transaction():
            self._reads = None
            self._conn.execute('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', (key, json.dumps(value)))

    def reset(self):
        """Remove every document and nonce (admin API)."""
        with self.transaction():
            self._reads = None
            self._conn.execute('DELETE FROM docs')
            self._conn.execute('DELETE FROM nonce_log')
            self._conn.execute('DELETE FROM meta')
            self._nonces.clear()
            del self._pending_nonces[:]
            self._decoded.clear()

    def close(self):
        with self._lock:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass


class _Transaction:
    """``with store.transaction():`` (a class rather than a generator: it runs several times per request)."""
    __slots__ = ('store',)

    def __init__(self, store):
        self.store = store

    def __enter__(self):
        store = self.store
        store._lock.acquire()
        if store._depth == 0:
            try:
                store._conn.execute('BEGIN IMMEDIATE')
            except BaseException:
                store._lock.release()
                raise
        store._depth += 1
        return store

    def __exit__(self, exc_type, exc, tb):
        store = self.store
        try:
            store._depth -= 1
            if store._depth == 0:
                if exc_type is None:
                    store._commit()
                else:
                    store._conn.execute('ROLLBACK')
        finally:
            store._lock.release()
        return False
