package io.sluice.source.postgres;

import io.sluice.source.postgres.PostgresCatalogQueries.Column;
import io.sluice.source.postgres.PostgresCatalogQueries.Table;
import io.sluice.source.postgres.PostgresColumnType.Kind;
import io.sluice.spi.CursorPosition;
import io.sluice.spi.DataType;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The SQL of the cursor reads of one table, which page by the pair (cursor, key) so that many rows sharing a
 * cursor value neither wedge the sync nor get skipped. With cursor {@code c} and key {@code (k1, k2)}:
 *
 * <pre>
 * page     WHERE c IS NOT NULL [AND c &gt; '-infinity' AND c &lt; 'infinity' | AND c &lt; 'NaN']
 *            AND (c, k1, k2) &gt; (:c, :k1, :k2)          after a position
 *            AND c &gt;= :c                               after a cursor-only position (inclusive)
 *          ORDER BY c, k1, k2 LIMIT :n                   (no bound from the start)
 * backlog  SELECT (SELECT max(c) FROM t WHERE &lt;readable&gt;),
 *                 (SELECT count(*) FROM (SELECT 1 FROM t WHERE &lt;page predicate&gt; LIMIT :cap + 1) behind),
 *                 (SELECT count(*) FROM (SELECT 1 FROM t WHERE c IS NULL LIMIT :cap + 1) nulls)
 * </pre>
 *
 * <p>The row-value comparison, unlike its expansion into ORs, is one btree index condition: with an index on
 * {@code (c, k1, k2)} each page is an index range scan that stops after {@code :n} rows. Position values are
 * {@link PostgresLiterals} cast to the column's own type, for the same reason. Rows whose cursor is NULL are never
 * read; neither are rows whose cursor is {@code ±infinity} (timestamps and dates are clamped when read, so such a
 * position could not be resumed from without re-reading or skipping rows) nor {@code NaN} in a {@code numeric(p,s)}
 * cursor (read as NULL).
 *
 * <p>Cursor columns may be {@code timestamp}, {@code timestamptz}, {@code date}, {@code smallint}, {@code integer},
 * {@code bigint}, {@code numeric} or text ({@code text}, {@code varchar}, {@code char(n)}, {@code name},
 * {@code citext}), or domains over them; key columns these or {@code uuid}. Both must be read as the type the
 * mapping gives them (not as a string through {@code ::text}), so that the positions the engine keeps compare as
 * the server compares.
 */
final class PostgresCursorQueries {
  private static final Set<Kind> CURSOR_KINDS =
      EnumSet.of(Kind.TIMESTAMP, Kind.TIMESTAMPTZ, Kind.DATE, Kind.INT2, Kind.INT4, Kind.INT8, Kind.NUMERIC, Kind.TEXT);
  private static final Set<Kind> KEY_KINDS =
      EnumSet.of(Kind.TIMESTAMP, Kind.TIMESTAMPTZ, Kind.DATE, Kind.INT2, Kind.INT4, Kind.INT8, Kind.NUMERIC, Kind.TEXT,
          Kind.UUID);
  private static final String CURSOR_TYPES = "timestamp, timestamptz, date, smallint, integer, bigint, numeric, "
      + "text, varchar or char";
  private static final String KEY_TYPES = "timestamp, timestamptz, date, smallint, integer, bigint, numeric, text, "
      + "varchar, char or uuid";

  private final String what;
  private final String table;
  private final Column cursor;
  /** The cursor as SQL: the quoted column, or {@code COALESCE(cursor, secondary)} with a secondary cursor. */
  private final String cursorSql;
  private final List<Column> key;

  private PostgresCursorQueries(String what, Table table, Column cursor, Column secondary, List<Column> key) {
    this.cursorSql = secondary == null ? PostgresIdentifiers.quote(cursor.name())
        : "COALESCE(" + PostgresIdentifiers.quote(cursor.name()) + ", " + PostgresIdentifiers.quote(secondary.name())
            + ")";
    this.what = what;
    this.table = table.quotedName();
    this.cursor = cursor;
    this.key = List.copyOf(key);
  }

