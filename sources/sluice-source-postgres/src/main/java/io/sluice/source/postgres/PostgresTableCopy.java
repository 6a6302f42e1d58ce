package io.sluice.source.postgres;

import io.sluice.source.postgres.PostgresBinaryDecoders.Anomalies;
import io.sluice.source.postgres.PostgresBinaryDecoders.ColumnReading;
import io.sluice.source.postgres.PostgresBinaryDecoders.ValueDecoder;
import io.sluice.source.postgres.PostgresCatalogQueries.Column;
import io.sluice.source.postgres.PostgresCatalogQueries.Table;
import io.sluice.spi.DataType;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.RowSink;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read of a table by {@code COPY (SELECT ...) TO STDOUT (FORMAT binary)} on a connection of its own, shared
 * by snapshot chunks and incremental pages so that both decode every value the same way. The caller begins a
 * transaction with {@link #execute}, calls {@link #lock} (which locks the table in {@code ACCESS SHARE} mode
 * before looking up its column types, so they cannot change before the copy runs), runs {@link #copySelected}
 * or {@link #copy}, and commits; {@link #close} cancels an unfinished copy on the server and closes the
 * connection. Not thread-safe: one per read.
 */
final class PostgresTableCopy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresTableCopy.class);

  private final Connection connection;
  private final StreamSpec stream;
  private final String what;
  private final Anomalies anomalies = new Anomalies();
  private Table table;
  private Map<String, Column> columns;
  private CopyOut copy;

  /**
   * Opens the connection.
   *
   * @param what the start of every message, e.g. "Cannot read chunk table of public.orders"
   */
  PostgresTableCopy(PostgresConnections connections, StreamSpec stream, String what) {
    this.connection = connections.open();
    this.stream = stream;
    this.what = what;
  }

  void execute(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  Statement createStatement() throws SQLException {
    return connection.createStatement();
  }

  /**
   * Finds the stream's table, locks it in {@code ACCESS SHARE} mode and reads its current columns. Call inside a
   * transaction.
   *
   * @throws SluiceException {@code PERMANENT} when the table does not exist
   */
  Table lock() throws SQLException {
    table = PostgresCatalogQueries.table(connection, stream.source().namespace(), stream.source().name())
        .orElseThrow(() -> new SluiceException(ErrorKind.PERMANENT, what + ": the table does not exist"));
    execute("LOCK TABLE " + table.quotedName() + " IN ACCESS SHARE MODE");
    columns = new LinkedHashMap<>();
    for (Column column : PostgresCatalogQueries.columns(connection, List.of(table.oid())).get(table.oid())) {
      columns.put(column.name(), column);
    }
    return table;
  }

  /** The table's current column of that name, as {@link #lock} found it. */
  Optional<Column> column(String name) {
    return Optional.ofNullable(columns.get(name));
  }

  /**
   * How to read {@code column} as {@code target}, counting lossy values in this read's anomalies.
   *
   * @throws SluiceException {@code PERMANENT} when the column's current type cannot be read so
   */
  ColumnReading reading(Column column, DataType target) {
    try {
      return PostgresBinaryDecoders.forColumn(column.type(), target, anomalies);
    } catch (IllegalArgumentException e) {
      throw new SluiceException(ErrorKind.PERMANENT, what + ": column " + PostgresIdentifiers.quote(column.name())
          + " cannot be read as " + target + ": " + e.getMessage() + "; discover the stream again", e);
    }
  }

  /**
   * Copies {@code SELECT <the stream's selected columns> FROM <table><tail>} into {@code sink}.
   *
   * @param tail what follows the table name, e.g. {@code " WHERE ..."}; empty for every row
   * @return the number of rows handed to the sink
   * @throws SluiceException {@code PERMANENT} when a selected column no longer exists or changed type
   */
  long copySelected(String tail, RowSink sink) throws SQLException, InterruptedException {
    List<String> selectList = new ArrayList<>();
    List<ValueDecoder> decoders = new ArrayList<>();
    for (io.sluice.spi.Column selected : stream.columns()) {
      Column column = column(selected.name()).orElseThrow(() -> new SluiceException(ErrorKind.PERMANENT, what
          + ": column " + PostgresIdentifiers.quote(selected.name()) + " does not exist any more; discover the "
          + "stream again"));
      ColumnReading reading = reading(column, selected.type());
      selectList.add(PostgresIdentifiers.quote(selected.name()) + reading.cast());
      decoders.add(reading.decoder());
    }
    return copy("SELECT " + String.join(", ", selectList) + " FROM " + table.quotedName() + tail,
        decoders.toArray(new ValueDecoder[0]), stream.columns().stream().map(c -> c.name()).toList(), sink);
  }

  /**
   * Copies the rows of {@code query} into {@code sink}, decoding field i with {@code decoders[i]}, and drains the
   * copy so that the connection is ready for the next statement.
   *
   * @param names the fields' names, for messages
   */
  long copy(String query, ValueDecoder[] decoders, List<String> names, RowSink sink)
      throws SQLException, InterruptedException {
    copy = connection.unwrap(PGConnection.class).getCopyAPI()
        .copyOut("COPY (" + query + ") TO STDOUT (FORMAT binary)");
    PostgresCopyTupleParser parser = new PostgresCopyTupleParser(copy::readFromCopy, decoders, names,
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
    return rows;
  }

  /** Logs the values read in a lossy way, once per read; {@code part} names it, e.g. "chunk table". */
  void reportAnomalies(String part) {
    if (anomalies.decimalNaN > 0) {
      LOG.warn("{} {}: {} numeric NaN value(s) in decimal columns were read as NULL", table, part,
          anomalies.decimalNaN);
    }
    if (anomalies.flattenedArrays > 0) {
      LOG.warn("{} {}: {} multi-dimensional array value(s) were flattened into one-dimensional lists", table,
          part, anomalies.flattenedArrays);
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
        LOG.debug("{}: cannot cancel the copy: {}", what, e.getMessage());
      }
      copy = null;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.debug("{}: cannot close the connection: {}", what, e.getMessage());
    }
  }
}
