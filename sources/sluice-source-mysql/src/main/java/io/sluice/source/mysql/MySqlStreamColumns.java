package io.sluice.source.mysql;

import io.sluice.spi.Column;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream's selected columns matched against the table as it is now: reads fail with a clear message, rather than
 * misread values, when the table is gone or a column was dropped or retyped since the streams file was written.
 */
final class MySqlStreamColumns {
  private MySqlStreamColumns() {}

  static MySqlTable table(Connection connection, StreamSpec stream, boolean tinyint1AsBoolean, String what)
      throws SQLException {
    return MySqlCatalogQueries.table(connection, stream.source().namespace(), stream.source().name(),
        tinyint1AsBoolean).orElseThrow(() -> new SluiceException(ErrorKind.PERMANENT, what + ": the table does not "
            + "exist (or the user may not see it); run discover again and fix the streams file"));
  }

  /** The table's columns in the stream's order. */
  static List<MySqlColumn> selected(MySqlTable table, StreamSpec stream, String what) {
    List<MySqlColumn> columns = new ArrayList<>();
    for (Column wanted : stream.columns()) {
      MySqlColumn column = table.column(wanted.name()).orElseThrow(() -> new SluiceException(ErrorKind.CONFIG,
          what + ": column " + MySqlIdentifiers.quote(wanted.name()) + " does not exist any more; run discover "
              + "again and fix the streams file"));
      if (!column.type().equals(wanted.type())) {
        throw new SluiceException(ErrorKind.CONFIG, what + ": column " + MySqlIdentifiers.quote(wanted.name())
            + " is now " + column.sourceType() + " (" + column.type() + ") but the stream reads it as "
            + wanted.type() + "; run discover again and fix the streams file");
      }
      columns.add(column);
    }
    return columns;
  }

  /** {@code `a`, `b`} for a SELECT list. */
  static String selectList(List<MySqlColumn> columns) {
    return String.join(", ", columns.stream().map(column -> MySqlIdentifiers.quote(column.name())).toList());
  }
}
