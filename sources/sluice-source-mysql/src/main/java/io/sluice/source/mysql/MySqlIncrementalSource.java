package io.sluice.source.mysql;

import io.sluice.spi.Backlog;
import io.sluice.spi.CursorPosition;
import io.sluice.spi.IncrementalSource;
import io.sluice.spi.RowSink;
import io.sluice.spi.StreamSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Cursor reads of MySQL tables with the queries of {@link MySqlCursorQueries}; rows carry the same values as a
 * snapshot read ({@link MySqlResultValues}). Each call opens a connection of its own. Thread-safe.
 */
final class MySqlIncrementalSource implements IncrementalSource {
  private final MySqlConnections connections;

  MySqlIncrementalSource(MySqlConnections connections) {
    this.connections = connections;
  }

  @Override
  public long readPage(StreamSpec stream, Optional<CursorPosition> after, int pageSize, RowSink sink)
      throws InterruptedException {
    if (pageSize < 1) {
      throw new IllegalArgumentException("Cannot read a page of " + pageSize + " rows: expected at least 1");
    }
    String what = "Cannot read a page of " + stream.source() + " by cursor";
    try (Connection connection = connections.open()) {
      MySqlTable table = MySqlStreamColumns.table(connection, stream, connections.config().tinyint1AsBoolean(), what);
      List<MySqlColumn> columns = MySqlStreamColumns.selected(table, stream, what);
      MySqlCursorQueries queries = MySqlCursorQueries.forStream(stream, table, what);
      long rows = 0;
      try (PreparedStatement statement = connection.prepareStatement(
          queries.page(MySqlStreamColumns.selectList(columns), after, pageSize))) {
        queries.bind(statement, after, 1);
        statement.setFetchSize(4096);
        try (ResultSet result = statement.executeQuery()) {
          rows = MySqlResultValues.readRows(result, columns, sink);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw MySqlErrorClassifier.failure(what, e);
    }
  }

  @Override
  public Backlog backlog(StreamSpec stream, Optional<CursorPosition> after, long countCap) {
    if (countCap < 0) {
      throw new IllegalArgumentException("Cannot count up to " + countCap + " rows: expected a cap of at least 0");
    }
    String what = "Cannot measure the backlog of " + stream.source();
    try (Connection connection = connections.open()) {
      MySqlTable table = MySqlStreamColumns.table(connection, stream, connections.config().tinyint1AsBoolean(), what);
      MySqlCursorQueries queries = MySqlCursorQueries.forStream(stream, table, what);
      try (PreparedStatement statement = connection.prepareStatement(queries.backlog(after, countCap))) {
        queries.bind(statement, after, 1);
        try (ResultSet result = statement.executeQuery()) {
          result.next();
          Object max = MySqlResultValues.read(result, 1, queries.cursor());
          long behind = result.getLong(2);
          long nulls = result.getLong(3);
          return new Backlog(Optional.ofNullable(max), Math.min(behind, countCap), behind > countCap,
              Math.min(nulls, countCap));
        }
      }
    } catch (SQLException e) {
      throw MySqlErrorClassifier.failure(what, e);
    }
  }
}
