package io.sluice.source.mysql;

import io.sluice.spi.CursorPosition;
import io.sluice.spi.DataType.Kind;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamSpec;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The SQL of the cursor reads of one MySQL table, paging by the pair (cursor, key) so that many rows sharing a
 * cursor value neither wedge the sync nor get skipped. With cursor {@code c} and key {@code (k1, k2)}:
 *
 * <pre>
 * page     WHERE c IS NOT NULL [AND c &gt; '0000-00-00']
 *            AND c &gt;= :c AND (c &gt; :c OR (c = :c AND (k1 &gt; :k1 OR (k1 = :k1 AND k2 &gt; :k2))))
 *          ORDER BY c, k1, k2 LIMIT :n
 * </pre>
 *
 * The row comparison is spelt out, with a leading {@code c >= :c}, because MySQL and MariaDB turn that into an index
 * range on {@code c} where they would scan for {@code (c, k1, k2) > (...)}. Zero dates (read as NULL) are not
 * readable cursors. Position values are bound parameters; temporal ones as text, in UTC for {@code timestamp}
 * (sessions run in UTC).
 */
final class MySqlCursorQueries {
  static final Set<Kind> CURSOR_KINDS = EnumSet.of(Kind.INT, Kind.LONG, Kind.DECIMAL, Kind.STRING, Kind.DATE,
      Kind.TIMESTAMP, Kind.TIMESTAMP_TZ);
  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private final String what;
  private final MySqlTable table;
  private final MySqlColumn cursor;
  private final String cursorSql;
  private final List<MySqlColumn> key;

  private MySqlCursorQueries(String what, MySqlTable table, MySqlColumn cursor, MySqlColumn secondary,
      List<MySqlColumn> key) {
    this.what = what;
    this.table = table;
    this.cursor = cursor;
    this.cursorSql = secondary == null ? MySqlIdentifiers.quote(cursor.name())
        : "COALESCE(" + MySqlIdentifiers.quote(cursor.name()) + ", " + MySqlIdentifiers.quote(secondary.name()) + ")";
    this.key = List.copyOf(key);
  }

  /**
   * @throws SluiceException {@code CONFIG} when the stream has no cursor or key, or one of them is missing or of a
   *     type cursor reads cannot use
   */
  static MySqlCursorQueries forStream(StreamSpec stream, MySqlTable table, String what) {
    String cursorName = stream.cursorField().orElseThrow(() -> new SluiceException(ErrorKind.CONFIG, what
        + ": the stream has no cursor field; set cursor_field in the streams file"));
    if (stream.primaryKey().isEmpty()) {
      throw new SluiceException(ErrorKind.CONFIG, what + ": the stream has no primary key, and cursor reads page by "
          + "(cursor, key); set primary_key in the streams file");
    }
    MySqlColumn cursor = usable(table, cursorName, "cursor", what);
    List<MySqlColumn> key = new ArrayList<>();
    for (String name : stream.primaryKey()) {
      key.add(usable(table, name, "key", what));
    }
    MySqlColumn secondary = null;
    if (stream.secondaryCursorField().isPresent()) {
      secondary = usable(table, stream.secondaryCursorField().get(), "secondary cursor", what);
      if (!secondary.type().equals(cursor.type())) {
        throw new SluiceException(ErrorKind.CONFIG, what + ": secondary cursor column "
            + MySqlIdentifiers.quote(secondary.name()) + " is " + secondary.sourceType() + " but the cursor "
            + MySqlIdentifiers.quote(cursor.name()) + " is " + cursor.sourceType() + "; expected the same type");
      }
    }
    return new MySqlCursorQueries(what, table, cursor, secondary, key);
  }

  private static MySqlColumn usable(MySqlTable table, String name, String role, String what) {
    MySqlColumn column = table.column(name).orElseThrow(() -> new SluiceException(ErrorKind.CONFIG, what + ": "
        + role + " column " + MySqlIdentifiers.quote(name) + " does not exist any more; run discover again and fix "
        + "the streams file"));
    boolean temporalOrNumeric = !column.dataType().equals("time") && !column.dataType().equals("bit")
        && !column.dataType().equals("year");
    if (!CURSOR_KINDS.contains(column.type().kind()) || !temporalOrNumeric || column.json()) {
      throw new SluiceException(ErrorKind.CONFIG, what + ": " + role + " column " + MySqlIdentifiers.quote(name)
          + " is " + column.sourceType() + ", expected an integer, decimal, char/varchar/text, date, datetime or "
          + "timestamp column");
    }
    return column;
  }

  MySqlColumn cursor() {
    return cursor;
  }

