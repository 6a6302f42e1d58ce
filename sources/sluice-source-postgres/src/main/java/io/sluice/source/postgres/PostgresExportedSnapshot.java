package io.sluice.source.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * A snapshot exported with {@code pg_export_snapshot()}: one open transaction whose view of the database the
 * chunk readers adopt ({@code SET TRANSACTION SNAPSHOT}), so chunks read in parallel, at different times, still
 * add up to one consistent state of the table. The snapshot lives exactly as long as this object's connection;
 * while it lives, VACUUM cannot remove rows it might see, which is the price of consistency.
 */
final class PostgresExportedSnapshot implements AutoCloseable {
  /** What {@code pg_export_snapshot()} returns, e.g. {@code 00000004-0000002A-1}; checked before it goes into SQL. */
  private static final Pattern SNAPSHOT_ID = Pattern.compile("[0-9A-F]+-[0-9A-F]+(-[0-9]+)?");

  private static final int ALIVE_TIMEOUT_SECONDS = 10;

  private final Connection connection;
  private final String id;

  private PostgresExportedSnapshot(Connection connection, String id) {
    this.connection = connection;
    this.id = id;
  }

  /** Exports a snapshot on a connection of its own, which it keeps open until {@link #close()}. */
  static PostgresExportedSnapshot export(PostgresConnections connections) throws SQLException {
    Connection connection = connections.open();
    try (Statement statement = connection.createStatement()) {
      statement.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      // The transaction idles for the whole load on purpose; a server-wide idle timeout must not end it.
      statement.execute("SET LOCAL idle_in_transaction_session_timeout = 0");
      try (ResultSet result = statement.executeQuery("SELECT pg_catalog.pg_export_snapshot()")) {
        result.next();
        return new PostgresExportedSnapshot(connection, result.getString(1));
      }
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  String id() {
    return id;
  }

  /** Whether the connection holding the snapshot still answers (a dropped connection takes the snapshot with it). */
  boolean alive() {
    try {
      return connection.isValid(ALIVE_TIMEOUT_SECONDS);
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Makes the current transaction of {@code statement}'s connection (begun with {@code REPEATABLE READ}, nothing
   * run in it yet) see the snapshot {@code id}.
   *
   * @throws SQLException when the snapshot no longer exists (its exporting transaction ended) or the id is invalid
   */
  static void adopt(Statement statement, String id) throws SQLException {
    if (!SNAPSHOT_ID.matcher(id).matches()) {
      throw new SQLException("invalid snapshot identifier \"" + id + "\"", "22023");
    }
    statement.execute("SET TRANSACTION SNAPSHOT '" + id + "'");
  }

  /**
   * Whether {@code e}, thrown by {@link #adopt}, says the snapshot cannot be adopted (it no longer exists, its id is
   * malformed, or it belongs to another database), as opposed to the connection failing.
   */
  static boolean isGone(SQLException e) {
    String state = e.getSQLState();
    return "42704".equals(state) || "22023".equals(state) || "0A000".equals(state);
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // Closing ends the transaction server-side either way.
    }
  }
}
