package io.sluice.source.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where the server's binary log ends now: its file, offset and the GTID set complete at that point (MariaDB:
 * {@code BINLOG_GTID_POS(file, pos)}; MySQL with {@code gtid_mode = ON}: the executed set reported with the position;
 * otherwise null).
 */
record MySqlBinlogStatus(String file, long pos, String gtids) {

  /**
   * @throws SQLException when the user lacks the privilege to ask (REPLICATION CLIENT, or BINLOG MONITOR on MariaDB),
   *     or the binary log is off (no row)
   */
  static MySqlBinlogStatus read(Connection connection, MySqlServerInfo server) throws SQLException {
    String file;
    long pos;
    String executed = null;
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(server.newStatusStatement() ? "SHOW BINARY LOG STATUS"
            : "SHOW MASTER STATUS")) {
      if (!result.next()) {
        throw new SQLException("the binary log is off (SHOW MASTER STATUS returns nothing): start the server with "
            + "log_bin", "HY000", 1381);
      }
      file = result.getString("File");
      pos = result.getLong("Position");
      if (!server.mariaDb() && result.getMetaData().getColumnCount() >= 5) {
        executed = result.getString("Executed_Gtid_Set");
      }
    }
    if (server.mariaDb()) {
      try (PreparedStatement statement = connection.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
        statement.setString(1, file);
        statement.setLong(2, pos);
        try (ResultSet result = statement.executeQuery()) {
          result.next();
          return new MySqlBinlogStatus(file, pos, result.getString(1));
        }
      }
    }
    String gtids = "ON".equalsIgnoreCase(variable(connection, "gtid_mode")) && executed != null
        ? executed.replace("\n", "") : null;
    return new MySqlBinlogStatus(file, pos, gtids);
  }

  /** A global variable's value, or null when the server has no such variable. */
  static String variable(Connection connection, String name) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SHOW GLOBAL VARIABLES LIKE ?")) {
      statement.setString(1, name);
      try (ResultSet result = statement.executeQuery()) {
        return result.next() ? result.getString(2) : null;
      }
    }
  }

  MySqlBinlogPosition position(long serverId) {
    return new MySqlBinlogPosition(file, pos, gtids, 0, serverId);
  }
}
