package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.source.postgres.PostgresCatalogQueries.Column;
import io.sluice.source.postgres.PostgresCatalogQueries.Table;
import io.sluice.source.postgres.PostgresColumnType.Kind;
import io.sluice.spi.CursorPosition;
import io.sluice.spi.DataType;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The query shapes of cursor reads, and the refusals of unusable cursors, keys and positions, without a server. */
class TestPostgresCursorQueries {
  private static final String WHAT = "Cannot read a page of shop.events by cursor";
  private static final Table TABLE = new Table(1, "shop", "events", false);
  private static final Column UPDATED_AT = new Column("updated_at",
      PostgresColumnType.scalar("timestamp", Kind.TIMESTAMP, -1), true, "timestamp without time zone");
  private static final Column REGION = new Column("Region", PostgresColumnType.scalar("text", Kind.TEXT, -1), false,
      "text");
  private static final Column ID = new Column("id", PostgresColumnType.scalar("int4", Kind.INT4, -1), false,
      "integer");
  private static final Column PAYLOAD = new Column("payload", PostgresColumnType.scalar("jsonb", Kind.JSONB, -1),
      true, "jsonb");
  private static final LocalDateTime NOON = LocalDateTime.of(2026, 1, 1, 12, 0, 0, 123_456_000);
  private static final String READABLE = "\"updated_at\" IS NOT NULL AND \"updated_at\" > '-infinity'::timestamp "
      + "AND \"updated_at\" < 'infinity'::timestamp";

  @Test
  void pagesAfterAPositionWithOneRowValueComparisonInCursorAndKeyOrder() {
    String page = queries(spec("updated_at", "Region", "id"))
        .page(Optional.of(new CursorPosition(NOON, List.of("it's", 7))), 100);
    assertThat(page).isEqualTo(" WHERE " + READABLE + " AND (\"updated_at\", \"Region\", \"id\") > "
        + "('2026-01-01 12:00:00.123456'::timestamp without time zone, 'it''s'::text, '7'::integer) "
        + "ORDER BY \"updated_at\", \"Region\", \"id\" LIMIT 100");
  }

  @Test
  void aCursorOnlyPositionIsAnInclusiveLowerBoundAndNoPositionReadsFromTheStart() {
    PostgresCursorQueries queries = queries(spec("updated_at", "id"));
    assertThat(queries.page(Optional.of(new CursorPosition(NOON, List.of())), 5)).isEqualTo(" WHERE " + READABLE
        + " AND \"updated_at\" >= '2026-01-01 12:00:00.123456'::timestamp without time zone "
        + "ORDER BY \"updated_at\", \"id\" LIMIT 5");
    assertThat(queries.page(Optional.empty(), 5))
        .isEqualTo(" WHERE " + READABLE + " ORDER BY \"updated_at\", \"id\" LIMIT 5");
  }

  @Test
  void backlogCountsOneMoreThanTheCapWithThePagePredicate() {
    String sql = queries(spec("updated_at", "id")).backlog(Optional.of(new CursorPosition(NOON, List.of(7))), 1000, "");
    assertThat(sql).isEqualTo("SELECT (SELECT max(\"updated_at\") FROM \"shop\".\"events\" WHERE " + READABLE + "), "
        + "(SELECT count(*) FROM (SELECT 1 FROM \"shop\".\"events\" WHERE " + READABLE + " AND (\"updated_at\", \"id\") "
        + "> ('2026-01-01 12:00:00.123456'::timestamp without time zone, '7'::integer) ORDER BY \"updated_at\", \"id\" LIMIT 1001) behind), "
        + "(SELECT count(*) FROM (SELECT 1 FROM \"shop\".\"events\" WHERE \"updated_at\" IS NULL LIMIT 1001) nulls)");
  }

  @Test
  void refusesStreamsWithoutCursorOrKey() {
    StreamSpec noKey = new StreamSpec(StreamId.of("shop", "events"), StreamId.of("shop", "events"),
        SyncMode.INCREMENTAL, List.of(spiColumn(UPDATED_AT)), List.of(), List.of(), Optional.of("updated_at"));
    assertConfigError(() -> queries(noKey), WHAT + ": the stream has no primary key, and cursor reads page by "
        + "(cursor, key); set primary_key in the streams file");
    StreamSpec noCursor = new StreamSpec(StreamId.of("shop", "events"), StreamId.of("shop", "events"),
        SyncMode.INCREMENTAL, List.of(spiColumn(ID)), List.of("id"), List.of(), Optional.empty());
    assertConfigError(() -> queries(noCursor), WHAT + ": the stream has no cursor field; set cursor_field in the "
        + "streams file");
  }

