package io.sluice.source.mysql;

import io.sluice.spi.StreamId;
import java.util.List;
import java.util.Optional;

/**
 * A table as {@code information_schema} describes it now.
 *
 * @param database its database (a stream's namespace)
 * @param name its name
 * @param estimatedRows the storage engine's row estimate ({@code TABLES.TABLE_ROWS}); rough for InnoDB
 * @param columns its columns in ordinal order
 * @param primaryKey its primary key columns in key order; empty without one
 */
record MySqlTable(String database, String name, long estimatedRows, List<MySqlColumn> columns,
    List<String> primaryKey) {
  MySqlTable {
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
  }

  StreamId id() {
    return StreamId.of(database, name);
  }

  String quotedName() {
    return MySqlIdentifiers.quote(database, name);
  }

  Optional<MySqlColumn> column(String columnName) {
    return columns.stream().filter(column -> column.name().equals(columnName)).findFirst();
  }
}
