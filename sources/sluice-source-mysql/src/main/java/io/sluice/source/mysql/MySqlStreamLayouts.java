package io.sluice.source.mysql;

import io.sluice.spi.Column;
import io.sluice.spi.LogEvent;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The columns of each cdc stream as the change log delivers them, and the tables' shapes
 * ({@code information_schema}) that decode their values. Read when the log is opened and again after every DDL
 * statement in the log ("the schema read at start and tracked across DDL").
 *
 * <p>A stream starts with its configured columns. Whenever the table's shape differs from them (a column added, a
 * type changed), the stream's columns become: its columns in place, retyped to the table's types, then the table's
 * other columns; a dropped column stays (NULL from then on). Like the PostgreSQL source, this brings back columns
 * deselected in the streams file once the log shows the table. Not thread-safe: used by the binlog reader thread.
 */
final class MySqlStreamLayouts {
  /** Reads the current shape of tables; those it does not return are gone (or invisible). */
  @FunctionalInterface
  interface ShapeReader {
    Map<StreamId, MySqlTable> read(List<StreamId> tables) throws SQLException;
  }

  private final ShapeReader reader;
  private final Map<String, StreamId> byTable = new HashMap<>();
  private final Map<StreamId, List<Column>> columns = new HashMap<>();
  private final Map<StreamId, MySqlTable> shapes = new HashMap<>();

  MySqlStreamLayouts(ShapeReader reader, List<StreamSpec> streams) {
    this.reader = reader;
    for (StreamSpec stream : streams) {
      byTable.put(key(stream.source().namespace(), stream.source().name()), stream.source());
      columns.put(stream.source(), stream.columns());
    }
  }

  /** The stream reading {@code database.table}, if any. */
  Optional<StreamId> stream(String database, String table) {
    return Optional.ofNullable(byTable.get(key(database, table)));
  }

  List<Column> columns(StreamId stream) {
    return columns.get(stream);
  }

  /** The table's column named {@code name} as it is now, if it still exists. */
  Optional<MySqlColumn> shapeColumn(StreamId stream, String name) {
    MySqlTable shape = shapes.get(stream);
    return shape == null ? Optional.empty() : shape.column(name);
  }

  /** The table's column names in ordinal order (for binlogs without column names in their table maps). */
  List<String> shapeNames(StreamId stream) {
    MySqlTable shape = shapes.get(stream);
    return shape == null ? List.of() : shape.columns().stream().map(MySqlColumn::name).toList();
  }

  /**
   * Reads every stream's table again and returns a schema change for each stream whose columns change.
   *
   * @throws SQLException when the catalog cannot be read
   */
  List<LogEvent.SchemaChange> refresh() throws SQLException {
    List<LogEvent.SchemaChange> changes = new ArrayList<>();
    Map<StreamId, MySqlTable> tables = reader.read(List.copyOf(columns.keySet()));
    for (StreamId stream : columns.keySet()) {
      MySqlTable table = tables.get(stream);
      if (table == null) {
        continue;
      }
      shapes.put(stream, table);
      List<Column> next = follow(columns.get(stream), table);
      if (!next.equals(columns.get(stream))) {
        columns.put(stream, next);
        changes.add(new LogEvent.SchemaChange(stream, next));
      }
    }
    return changes;
  }

  /** Shapes from {@code information_schema}, over one connection. */
  static ShapeReader catalog(MySqlConnections connections) {
    return tables -> {
      Map<StreamId, MySqlTable> shapes = new HashMap<>();
      try (Connection connection = connections.open()) {
        for (StreamId table : tables) {
          MySqlCatalogQueries.table(connection, table.namespace(), table.name(),
              connections.config().tinyint1AsBoolean()).ifPresent(shape -> shapes.put(table, shape));
        }
      }
      return shapes;
    };
  }

  private static List<Column> follow(List<Column> current, MySqlTable table) {
    List<Column> next = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Column column : current) {
      names.add(column.name());
      next.add(table.column(column.name())
          .map(now -> new Column(now.name(), now.type(), now.nullable(), now.sourceType()))
          .orElse(column));
    }
    for (MySqlColumn column : table.columns()) {
      if (!names.contains(column.name())) {
        next.add(new Column(column.name(), column.type(), column.nullable(), column.sourceType()));
      }
    }
    return next;
  }

  private static String key(String database, String table) {
    return database + "\u0000" + table;
  }
}