  @Test
  void refusesCursorAndKeyColumnsThatAreGoneUnsupportedOrRetyped() {
    assertConfigError(() -> PostgresCursorQueries.forStream(spec("updated_at", "id"), TABLE,
        columns(ID), WHAT), WHAT + ": cursor column \"updated_at\" does not exist any more; discover the stream "
        + "again and fix the streams file");
    assertConfigError(() -> queries(spec("payload", "id")), WHAT + ": cursor column \"payload\" is jsonb, expected "
        + "timestamp, timestamptz, date, smallint, integer, bigint, numeric, text, varchar or char");
    assertConfigError(() -> queries(spec("updated_at", "payload")), WHAT + ": key column \"payload\" is jsonb, "
        + "expected timestamp, timestamptz, date, smallint, integer, bigint, numeric, text, varchar, char or uuid");
    StreamSpec readAsString = new StreamSpec(StreamId.of("shop", "events"), StreamId.of("shop", "events"),
        SyncMode.INCREMENTAL, List.of(new io.sluice.spi.Column("updated_at", DataType.STRING, true, "timestamp"),
        spiColumn(ID)), List.of("id"), List.of(), Optional.of("updated_at"));
    assertConfigError(() -> queries(readAsString), WHAT + ": cursor column \"updated_at\" is timestamp without time "
        + "zone (timestamp) but the stream reads it as string; discover the stream again");
  }

  @Test
  void refusesPositionsThatDoNotFitTheKeyOrCannotBeRendered() {
    PostgresCursorQueries queries = queries(spec("updated_at", "Region", "id"));
    assertConfigError(() -> queries.page(Optional.of(new CursorPosition(NOON, List.of("x"))), 10),
        WHAT + " after position (2026-01-01T12:00:00.123456, 'x'): it has 1 key value(s) but the key [Region, id] "
            + "has 2 column(s); fix or delete the stream's position in the state file");
    assertConfigError(() -> queries.page(Optional.of(new CursorPosition(NOON, List.of("a\0'); DROP TABLE x; --", 1))),
        10), WHAT + " after position (2026-01-01T12:00:00.123456, 'a\\0'); DROP TABLE x; --', 1): the key value "
            + "'a\\0'); DROP TABLE x; --' of column \"Region\" cannot be used: it contains a NUL character, which "
            + "PostgreSQL text cannot hold; fix or delete the stream's position in the state file");
    assertConfigError(() -> queries.page(Optional.of(new CursorPosition("2026-01-01", List.of())), 10),
        WHAT + " after position ('2026-01-01'): the cursor value '2026-01-01' of column \"updated_at\" cannot be "
            + "used: expected a LocalDateTime, got a String; fix or delete the stream's position in the state file");
  }

  private static void assertConfigError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    SluiceException error = catchThrowableOfType(SluiceException.class, call);
    assertThat(error).as("a SluiceException").isNotNull();
    assertThat(error.kind()).isEqualTo(ErrorKind.CONFIG);
    assertThat(error.getMessage()).isEqualTo(message);
  }

  private static PostgresCursorQueries queries(StreamSpec spec) {
    return PostgresCursorQueries.forStream(spec, TABLE, columns(UPDATED_AT, REGION, ID, PAYLOAD), WHAT);
  }

  private static Function<String, Optional<Column>> columns(Column... columns) {
    Map<String, Column> byName = java.util.Arrays.stream(columns)
        .collect(Collectors.toMap(Column::name, Function.identity()));
    return name -> Optional.ofNullable(byName.get(name));
  }

  /** A spec selecting every column, with this cursor and key. */
  private static StreamSpec spec(String cursor, String... key) {
    return new StreamSpec(StreamId.of("shop", "events"), StreamId.of("shop", "events"), SyncMode.INCREMENTAL,
        List.of(UPDATED_AT, REGION, ID, PAYLOAD).stream().map(TestPostgresCursorQueries::spiColumn).toList(),
        List.of(key), List.of(), Optional.of(cursor));
  }

  private static io.sluice.spi.Column spiColumn(Column column) {
    return new io.sluice.spi.Column(column.name(), PostgresTypeMapping.dataType(column.type()), column.nullable(),
        column.sourceType());
  }
}