  /** A page query after {@code after}; {@link #bind} fills its parameters. */
  String page(String selectList, Optional<CursorPosition> after, int pageSize) {
    return "SELECT " + selectList + " FROM " + table.quotedName() + " WHERE " + pagePredicate(after) + orderBy()
        + " LIMIT " + pageSize;
  }

  /** Max readable cursor, the rows after {@code after} and the NULL-cursor rows, both counted to the cap + 1. */
  String backlog(Optional<CursorPosition> after, long countCap) {
    long limit = countCap == Long.MAX_VALUE ? countCap : countCap + 1;
    return "SELECT (SELECT MAX(" + cursorSql + ") FROM " + table.quotedName() + " WHERE " + readable() + "), "
        + "(SELECT COUNT(*) FROM (SELECT 1 FROM " + table.quotedName() + " WHERE " + pagePredicate(after)
        + orderBy() + " LIMIT " + limit + ") behind), "
        + "(SELECT COUNT(*) FROM (SELECT 1 FROM " + table.quotedName() + " WHERE " + cursorSql + " IS NULL LIMIT "
        + limit + ") nulls)";
  }

  private String orderBy() {
    List<String> columns = new ArrayList<>();
    columns.add(cursorSql);
    key.forEach(column -> columns.add(MySqlIdentifiers.quote(column.name())));
    return " ORDER BY " + String.join(", ", columns);
  }

  private String readable() {
    String notNull = cursorSql + " IS NOT NULL";
    return switch (cursor.dataType()) {
      case "date" -> notNull + " AND " + cursorSql + " > '0000-00-00'";
      case "datetime", "timestamp" -> notNull + " AND " + cursorSql + " > '0000-00-00 00:00:00'";
      default -> notNull;
    };
  }

  private String pagePredicate(Optional<CursorPosition> after) {
    if (after.isEmpty()) {
      return readable();
    }
    CursorPosition position = after.get();
    if (position.cursorOnly()) {
      return readable() + " AND " + cursorSql + " >= ?";
    }
    if (position.key().size() != key.size()) {
      throw new SluiceException(ErrorKind.CONFIG, what + ": the saved position has " + position.key().size()
          + " key value(s) but the key " + key.stream().map(MySqlColumn::name).toList() + " has " + key.size()
          + " column(s); fix or delete the stream's position in the state file");
    }
    String tail = "";
    for (int i = key.size() - 1; i >= 0; i--) {
      String quoted = MySqlIdentifiers.quote(key.get(i).name());
      tail = tail.isEmpty() ? quoted + " > ?" : quoted + " > ? OR (" + quoted + " = ? AND (" + tail + "))";
    }
    return readable() + " AND " + cursorSql + " >= ? AND (" + cursorSql + " > ? OR (" + cursorSql + " = ? AND ("
        + tail + ")))";
  }

  /** Binds the parameters of {@link #page} or {@link #backlog} for {@code after}, from index 1. */
  void bind(PreparedStatement statement, Optional<CursorPosition> after, int times) throws SQLException {
    if (after.isEmpty()) {
      return;
    }
    CursorPosition position = after.get();
    List<Object> values = new ArrayList<>();
    values.add(position.cursor());
    if (!position.cursorOnly()) {
      values.add(position.cursor());
      values.add(position.cursor());
      // k1 > ? OR (k1 = ? AND (k2 > ?)): every key value but the last twice.
      for (int i = 0; i < position.key().size(); i++) {
        values.add(position.key().get(i));
        if (i < position.key().size() - 1) {
          values.add(position.key().get(i));
        }
      }
    }
    int index = 1;
    for (int time = 0; time < times; time++) {
      for (Object value : values) {
        bindValue(statement, index++, value);
      }
    }
  }

  private void bindValue(PreparedStatement statement, int index, Object value) throws SQLException {
    if (value instanceof Integer || value instanceof Long) {
      statement.setLong(index, ((Number) value).longValue());
    } else if (value instanceof BigDecimal decimal) {
      statement.setBigDecimal(index, decimal);
    } else if (value instanceof LocalDateTime dateTime) {
      statement.setString(index, DATE_TIME.format(dateTime));
    } else if (value instanceof OffsetDateTime instant) {
      statement.setString(index, DATE_TIME.format(instant.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()));
    } else if (value instanceof LocalDate date) {
      statement.setString(index, date.toString());
    } else if (value instanceof String text) {
      statement.setString(index, text);
    } else {
      throw new SluiceException(ErrorKind.CONFIG, what + ": the saved position holds " + value + " ("
          + (value == null ? "null" : value.getClass().getSimpleName()) + "), which no cursor or key column of "
          + "this table can hold; fix or delete the stream's position in the state file");
    }
  }
}
