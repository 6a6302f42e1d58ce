package io.sluice.source.postgres;

import io.sluice.spi.ErrorKind;
import io.sluice.spi.RowSink;
import io.sluice.spi.SluiceException;
import io.sluice.spi.SnapshotReader;
import io.sluice.spi.Split;
import io.sluice.spi.StreamSpec;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one chunk with {@code COPY (SELECT <selected columns> FROM <table> WHERE <chunk>) TO STDOUT (FORMAT
 * binary)} on a connection of its own, inside a {@code REPEATABLE READ} transaction that first adopts the plan's
 * exported snapshot when the split names one and it still exists (else a fresh snapshot is used). The table is
 * locked in {@code ACCESS SHARE} mode before its column types are looked up, so they cannot change before the
 * copy runs.
 */
final class PostgresSnapshotReader implements SnapshotReader {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSnapshotReader.class);

  private final PostgresConnections connections;
  private final StreamSpec stream;
  private final Split split;
  private final PostgresChunk chunk;
  private final Optional<String> snapshot;
  private final Set<String> lostSnapshots;
  /** The start of every message, e.g. "Cannot read chunk pk:1..500001 of public.orders". */
  private final String what;
  private PostgresTableCopy copy;
  private boolean used;

  /**
   * @param lostSnapshots shared by the readers and the source: the exported snapshots found gone, each reported
   *     once and never resumed from ({@link PostgresSource#resumable})
   */
  PostgresSnapshotReader(PostgresConnections connections, StreamSpec stream, Split split,
      Set<String> lostSnapshots) {
    this.connections = connections;
    this.stream = stream;
    this.split = split;
    this.chunk = PostgresChunk.fromJson(split.id(), split.descriptor());
    this.snapshot = PostgresChunk.snapshotOf(split.descriptor());
    this.lostSnapshots = lostSnapshots;
    this.what = "Cannot read chunk " + split.id() + " of " + stream.source();
  }

  @Override
  public long read(RowSink sink) throws InterruptedException {
    if (used) {
      throw new IllegalStateException("Cannot read split " + split.id() + " of " + stream.source() + " twice");
    }
    used = true;
    copy = new PostgresTableCopy(connections, stream, what);
    try {
      try (Statement statement = copy.createStatement()) {
        beginTransaction(statement);
      }
      copy.lock();
      long rows = copy.copySelected(predicate().map(p -> " WHERE " + p).orElse(""), sink);
      copy.execute("COMMIT");
      copy.reportAnomalies("chunk " + split.id());
      return rows;
    } catch (SQLException e) {
      throw PostgresErrorClassifier.failure(what, e);
    } finally {
      close();
    }
  }

  private Optional<String> predicate() {
    try {
      return chunk.predicate(this::currentType);
    } catch (IllegalArgumentException e) {
      // a bound PostgreSQL text cannot hold, from an edited state file
      throw new SluiceException(ErrorKind.PERMANENT, what + ": a bound in its descriptor cannot be a literal: " + e.getMessage() + "; resync the stream");
    }
  }

  /** A key column's type as the table has it now (a chunk's bounds are cast to it). */
  private String currentType(String column) {
    return copy.column(column).map(PostgresCatalogQueries.Column::sourceType).orElseThrow(() -> new SluiceException(
        ErrorKind.PERMANENT, what + ": its key column "
            + PostgresIdentifiers.quote(column) + " does not exist any more; resync the stream"));
  }

  private void beginTransaction(Statement statement) throws SQLException {
    statement.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    if (snapshot.isEmpty()) {
      return;
    }
    try {
      PostgresExportedSnapshot.adopt(statement, snapshot.get());
    } catch (SQLException e) {
      if (!PostgresExportedSnapshot.isGone(e)) {
        throw e;
      }
      // The exporting transaction ended (the source was closed, its connection dropped, or this is a resumed
      // load in a new process).
      boolean first = lostSnapshots.add(snapshot.get());
      if (chunk instanceof PostgresChunk.PageRange) {
        // A page range read in another snapshot than the ranges already read could miss a row that moved, or
        // read it twice; the engine's retry asks resumable() and starts the load over.
        throw new SluiceException(ErrorKind.TRANSIENT, what + ": the snapshot " + snapshot.get()
            + " its page ranges were planned in is gone "
            + "(the connection holding it ended); the load starts over so that no row is read twice or missed");
      }
      if (first) {
        LOG.warn("{}: the snapshot {} exported when the load was planned is gone; chunks read from now on use "
            + "fresh snapshots, so together they may mix changes made while the load ran", stream.source(),
            snapshot.get());
      }
      statement.execute("ROLLBACK");
      statement.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    }
  }

  /** Ends the copy (server side too) and the connection; safe to call more than once. */
  @Override
  public void close() {
    if (copy != null) {
      copy.close();
      copy = null;
    }
  }
}