  /**
   * The queries of {@code stream}'s cursor reads of {@code table}, whose current columns {@code columns} looks up.
   *
   * @param what the start of every message, e.g. "Cannot read a page of public.orders by cursor"
   * @throws SluiceException {@code CONFIG} when the stream has no cursor or key, or a cursor or key column no longer
   *     exists, has a type cursor reads cannot use, or changed type since discovery
   */
  static PostgresCursorQueries forStream(StreamSpec stream, Table table, Function<String, Optional<Column>> columns,
      String what) {
    String cursorName = stream.cursorField().orElseThrow(() -> new SluiceException(ErrorKind.CONFIG, what
        + ": the stream has no cursor field; set cursor_field in the streams file"));
    if (stream.primaryKey().isEmpty()) {
      throw new SluiceException(ErrorKind.CONFIG, what + ": the stream has no primary key, and cursor reads page by "
          + "(cursor, key); set primary_key in the streams file");
    }
    Column cursor = usable(stream, columns, cursorName, "cursor", CURSOR_KINDS, CURSOR_TYPES, what);
    List<Column> key = new ArrayList<>();
    for (String name : stream.primaryKey()) {
      key.add(usable(stream, columns, name, "key", KEY_KINDS, KEY_TYPES, what));
    }
    Column secondary = null;
    if (stream.secondaryCursorField().isPresent()) {
      secondary = usable(stream, columns, stream.secondaryCursorField().get(), "secondary cursor", CURSOR_KINDS,
          CURSOR_TYPES, what);
      if (!secondary.sourceType().equals(cursor.sourceType())) {
        throw new SluiceException(ErrorKind.CONFIG, what + ": secondary cursor column "
            + PostgresIdentifiers.quote(secondary.name()) + " is " + secondary.sourceType() + " but the cursor "
            + PostgresIdentifiers.quote(cursor.name()) + " is " + cursor.sourceType() + "; expected the same type");
      }
    }
    return new PostgresCursorQueries(what, table, cursor, secondary, key);
  }

  private static Column usable(StreamSpec stream, Function<String, Optional<Column>> columns, String name,
      String role, Set<Kind> kinds, String kindNames, String what) {
    String quoted = PostgresIdentifiers.quote(name);
    Column column = columns.apply(name).orElseThrow(() -> new SluiceException(ErrorKind.CONFIG, what + ": " + role
        + " column " + quoted + " does not exist any more; discover the stream again and fix the streams file"));
    if (!kinds.contains(column.type().kind())) {
      throw new SluiceException(ErrorKind.CONFIG, what + ": " + role + " column " + quoted + " is "
          + column.sourceType() + ", expected " + kindNames);
    }
    DataType mapped = PostgresTypeMapping.dataType(column.type());
    int selected = stream.columnIndex(name);
    if (selected >= 0 && !stream.columns().get(selected).type().equals(mapped)) {
      throw new SluiceException(ErrorKind.CONFIG, what + ": " + role + " column " + quoted + " is "
          + column.sourceType() + " (" + mapped + ") but the stream reads it as " + stream.columns().get(selected).type()
          + "; discover the stream again");
    }
    return column;
  }

  /** The cursor column as it is now. */
  Column cursor() {
    return cursor;
  }

  /**
   * What follows {@code FROM <table>} in the query of a page: {@code WHERE ... ORDER BY ... LIMIT pageSize}.
   *
   * @throws SluiceException {@code CONFIG} when a value of {@code after} cannot be rendered exactly
   */
  String page(Optional<CursorPosition> after, int pageSize) {
    return " WHERE " + pagePredicate(after) + orderBy() + " LIMIT " + pageSize;
  }

  /**
   * {@code ORDER BY cursor, k1, k2}: pages need it for their order; the capped backlog count uses it too, so that
   * the planner walks the (cursor, key) index from the position and stops at the cap, instead of a sequential
   * scan that may read the whole table before finding the recent rows at its end.
   */
  private String orderBy() {
    List<String> orderBy = new ArrayList<>();
    orderBy.add(cursorSql);
    for (Column column : key) {
      orderBy.add(PostgresIdentifiers.quote(column.name()));
    }
    return " ORDER BY " + String.join(", ", orderBy);
  }

