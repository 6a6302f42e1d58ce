package io.sluice.source.mysql;

import io.sluice.spi.DataType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads tables, columns and keys from {@code information_schema}, which lists only what the connected user has
 * privileges on. Values are bound as parameters, never spliced into SQL.
 */
final class MySqlCatalogQueries {
  private static final Pattern JSON_CHECK = Pattern.compile("json_valid\\(`((?:[^`]|``)+)`\\)",
      Pattern.CASE_INSENSITIVE);

  private MySqlCatalogQueries() {}

  /** Every base table of {@code databases} the user can see, with columns and keys, ordered by database and name. */
  static List<MySqlTable> tables(Connection connection, List<String> databases, boolean tinyint1AsBoolean)
      throws SQLException {
    return read(connection, databases, Optional.empty(), tinyint1AsBoolean);
  }

  /** One table, if it exists and the user can see it. */
  static Optional<MySqlTable> table(Connection connection, String database, String name, boolean tinyint1AsBoolean)
      throws SQLException {
    List<MySqlTable> tables = read(connection, List.of(database), Optional.of(name), tinyint1AsBoolean);
    return tables.isEmpty() ? Optional.empty() : Optional.of(tables.get(0));
  }

  private static List<MySqlTable> read(Connection connection, List<String> databases, Optional<String> only,
      boolean tinyint1AsBoolean) throws SQLException {
    String in = String.join(", ", databases.stream().map(database -> "?").toList());
    String tableFilter = only.isPresent() ? " AND TABLE_NAME = ?" : "";
    Map<String, long[]> estimates = new LinkedHashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT TABLE_SCHEMA, TABLE_NAME, COALESCE(TABLE_ROWS, -1) FROM information_schema.TABLES "
            + "WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA IN (" + in + ")" + tableFilter
            + " ORDER BY TABLE_SCHEMA, TABLE_NAME")) {
      bind(statement, databases, only);
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          estimates.put(key(result.getString(1), result.getString(2)), new long[] {result.getLong(3)});
        }
      }
    }
    Set<String> jsonColumns = jsonCheckedColumns(connection, databases);
    Map<String, List<MySqlColumn>> columns = new LinkedHashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, COALESCE(NUMERIC_PRECISION, 0), "
            + "COALESCE(NUMERIC_SCALE, 0), CHARACTER_SET_NAME, IS_NULLABLE FROM information_schema.COLUMNS "
            + "WHERE TABLE_SCHEMA IN (" + in + ")" + tableFilter + " ORDER BY TABLE_SCHEMA, TABLE_NAME, "
            + "ORDINAL_POSITION")) {
      bind(statement, databases, only);
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          String table = key(result.getString(1), result.getString(2));
          String name = result.getString(3);
          String dataType = result.getString(4).toLowerCase(java.util.Locale.ROOT);
          String columnType = result.getString(5);
          int precision = (int) Math.min(result.getLong(6), Integer.MAX_VALUE);
          int scale = result.getInt(7);
          boolean json = dataType.equals("json") || jsonColumns.contains(table + "\u0000" + name);
          DataType type = MySqlTypeMapping.dataType(dataType, columnType, precision, scale, json, tinyint1AsBoolean);
          columns.computeIfAbsent(table, t -> new ArrayList<>()).add(new MySqlColumn(name, dataType, columnType,
              precision, scale, result.getString(8), "YES".equals(result.getString(9)), json, type));
        }
      }
    }
    Map<String, List<String>> keys = new LinkedHashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
            + "WHERE CONSTRAINT_NAME = 'PRIMARY' AND TABLE_SCHEMA IN (" + in + ")" + tableFilter
            + " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION")) {
      bind(statement, databases, only);
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          keys.computeIfAbsent(key(result.getString(1), result.getString(2)), t -> new ArrayList<>())
              .add(result.getString(3));
        }
      }
    }
    List<MySqlTable> tables = new ArrayList<>();
    for (Map.Entry<String, long[]> entry : estimates.entrySet()) {
      String[] parts = entry.getKey().split("\u0000", 2);
      tables.add(new MySqlTable(parts[0], parts[1], entry.getValue()[0],
          columns.getOrDefault(entry.getKey(), List.of()), keys.getOrDefault(entry.getKey(), List.of())));
    }
    return tables;
  }

  /**
   * MariaDB's {@code JSON} is an alias of {@code longtext} with a {@code CHECK (json_valid(col))} constraint named
   * after the column; those columns hold JSON. MySQL's JSON is a type of its own, and its CHECK_CONSTRAINTS view has
   * no table name, so there this finds nothing.
   */
  private static Set<String> jsonCheckedColumns(Connection connection, List<String> databases) throws SQLException {
    Set<String> columns = new HashSet<>();
    String in = String.join(", ", databases.stream().map(database -> "?").toList());
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
            + "WHERE CONSTRAINT_SCHEMA IN (" + in + ")")) {
      bind(statement, databases, Optional.empty());
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          Matcher matcher = JSON_CHECK.matcher(String.valueOf(result.getString(3)).strip());
          if (matcher.matches()) {
            columns.add(key(result.getString(1), result.getString(2)) + "\u0000"
                + matcher.group(1).replace("``", "`"));
          }
        }
      }
    } catch (SQLException e) {
      // MySQL before 8.0.16 has no CHECK_CONSTRAINTS, and MySQL's has no TABLE_NAME: its JSON is a real type.
      if (e.getErrorCode() != 1109 && e.getErrorCode() != 1054) {
        throw e;
      }
    }
    return columns;
  }

  private static void bind(PreparedStatement statement, List<String> databases, Optional<String> only)
      throws SQLException {
    int index = 1;
    for (String database : databases) {
      statement.setString(index++, database);
    }
    if (only.isPresent()) {
      statement.setString(index, only.get());
    }
  }

  private static String key(String database, String table) {
    return database + "\u0000" + table;
  }
}
