package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.source.postgres.PostgresBinaryDecoders.Anomalies;
import io.sluice.source.postgres.PostgresBinaryDecoders.ValueDecoder;
import io.sluice.source.postgres.PostgresCatalogQueries.Column;
import io.sluice.source.postgres.PostgresCatalogQueries.Table;
import io.sluice.source.postgres.PostgresColumnType.Kind;
import io.sluice.spi.Backlog;
import io.sluice.spi.Catalog;
import io.sluice.spi.CursorPosition;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.IncrementalSource;
import io.sluice.spi.SluiceException;
import io.sluice.spi.Source;
import io.sluice.spi.StreamSpec;
import io.sluice.testkit.PostgresServer;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Cursor reads against a real server, compared row by row and value by value with the same query run through
 * JDBC with bind parameters: paging by (cursor, key) through long runs of equal cursors, each supported cursor and
 * key type, cursor-only and empty positions, NULL and infinite cursors, hostile text positions, the backlog of a
 * million rows, the index plan, errors and cancellation.
 */
class PostgresIncrementalIT {
  private static final LocalDateTime SHARED_CURSOR = LocalDateTime.of(2026, 1, 1, 10, 0, 0, 123_456_000);
  private static final int BIG_ROWS = 1_000_000;
  /** Text cursor values that would break a carelessly built query. */
  private static final List<String> HOSTILE = List.of("it's", "'); DROP TABLE inc.labels; --", "back\\slash",
      "\\'; DROP TABLE inc.labels; --", "line\nbreak", "ünï ☃ 😀", "", "\"quoted\"", "tab\there", "$$dollar$$",
      "\\", "'", "''", "E'\\x41'");
  private static PostgresServer server;
  private static Source source;
  private static IncrementalSource reads;
  private static Catalog catalog;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("""
        CREATE SCHEMA inc;
        CREATE TABLE inc.same_cursor (id int PRIMARY KEY, updated_at timestamp NOT NULL, payload text NOT NULL);
        INSERT INTO inc.same_cursor SELECT g, '2026-01-01 10:00:00.123456', 'row ' || g
          FROM generate_series(1, 10000) g;
        CREATE TABLE inc.composite (region text, n int, updated_at timestamptz, note text, PRIMARY KEY (region, n));
        INSERT INTO inc.composite
          SELECT (ARRAY['eu', 'EU', 'us-east', 'ünï', 'it''s'])[1 + g % 5], g / 5,
                 CASE WHEN g % 97 = 0 THEN NULL
                      ELSE timestamptz '2026-01-01 00:00:00.000001+00' + (g % 7) * interval '1 microsecond' END,
                 'note ' || g
          FROM generate_series(0, 2999) g;
        CREATE TABLE inc.uuid_keyed (id uuid PRIMARY KEY, version bigint NOT NULL, body text);
        INSERT INTO inc.uuid_keyed SELECT md5(g::text)::uuid, g % 13 - 6 + 9000000000 * (g % 2), 'b' || g
          FROM generate_series(1, 1000) g;
        CREATE TABLE inc.dated (id bigint PRIMARY KEY, day date);
        INSERT INTO inc.dated SELECT g, date '2024-02-27' + g % 5 FROM generate_series(1, 500) g;
        INSERT INTO inc.dated VALUES (1001, 'infinity'), (1002, '-infinity'), (1003, '0044-03-15 BC'),
          (1004, '9999-12-31'), (1005, NULL), (1006, 'infinity');
        CREATE TABLE inc.instants (id int PRIMARY KEY, at timestamptz NOT NULL);
        INSERT INTO inc.instants SELECT g, timestamptz '2026-03-29 00:59:59.999998+00'
            + (g % 11) * interval '1 microsecond' + (g % 3) * interval '1 hour'
          FROM generate_series(1, 600) g;
        CREATE TABLE inc.amounts (id int PRIMARY KEY, amount numeric(12,3), loose numeric);
        INSERT INTO inc.amounts SELECT g, (g % 17 - 8) * 1.125, (g % 9 - 4) * 0.5 FROM generate_series(1, 400) g;
        INSERT INTO inc.amounts VALUES (1001, 'NaN', 'NaN'), (1002, NULL, 'Infinity'),
          (1003, 999999999.999, '-Infinity'), (1004, -999999999.999, 123456789012345678901234567890.123456789);
        CREATE TABLE inc.labels (id int PRIMARY KEY, label text);
        CREATE TABLE inc.big (id bigint PRIMARY KEY, updated_at timestamp NOT NULL);
        INSERT INTO inc.big SELECT g, timestamp '2026-01-01 00:00:00.000007' + g * interval '1 microsecond'
          FROM generate_series(1, 1000000) g;
        CREATE INDEX ON inc.big (updated_at, id);
        ANALYZE inc.big;
        CREATE TABLE inc.changing (id int PRIMARY KEY, updated_at timestamp, dropped timestamp, payload jsonb);
        """);
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        PreparedStatement insert = connection.prepareStatement("INSERT INTO inc.labels VALUES (?, ?)")) {
      for (int i = 0; i < HOSTILE.size(); i++) {
        insert.setInt(1, i + 1);
        insert.setString(2, HOSTILE.get(i));
        insert.addBatch();
      }
      insert.setInt(1, 100);
      insert.setString(2, HOSTILE.get(0));
      insert.addBatch();
      insert.executeBatch();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    source = PostgresSourceFixture.source(PostgresSourceFixture.config(server, "inc"));
    reads = source.incremental().orElseThrow();
    catalog = source.discover();
  }

  @AfterAll
  static void stopServer() throws Exception {
    PostgresSourceFixture.close(source, server);
  }

  @Test
  void tenThousandRowsSharingOneCursorAreReadExactlyOnceInOneHundredAndOnePages() throws Exception {
    StreamSpec spec = spec("same_cursor", "updated_at");
    List<List<Object[]>> pages = pages(spec, Optional.empty(), 100);
    assertThat(pages).hasSize(101);
    assertThat(pages.subList(0, 100)).allSatisfy(page -> assertThat(page).hasSize(100));
    assertThat(pages.get(100)).isEmpty();
    List<List<Object>> expected = new ArrayList<>();
    for (int id = 1; id <= 10_000; id++) {
      expected.add(Arrays.asList(id, SHARED_CURSOR, "row " + id));
    }
    assertThat(values(pages)).isEqualTo(expected);
  }

  @Test
  void compositeTextAndIntegerKeyPagesThroughManyEqualCursorsInTheServersOrder() throws Exception {
    StreamSpec spec = spec("composite", "updated_at");
    List<List<Object[]>> pages = pages(spec, Optional.empty(), 7);
    assertThat(values(pages)).hasSize(3000 - 31).isEqualTo(query(
        "SELECT region, n, updated_at, note FROM inc.composite WHERE updated_at IS NOT NULL "
            + "ORDER BY updated_at, region, n", String.class, Integer.class, OffsetDateTime.class, String.class));
    assertThat(pages).allSatisfy(page -> assertThat(page.size()).isLessThanOrEqualTo(7));
  }

  @Test
  void uuidKeyWithBigintCursor() throws Exception {
    assertThat(values(pages(spec("uuid_keyed", "version"), Optional.empty(), 10))).hasSize(1000).isEqualTo(query(
        "SELECT id, version, body FROM inc.uuid_keyed ORDER BY version, id", UUID.class, Long.class, String.class));
  }

  @Test
  void dateCursorReadsBcDatesAndSkipsNullsAndInfinitiesEvenOnePageAtATime() throws Exception {
    StreamSpec spec = spec("dated", "day");
    List<List<Object>> expected = query("SELECT id, day FROM inc.dated WHERE isfinite(day) ORDER BY day, id",
        Long.class, LocalDate.class);
    assertThat(expected).hasSize(502);
    assertThat(values(pages(spec, Optional.empty(), 3))).isEqualTo(expected);
    List<List<Object>> onePerPage = values(pages(spec, Optional.empty(), 1));
    assertThat(onePerPage).isEqualTo(expected);
    assertThat(onePerPage.get(0)).containsExactly(1003L, LocalDate.of(-43, 3, 15));
    assertThat(onePerPage.get(501)).containsExactly(1004L, LocalDate.of(9999, 12, 31));
    Backlog backlog = reads.backlog(spec, Optional.empty(), 1000);
    assertThat(backlog).isEqualTo(new Backlog(Optional.of(LocalDate.of(9999, 12, 31)), 502, false, 1));
  }

  @Test
  void timestamptzCursorKeepsMicrosecondsWhateverTheSessionTimeZone() throws Exception {
    TimeZone original = TimeZone.getDefault();
    // PgJDBC sets the session's TimeZone from the JVM's.
    TimeZone.setDefault(TimeZone.getTimeZone("America/St_Johns"));
    try {
      try (Connection connection = new PostgresConnections(PostgresConfig.from(
          PostgresSourceFixture.config(server, "inc"))).open();
          Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery("SHOW TimeZone")) {
        result.next();
        assertThat(result.getString(1)).isEqualTo("America/St_Johns");
      }
      StreamSpec spec = spec("instants", "at");
      List<List<Object>> expected = query("SELECT id, at FROM inc.instants ORDER BY at, id", Integer.class,
          OffsetDateTime.class);
      assertThat(values(pages(spec, Optional.empty(), 4))).isEqualTo(expected);

      OffsetDateTime middle = (OffsetDateTime) expected.get(300).get(1);
      assertThat(middle.getNano() % 1_000_000).as("micros that matter").isNotZero();
      int middleId = (Integer) expected.get(300).get(0);
      List<List<Object>> afterUtc = values(List.of(page(spec, new CursorPosition(middle, List.of(middleId)), 50)));
      OffsetDateTime sameInstantInKolkata = middle.withOffsetSameInstant(ZoneOffset.ofHoursMinutes(5, 30));
      assertThat(values(List.of(page(spec, new CursorPosition(sameInstantInKolkata, List.of(middleId)), 50))))
          .isEqualTo(afterUtc)
          .isEqualTo(expected.subList(301, 351));
      assertThat(reads.backlog(spec, Optional.empty(), 10).maxCursor())
          .contains(OffsetDateTime.parse("2026-03-29T03:00:00.000008Z"));
    } finally {
      TimeZone.setDefault(original);
    }
  }

  @Test
  void numericCursorsPageInNumericOrderAndSkipNaNWhereItReadsAsNull() throws Exception {
    List<List<Object>> decimal = values(pages(spec("amounts", "amount"), Optional.empty(), 6));
    assertThat(decimal).hasSize(402).isEqualTo(query("SELECT id, amount, loose::text FROM inc.amounts WHERE amount IS NOT NULL AND amount <> 'NaN' ORDER BY amount, id", Integer.class, BigDecimal.class,
        String.class));
    assertThat(decimal.get(0).get(1)).isEqualTo(new BigDecimal("-999999999.999"));

    List<List<Object>> loose = values(pages(spec("amounts", "loose"), Optional.empty(), 6));
    assertThat(loose).hasSize(404).isEqualTo(query("SELECT id, CASE WHEN amount = 'NaN' THEN NULL ELSE amount END, "
        + "loose::text FROM inc.amounts ORDER BY amounts.loose, id" /* qualified: the bare name would sort by the text output column */, Integer.class, BigDecimal.class, String.class));
    assertThat(loose.get(0).get(2)).isEqualTo("-Infinity");
    assertThat(loose.get(403).get(2)).isEqualTo("NaN");
    assertThat(reads.backlog(spec("amounts", "amount"), Optional.empty(), 1).maxCursor())
        .contains(new BigDecimal("999999999.999"));
  }

  @Test
  void aCursorOnlyPositionIsInclusiveAndAnEmptyOneReadsFromTheStart() throws Exception {
    StreamSpec spec = spec("composite", "updated_at");
    List<List<Object>> all = query("SELECT region, n, updated_at, note FROM inc.composite "
        + "WHERE updated_at IS NOT NULL ORDER BY updated_at, region, n", String.class, Integer.class,
        OffsetDateTime.class, String.class);
    assertThat(values(List.of(page(spec, null, 25)))).isEqualTo(all.subList(0, 25));

    OffsetDateTime third = OffsetDateTime.parse("2026-01-01T00:00:00.000003Z");
    List<List<Object>> fromThird = values(List.of(page(spec, new CursorPosition(third, List.of()), 5000)));
    assertThat(fromThird).isNotEmpty().isEqualTo(all.stream().filter(r -> !((OffsetDateTime) r.get(2)).isBefore(third))
        .toList());
    assertThat(fromThird.get(0).get(2)).isEqualTo(third);
  }

  @Test
  void nullCursorsAreNotReadButCountedUpToTheCap() {
    StreamSpec spec = spec("composite", "updated_at");
    assertThat(reads.backlog(spec, Optional.empty(), 10_000))
        .isEqualTo(new Backlog(Optional.of(OffsetDateTime.parse("2026-01-01T00:00:00.000007Z")), 3000 - 31, false, 31));
    assertThat(reads.backlog(spec, Optional.empty(), 10))
        .isEqualTo(new Backlog(Optional.of(OffsetDateTime.parse("2026-01-01T00:00:00.000007Z")), 10, true, 10));
  }

  @Test
  void backlogOfAMillionRowsStopsCountingAtTheCapAndKnowsTheExactMaximum() throws Exception {
    StreamSpec spec = spec("big", "updated_at");
    LocalDateTime max = LocalDateTime.of(2026, 1, 1, 0, 0, 1, 7_000);
    assertThat(reads.backlog(spec, Optional.empty(), 100_000))
        .isEqualTo(new Backlog(Optional.of(max), 100_000, true, 0));
    assertThat(reads.backlog(spec, Optional.empty(), BIG_ROWS))
        .isEqualTo(new Backlog(Optional.of(max), BIG_ROWS, false, 0));

    LocalDateTime ofRow999990 = LocalDateTime.of(2026, 1, 1, 0, 0, 0, 999_997_000);
    CursorPosition afterRow999990 = new CursorPosition(ofRow999990, List.of(999_990L));
    assertThat(reads.backlog(spec, Optional.of(afterRow999990), 100_000))
        .isEqualTo(new Backlog(Optional.of(max), 10, false, 0));
    assertThat(reads.backlog(spec, Optional.of(new CursorPosition(ofRow999990, List.of())), 100_000))
        .as("a cursor-only position is inclusive").isEqualTo(new Backlog(Optional.of(max), 11, false, 0));
    assertThat(values(List.of(page(spec, afterRow999990, 100)))).extracting(r -> r.get(0))
        .containsExactly(999_991L, 999_992L, 999_993L, 999_994L, 999_995L, 999_996L, 999_997L, 999_998L, 999_999L,
            1_000_000L);
  }

  @Test
  void pagesAndCountsAreIndexRangeScansOnCursorAndKey() throws Exception {
    StreamSpec spec = spec("big", "updated_at");
    CursorPosition middle = new CursorPosition(LocalDateTime.of(2026, 1, 1, 0, 0, 0, 500_000_000), List.of(499_993L));
    try (Connection connection = server.connect(PostgresServer.DATABASE)) {
      Table table = PostgresCatalogQueries.table(connection, "inc", "big").orElseThrow();
      Map<String, Column> columns = PostgresCatalogQueries.columns(connection, List.of(table.oid())).get(table.oid())
          .stream().collect(Collectors.toMap(Column::name, Function.identity()));
      PostgresCursorQueries queries = PostgresCursorQueries.forStream(spec, table,
          name -> Optional.ofNullable(columns.get(name)), "explain");

      String pagePlan = explain(connection, "SELECT * FROM inc.big" + queries.page(Optional.of(middle), 10_000));
      assertThat(pagePlan).containsPattern("Index (Only )?Scan using big_updated_at_id_idx on big")
          .contains("ROW(updated_at, id) > ROW('2026-01-01 00:00:00.5'::timestamp without time zone, '499993'::bigint)")
          .doesNotContain("Sort");
      assertThat(pagePlan.substring(pagePlan.indexOf("Index Cond:"))).contains("ROW(updated_at, id)");

      String countPlan = explain(connection, queries.backlog(Optional.of(middle), 100_000, ""));
      assertThat(countPlan).contains("Index Only Scan Backward using big_updated_at_id_idx")
          .doesNotContain("Seq Scan");
    }
  }

  @Test
  void hostileTextCursorValuesAreReadBackExactlyAndCompareAsTheServerCompares() throws Exception {
    StreamSpec spec = spec("labels", "label");
    List<List<Object>> expected = query("SELECT id, label FROM inc.labels ORDER BY label, id", Integer.class,
        String.class);
    assertThat(expected).hasSize(HOSTILE.size() + 1);
    // One row a page: every page starts after a position holding one of the hostile values.
    assertThat(values(pages(spec, Optional.empty(), 1))).isEqualTo(expected);

    List<String> probes = new ArrayList<>(HOSTILE);
    probes.addAll(List.of("it", "it's!", "\\\\", "ünï", "'; SELECT pg_sleep(10); --"));
    for (String probe : probes) {
      List<List<Object>> after = values(List.of(page(spec, new CursorPosition(probe, List.of(0)), 100)));
      assertThat(after).as("after %s", probe).isEqualTo(query("SELECT id, label FROM inc.labels "
          + "WHERE (label, id) > (?, 0) ORDER BY label, id", List.of(probe), Integer.class, String.class));
    }
    server.execute("ALTER DATABASE postgres SET standard_conforming_strings = off");
    try {
      assertThat(values(pages(spec, Optional.empty(), 2))).as("with standard_conforming_strings off")
          .isEqualTo(expected);
    } finally {
      server.execute("ALTER DATABASE postgres RESET standard_conforming_strings");
    }
    assertThat(query("SELECT count(*) FROM inc.labels", Long.class)).containsExactly(List.of(15L));
  }

  @Test
  void positionsThatCannotBeRenderedExactlyAreConfigErrorsNamingStreamColumnAndValue() {
    StreamSpec spec = spec("labels", "label");
    SluiceException nul = catchThrowableOfType(SluiceException.class,
        () -> page(spec, new CursorPosition("a\0b", List.of(1)), 10));
    assertThat(nul.kind()).isEqualTo(ErrorKind.CONFIG);
    assertThat(nul.getMessage()).isEqualTo("Cannot read a page of inc.labels by cursor after position ('a\\0b', 1): "
        + "the cursor value 'a\\0b' of column \"label\" cannot be used: it contains a NUL character, which PostgreSQL "
        + "text cannot hold; fix or delete the stream's position in the state file");
    SluiceException wrongKey = catchThrowableOfType(SluiceException.class,
        () -> reads.backlog(spec, Optional.of(new CursorPosition("x", List.of("1"))), 10));
    assertThat(wrongKey.kind()).isEqualTo(ErrorKind.CONFIG);
    assertThat(wrongKey.getMessage()).startsWith("Cannot measure the backlog of inc.labels after position ('x', '1'): "
        + "the key value '1' of column \"id\" cannot be used: expected an Integer or Long, got a String");
  }

  @Test
  void cursorOrKeyColumnsGoneRetypedOrUnusableAreConfigErrorsNamingThem() {
    StreamSpec byDropped = spec("changing", "dropped");
    StreamSpec byUpdatedAt = spec("changing", "updated_at");
    server.execute("""
        ALTER TABLE inc.changing DROP COLUMN dropped;
        ALTER TABLE inc.changing ALTER COLUMN updated_at TYPE text;
        """);
    assertConfigError(() -> page(byDropped, null, 10), "Cannot read a page of inc.changing by cursor: cursor column "
        + "\"dropped\" does not exist any more; discover the stream again and fix the streams file");
    assertConfigError(() -> page(byUpdatedAt, null, 10), "Cannot read a page of inc.changing by cursor: cursor column "
        + "\"updated_at\" is text (string) but the stream reads it as timestamp; discover the stream again");
    assertConfigError(() -> reads.backlog(spec("changing", "payload"), Optional.empty(), 1), "Cannot measure the "
        + "backlog of inc.changing: cursor column \"payload\" is jsonb, expected timestamp, timestamptz, date, "
        + "smallint, integer, bigint, numeric, text, varchar or char");
  }

  @Test
  void interruptedSinkCancelsThePageAndLeavesNoConnection() throws Exception {
    StreamSpec spec = spec("big", "updated_at");
    int[] seen = {0};
    InterruptedException interrupted = catchThrowableOfType(InterruptedException.class,
        () -> reads.readPage(spec, Optional.empty(), BIG_ROWS, (row, size) -> {
          if (++seen[0] == 1000) {
            throw new InterruptedException("sync cancelled");
          }
        }));
    assertThat(interrupted).hasMessage("sync cancelled");
    assertThat(seen[0]).isEqualTo(1000);
    PostgresSourceFixture.assertNoSluiceConnectionWithin(server, 5_000);
  }

  @Test
  void literalsReadBackAsTheValuesTheyRenderWhateverStandardConformingStrings() throws Exception {
    record Case(Object value, PostgresColumnType type, String sqlType) {}
    List<Case> cases = new ArrayList<>();
    PostgresColumnType text = PostgresColumnType.scalar("text", Kind.TEXT, -1);
    for (String hostile : HOSTILE) {
      cases.add(new Case(hostile, text, "text"));
    }
    cases.add(new Case("😀😀😀", PostgresColumnType.scalar("varchar", Kind.TEXT, 3 + 4), "character varying(3)"));
    PostgresColumnType date = PostgresColumnType.scalar("date", Kind.DATE, -1);
    for (LocalDate day : List.of(LocalDate.of(2024, 2, 29), LocalDate.of(0, 1, 1), LocalDate.of(-4712, 1, 1),
        LocalDate.of(5_874_897, 12, 31), LocalDate.of(10_000, 1, 1))) {
      cases.add(new Case(day, date, "date"));
    }
    PostgresColumnType timestamp = PostgresColumnType.scalar("timestamp", Kind.TIMESTAMP, -1);
    for (LocalDateTime time : List.of(LocalDateTime.of(2026, 1, 1, 10, 0, 0, 123_456_000),
        LocalDateTime.of(-43, 3, 15, 12, 0, 0, 1000), LocalDateTime.of(294_276, 12, 31, 23, 59, 59, 999_999_000))) {
      cases.add(new Case(time, timestamp, "timestamp without time zone"));
    }
    PostgresColumnType timestamptz = PostgresColumnType.scalar("timestamptz", Kind.TIMESTAMPTZ, -1);
    for (String time : List.of("2026-06-30T23:59:59.999999-03:30", "1900-01-01T00:00:00.000001+00:19:32",
        "-0043-03-15T12:00:00+01:00", "2026-01-01T00:00Z")) {
      cases.add(new Case(OffsetDateTime.parse(time), timestamptz, "timestamp with time zone"));
    }
    cases.add(new Case(new BigDecimal("-123456789.125"), PostgresColumnType.scalar("numeric", Kind.NUMERIC,
        (12 << 16 | 3) + 4), "numeric(12,3)"));
    cases.add(new Case("-0.000000000000000000000000000000000000000001", PostgresColumnType.scalar("numeric",
        Kind.NUMERIC, -1), "numeric"));
    cases.add(new Case(Long.MIN_VALUE, PostgresColumnType.scalar("int8", Kind.INT8, -1), "bigint"));
    cases.add(new Case(-32768, PostgresColumnType.scalar("int2", Kind.INT2, -1), "smallint"));
    cases.add(new Case(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        PostgresColumnType.scalar("uuid", Kind.UUID, -1), "uuid"));

    String select = "SELECT " + cases.stream().map(c -> PostgresLiterals.typed(c.value(), c.type(), c.sqlType()))
        .collect(Collectors.joining(", "));
    ValueDecoder[] decoders = cases.stream().map(c -> PostgresBinaryDecoders.forColumn(c.type(),
        PostgresTypeMapping.dataType(c.type()), new Anomalies()).decoder()).toArray(ValueDecoder[]::new);
    List<Object> expected = cases.stream().map(c -> c.value() instanceof OffsetDateTime t
        ? t.withOffsetSameInstant(ZoneOffset.UTC) : c.value()).toList();
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement()) {
      for (String setting : List.of("on", "off")) {
        statement.execute("SET standard_conforming_strings = " + setting);
        CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI()
            .copyOut("COPY (" + select + ") TO STDOUT (FORMAT binary)");
        PostgresCopyTupleParser parser = new PostgresCopyTupleParser(copy::readFromCopy, decoders,
            cases.stream().map(c -> c.sqlType()).toList(), "literals");
        assertThat(Arrays.asList(parser.next())).as("standard_conforming_strings " + setting).isEqualTo(expected);
        assertThat(parser.next()).isNull();
        // the parser stops at the binary trailer; the driver holds the connection until the COPY is drained
        while (copy.isActive() && copy.readFromCopy() != null) {
          // discard anything after the trailer
        }
      }
    }
  }

  private static void assertConfigError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    SluiceException error = catchThrowableOfType(SluiceException.class, call);
    assertThat(error).as("a SluiceException").isNotNull();
    assertThat(error.kind()).isEqualTo(ErrorKind.CONFIG);
    assertThat(error.getMessage()).isEqualTo(message);
  }

  private static StreamSpec spec(String table, String cursor) {
    return PostgresSourceFixture.incrementalSpec(PostgresSourceFixture.stream(catalog, "inc", table), cursor);
  }

  /** One page after {@code after} (from the start when null). */
  private static List<Object[]> page(StreamSpec spec, CursorPosition after, int pageSize) throws Exception {
    List<Object[]> rows = new ArrayList<>();
    long count = reads.readPage(spec, Optional.ofNullable(after), pageSize, (row, size) -> rows.add(row));
    assertThat(count).isEqualTo(rows.size());
    assertThat(rows.size()).isLessThanOrEqualTo(pageSize);
    return rows;
  }

  /** Pages as the engine does: each after the last row of the one before, until one comes back short. */
  private static List<List<Object[]>> pages(StreamSpec spec, Optional<CursorPosition> from, int pageSize)
      throws Exception {
    List<List<Object[]>> pages = new ArrayList<>();
    CursorPosition position = from.orElse(null);
    while (true) {
      List<Object[]> page = page(spec, position, pageSize);
      pages.add(page);
      if (page.size() < pageSize) {
        return pages;
      }
      Object[] last = page.get(page.size() - 1);
      position = new CursorPosition(last[spec.columnIndex(spec.cursorField().orElseThrow())],
          spec.primaryKey().stream().map(k -> last[spec.columnIndex(k)]).toList());
      assertThat(pages.size()).as("pages").isLessThan(20_000);
    }
  }

  private static List<List<Object>> values(List<List<Object[]>> pages) {
    return pages.stream().flatMap(List::stream).map(Arrays::asList).toList();
  }

  private static List<List<Object>> query(String sql, Class<?>... types) throws Exception {
    return query(sql, List.of(), types);
  }

  /** The rows of {@code sql} run with bind parameters, each value fetched as the given class. */
  private static List<List<Object>> query(String sql, List<Object> parameters, Class<?>... types) throws Exception {
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.size(); i++) {
        statement.setObject(i + 1, parameters.get(i));
      }
      List<List<Object>> rows = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 0; i < types.length; i++) {
            row.add(result.getObject(i + 1, types[i]));
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }

  private static String explain(Connection connection, String sql) throws Exception {
    StringBuilder plan = new StringBuilder();
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("EXPLAIN " + sql)) {
      while (result.next()) {
        plan.append(result.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }
}
