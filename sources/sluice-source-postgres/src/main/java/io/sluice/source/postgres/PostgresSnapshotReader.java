package io.sluice.source.postgres;

import io.sluice.source.postgres.PostgresBinaryDecoders.Anomalies;
import io.sluice.source.postgres.PostgresBinaryDecoders.ColumnReading;
import io.sluice.source.postgres.PostgresBinaryDecoders.ValueDecoder;
import io.sluice.source.postgres.PostgresCatalogQueries.Column;
import io.sluice.source.postgres.PostgresCatalogQueries.Table;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.RowSink;
import io.sluice.spi.SluiceException;
import io.sluice.spi.SnapshotReader;
import io.sluice.spi.Split;
import io.sluice.spi.StreamSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
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
  private final AtomicBoolean snapshotLossReported;
  private Connection connection;
  private CopyOut copy;
  private boolean used;

  /**
   * @param snapshotLossReported shared by the readers of one source, so that a lost snapshot is reported once
   */
  PostgresSnapshotReader(PostgresConnections connections, StreamSpec stream, Split split,
      AtomicBoolean snapshotLossReported) {
    this.connections = connections;
    this.stream = stream;
    this.split = split;
    this.chunk = PostgresChunk.fromJson(split.id(), split.descriptor());
    this.snapshot = PostgresChunk.snapshotOf(split.descriptor());
    this.snapshotLossReported = snapshotLossReported;
  }

  @Override
  public long read(RowSink sink) throws InterruptedException {
    if (used) {
      throw new IllegalStateException("Cannot read split " + split.id() + " of " + stream.source() + " twice");
    }
    used = true;
    String what = "Cannot read chunk " + split.id() + " of " + stream.source();
    connection = connections.open();
    try (Statement statement = connection.createStatement()) {
      beginTransaction(statement);
      Table table = PostgresCatalogQueries.table(connection, stream.source().namespace(), stream.source().name())
          .orElseThrow(() -> new SluiceException(ErrorKind.PERMANENT, what + ": the table does not exist"));
      statement.execute("LOCK TABLE " + table.quotedName() + " IN ACCESS SHARE MODE");
      Anomalies anomalies = new Anomalies();
      List<ValueDecoder> decoders = new ArrayList<>();
      String sql = copyStatement(table, anomalies, decoders, what);
      copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
      PostgresCopyTupleParser parser = new PostgresCopyTupleParser(copy::readFromCopy,
          decoders.toArray(new ValueDecoder[0]), stream.columns().stream().map(c -> c.name()).toList(),
          table.toString());
      long rows = 0;
      for (Object[] row = parser.next(); row != null; row = parser.next()) {
        sink.accept(row, parser.lastTupleBytes());
        rows++;
      }
      while (copy.readFromCopy() != null) {
        // Drains the end of the copy so the connection is ready for COMMIT.
      }
      copy = null;
      statement.execute("COMMIT");
      reportAnomalies(anomalies, table);
      return rows;
    } catch (SQLException e) {
      throw PostgresErrorClassifier.failure(what, e);
    } finally {
      close();
    }
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
      // The exporting transaction ended (the source was closed, or this is a resumed load in a new process).
      if (snapshotLossReported.compareAndSet(false, true)) {
        LOG.warn("{}: the snapshot {} exported when the load was planned is gone; chunks read from now on use "
            + "fresh snapshots, so together they may mix changes made while the load ran", stream.source(),
            snapshot.get());
      }
      statement.execute("ROLLBACK");
      statement.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    }
  }

  private String copyStatement(Table table, Anomalies anomalies, List<ValueDecoder> decoders, String what)
      throws SQLException {
    Map<String, Column> columns = PostgresCatalogQueries.columns(connection, List.of(table.oid()))
        .get(table.oid()).stream()
        .collect(Collectors.toMap(Column::name, Function.identity()));
    List<String> selectList = new ArrayList<>();
    for (io.sluice.spi.Column selected : stream.columns()) {
      Column column = columns.get(selected.name());
      if (column == null) {
        throw new SluiceException(ErrorKind.PERMANENT, what + ": column " + PostgresIdentifiers.quote(selected.name())
            + " does not exist any more; discover the stream again");
      }
      ColumnReading reading;
      try {
        reading = PostgresBinaryDecoders.forColumn(column.type(), selected.type(), anomalies);
      } catch (IllegalArgumentException e) {
        throw new SluiceException(ErrorKind.PERMANENT, what + ": column " + PostgresIdentifiers.quote(selected.name())
            + " cannot be read as " + selected.type() + ": " + e.getMessage() + "; discover the stream again", e);
      }
      selectList.add(PostgresIdentifiers.quote(selected.name()) + reading.cast());
      decoders.add(reading.decoder());
    }
    return "COPY (SELECT " + String.join(", ", selectList) + " FROM " + table.quotedName()
        + chunk.predicate().map(p -> " WHERE " + p).orElse("") + ") TO STDOUT (FORMAT binary)";
  }

  private void reportAnomalies(Anomalies anomalies, Table table) {
    if (anomalies.decimalNaN > 0) {
      LOG.warn("{} chunk {}: {} numeric NaN value(s) in decimal columns were read as NULL", table, split.id(),
          anomalies.decimalNaN);
    }
    if (anomalies.flattenedArrays > 0) {
      LOG.warn("{} chunk {}: {} multi-dimensional array value(s) were flattened into one-dimensional lists", table,
          split.id(), anomalies.flattenedArrays);
    }
  }

  /** Ends the copy (server side too) and the connection; safe to call more than once. */
  @Override
  public void close() {
    if (copy != null) {
      try {
        if (copy.isActive()) {
          // Asks the server to stop producing rows; closing the connection alone would let it run on until
          // it notices the socket is gone.
          copy.cancelCopy();
        }
      } catch (SQLException e) {
        LOG.debug("Cannot cancel the copy of {} chunk {}: {}", stream.source(), split.id(), e.getMessage());
      }
      copy = null;
    }
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("Cannot close the connection of {} chunk {}: {}", stream.source(), split.id(), e.getMessage());
      }
      connection = null;
    }
  }
}
