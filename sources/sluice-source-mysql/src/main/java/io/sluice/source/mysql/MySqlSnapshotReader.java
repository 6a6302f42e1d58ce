package io.sluice.source.mysql;

import io.sluice.spi.RowSink;
import io.sluice.spi.SnapshotReader;
import io.sluice.spi.Split;
import io.sluice.spi.StreamSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Reads one key-range chunk with a plain streaming {@code SELECT} (no locks beyond InnoDB's consistent read) in a
 * {@code REPEATABLE READ, READ ONLY} transaction, so the chunk is one consistent view.
 */
final class MySqlSnapshotReader implements SnapshotReader {
  private static final int FETCH_ROWS = 4096;

  private final MySqlConnections connections;
  private final StreamSpec stream;
  private final MySqlChunk chunk;

  MySqlSnapshotReader(MySqlConnections connections, StreamSpec stream, Split split) {
    this.connections = connections;
    this.stream = stream;
    this.chunk = MySqlChunk.fromJson(split.descriptor());
  }

  @Override
  public long read(RowSink sink) throws InterruptedException {
    String what = "Cannot read " + stream.source() + " chunk " + chunk.id();
    try (Connection connection = connections.open()) {
      MySqlTable table = MySqlStreamColumns.table(connection, stream, connections.config().tinyint1AsBoolean(), what);
      List<MySqlColumn> columns = MySqlStreamColumns.selected(table, stream, what);
      try (var statement = connection.createStatement()) {
        statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        statement.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
      }
      long rows = 0;
      try (PreparedStatement statement = connection.prepareStatement("SELECT "
          + MySqlStreamColumns.selectList(columns) + " FROM " + table.quotedName() + chunk.where())) {
        chunk.bind(statement);
        statement.setFetchSize(FETCH_ROWS);
        try (ResultSet result = statement.executeQuery()) {
          rows = MySqlResultValues.readRows(result, columns, sink);
        } catch (InterruptedException e) {
          // Closing a streaming result reads it to its end; cancelling the query on the server first is quicker.
          cancel(statement);
          throw e;
        }
      }
      try (var statement = connection.createStatement()) {
        statement.execute("COMMIT");
      }
      return rows;
    } catch (SQLException e) {
      throw MySqlErrorClassifier.failure(what, e);
    }
  }

  private static void cancel(PreparedStatement statement) {
    try {
      statement.cancel();
    } catch (SQLException e) {
      // The result is drained on close instead; slower, still correct.
    }
  }

  @Override
  public void close() {}
}
