package io.sluice.source.mysql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What kind of server this is, which decides the binlog status statement and the GTID flavour.
 *
 * @param version {@code VERSION()}, e.g. {@code 11.4.5-MariaDB-log} or {@code 8.4.3}
 * @param mariaDb whether it is MariaDB
 */
record MySqlServerInfo(String version, boolean mariaDb) {

  static MySqlServerInfo read(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT VERSION()")) {
      result.next();
      String version = result.getString(1);
      return new MySqlServerInfo(version, version.toLowerCase(java.util.Locale.ROOT).contains("mariadb"));
    }
  }

  /** MySQL 8.4 renamed SHOW MASTER STATUS; MariaDB and MySQL 8.0 still know the old name. */
  boolean newStatusStatement() {
    if (mariaDb) {
      return false;
    }
    String[] parts = version.split("[.-]");
    try {
      int major = Integer.parseInt(parts[0]);
      int minor = Integer.parseInt(parts[1]);
      return major > 8 || (major == 8 && minor >= 4);
    } catch (RuntimeException e) {
      return false;
    }
  }

  String describe() {
    return (mariaDb ? "MariaDB " : "MySQL ") + version;
  }
}