  /**
   * The query of a backlog: one row of the largest readable cursor (NULL when there is none), the rows after
   * {@code after} and the rows whose cursor is NULL, both counted up to {@code countCap + 1}.
   *
   * @param cursorCast appended to {@code max(c)} so that it decodes like the cursor column
   */
  String backlog(Optional<CursorPosition> after, long countCap, String cursorCast) {
    // One more than the cap tells "exactly the cap" from "more than the cap".
    long limit = countCap == Long.MAX_VALUE ? countCap : countCap + 1;
    String quoted = cursorSql;
    return "SELECT (SELECT max(" + quoted + ")" + cursorCast + " FROM " + table + " WHERE " + readable() + "), "
        + "(SELECT count(*) FROM (SELECT 1 FROM " + table + " WHERE " + pagePredicate(after) + orderBy()
        + " LIMIT " + limit + ") behind), "
        + "(SELECT count(*) FROM (SELECT 1 FROM " + table + " WHERE " + quoted + " IS NULL LIMIT " + limit
        + ") nulls)";
  }

  private String pagePredicate(Optional<CursorPosition> after) {
    if (after.isEmpty()) {
      return readable();
    }
    CursorPosition position = after.get();
    String quoted = cursorSql;
    String cursorLiteral = literal(position.cursor(), cursor, position, "cursor");
    if (position.cursorOnly()) {
      return readable() + " AND " + quoted + " >= " + cursorLiteral;
    }
    if (position.key().size() != key.size()) {
      throw new SluiceException(ErrorKind.CONFIG, what + " after position " + describe(position) + ": it has "
          + position.key().size() + " key value(s) but the key " + key.stream().map(Column::name).toList() + " has "
          + key.size() + " column(s); fix or delete the stream's position in the state file");
    }
    List<String> columns = new ArrayList<>();
    List<String> values = new ArrayList<>();
    columns.add(quoted);
    values.add(cursorLiteral);
    for (int i = 0; i < key.size(); i++) {
      columns.add(PostgresIdentifiers.quote(key.get(i).name()));
      values.add(literal(position.key().get(i), key.get(i), position, "key"));
    }
    return readable() + " AND (" + String.join(", ", columns) + ") > (" + String.join(", ", values) + ")";
  }

  /** The rows cursor reads can see: a cursor that is not NULL and that reads back as itself. */
  private String readable() {
    String quoted = cursorSql;
    String notNull = quoted + " IS NOT NULL";
    // Range conditions rather than isfinite(): they are part of the index condition, and their selectivity
    // estimate (all rows) does not tempt the planner away from the index.
    return switch (cursor.type().kind()) {
      case TIMESTAMP -> notNull + finite(quoted, "timestamp");
      case TIMESTAMPTZ -> notNull + finite(quoted, "timestamptz");
      case DATE -> notNull + finite(quoted, "date");
      case NUMERIC -> PostgresTypeMapping.dataType(cursor.type()).kind() == DataType.Kind.DECIMAL
          ? notNull + " AND " + quoted + " < 'NaN'::numeric" : notNull;
      default -> notNull;
    };
  }

  private static String finite(String quoted, String type) {
    return " AND " + quoted + " > '-infinity'::" + type + " AND " + quoted + " < 'infinity'::" + type;
  }

  private String literal(Object value, Column column, CursorPosition position, String role) {
    try {
      return PostgresLiterals.typed(value, column.type(), column.sourceType());
    } catch (IllegalArgumentException e) {
      throw new SluiceException(ErrorKind.CONFIG, what + " after position " + describe(position) + ": the " + role
          + " value " + describe(value) + " of column " + PostgresIdentifiers.quote(column.name()) + " cannot be "
          + "used: " + e.getMessage() + "; fix or delete the stream's position in the state file", e);
    }
  }

  private static String describe(CursorPosition position) {
    List<String> key = position.key().stream().map(PostgresCursorQueries::describe).toList();
    return "(" + describe(position.cursor()) + (key.isEmpty() ? "" : ", " + String.join(", ", key)) + ")";
  }

  private static String describe(Object value) {
    String text = value instanceof String ? "'" + value + "'" : String.valueOf(value);
    return text.replace("\0", "\\0");
  }
}
