package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.Catalog;
import io.sluice.spi.Source;
import io.sluice.spi.Split;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamSpec;
import io.sluice.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chunk plans over ~200,000-row tables with a small chunk size: key ranges, key spans and page ranges each cover
 * every row exactly once, also rows added after planning (and, for key spans, rows updated and moved to other
 * pages after planning), and chunks read in the plan's exported snapshot agree with each other.
 */
class PostgresChunkPlanIT {
  private static final int ROWS = 200_000;
  private static final int CHUNK_ROWS = 10_000;
  private static PostgresServer server;
  private static ObjectNode config;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("""
        CREATE SCHEMA chunks;
        CREATE TABLE chunks.keyed (id bigint PRIMARY KEY, payload text NOT NULL);
        INSERT INTO chunks.keyed SELECT g * 3 - 100000, md5(g::text) FROM generate_series(1, %1$d) g;
        CREATE TABLE chunks.unkeyed (n int NOT NULL, payload text NOT NULL);
        INSERT INTO chunks.unkeyed SELECT g, md5(g::text) FROM generate_series(1, %1$d) g;
        CREATE TABLE chunks.growing_keyed (id int PRIMARY KEY, payload text NOT NULL);
        INSERT INTO chunks.growing_keyed SELECT g, md5(g::text) FROM generate_series(1, %1$d) g;
        CREATE TABLE chunks.growing_unkeyed (n int NOT NULL, payload text NOT NULL);
        INSERT INTO chunks.growing_unkeyed SELECT g, md5(g::text) FROM generate_series(1, %1$d) g;
        CREATE TABLE chunks.never_analyzed (n int NOT NULL, payload text) WITH (autovacuum_enabled = false);
        INSERT INTO chunks.never_analyzed SELECT g, md5(g::text) FROM generate_series(1, 50000) g;
        CREATE TABLE chunks.empty_keyed (id int PRIMARY KEY);
        CREATE TABLE chunks.empty_unkeyed (n int);
        CREATE TABLE chunks.parted (n int NOT NULL, region text NOT NULL) PARTITION BY LIST (region);
        CREATE TABLE chunks.parted_eu PARTITION OF chunks.parted FOR VALUES IN ('eu');
        CREATE TABLE chunks.parted_us PARTITION OF chunks.parted FOR VALUES IN ('us');
        CREATE TABLE chunks.parted_asia PARTITION OF chunks.parted FOR VALUES IN ('asia');
        INSERT INTO chunks.parted
          SELECT g, (ARRAY['eu', 'eu', 'us', 'asia'])[1 + g %% 4] FROM generate_series(1, 60000) g;
        CREATE TABLE chunks.smallint_key (id smallint PRIMARY KEY);
        INSERT INTO chunks.smallint_key SELECT g FROM generate_series(-32768, 32767) g;
        ANALYZE chunks.keyed, chunks.unkeyed, chunks.growing_keyed, chunks.growing_unkeyed, chunks.parted,
          chunks.smallint_key;
        """.formatted(ROWS));
    config = PostgresSourceFixture.config(server, "chunks");
    config.put("chunk_size_rows", CHUNK_ROWS);
  }

  @AfterAll
  static void stopServer() throws Exception {
    PostgresSourceFixture.close(server);
  }

  @Test
  void integerKeyTableIsSplitIntoKeyRangesOpenAtBothEnds() throws Exception {
    try (Source source = PostgresSourceFixture.source(config)) {
      StreamSpec spec = spec(source, "keyed");
      List<Split> splits = source.planSnapshot(spec);

      assertThat(splits).hasSizeBetween(15, 25);
      assertThat(splits).allSatisfy(s -> assertThat(s.descriptor().get("kind").asText()).isEqualTo("pk"));
      assertThat(splits.get(0).descriptor().has("from")).isFalse();
      assertThat(splits.get(0).id()).startsWith("pk:..");
      assertThat(splits.get(splits.size() - 1).descriptor().has("to")).isFalse();
      assertThat(splits.stream().map(Split::id).distinct()).hasSize(splits.size());
      assertThat(splits.stream().mapToLong(Split::estimatedRows).sum()).isBetween(ROWS * 8L / 10, ROWS * 12L / 10);

      List<Long> keys = readFirstColumn(source, spec, splits);
      assertCoversExactly(keys, expectedKeyedIds());
    }
  }

  @Test
  void tableWithoutKeyIsSplitIntoPageRanges() throws Exception {
    try (Source source = PostgresSourceFixture.source(config)) {
      StreamSpec spec = spec(source, "unkeyed");
      List<Split> splits = source.planSnapshot(spec);

      assertThat(splits).hasSizeBetween(15, 25);
      assertThat(splits.get(0).id()).startsWith("ctid:0..");
      assertThat(splits).allSatisfy(s -> assertThat(s.descriptor().get("kind").asText()).isEqualTo("ctid"));
      assertThat(splits.get(splits.size() - 1).descriptor().has("to_page")).isFalse();

      assertCoversExactly(readFirstColumn(source, spec, splits), range(1, ROWS));
    }
  }

  @Test
  void keysStoredInTheirOwnOrderAreSplitIntoKeySpansAndRandomOnesIntoPageRangesEachHoldingEveryRowOnce()
      throws Exception {
    server.execute("""
        CREATE TABLE chunks.text_keyed (code text PRIMARY KEY, n int NOT NULL);
        INSERT INTO chunks.text_keyed SELECT 'c' || lpad(g::text, 9, '0'), g FROM generate_series(1, 100000) g;
        CREATE TABLE chunks.composite_keyed (region varchar(8), seq bigint, n int NOT NULL,
          PRIMARY KEY (region, seq));
        INSERT INTO chunks.composite_keyed
          SELECT (ARRAY['asia', 'eu', 'o''hare', 'us'])[1 + (g - 1) / 25000], g, g FROM generate_series(1, 100000) g;
        CREATE TABLE chunks.timestamp_keyed (at timestamptz PRIMARY KEY, n int NOT NULL);
        INSERT INTO chunks.timestamp_keyed
          SELECT timestamptz '2026-01-01 00:00:00.000001+05:30' + g * interval '1.000001 second', g
          FROM generate_series(1, 100000) g;
        CREATE TABLE chunks.uuid_keyed (id uuid PRIMARY KEY, n int NOT NULL);
        INSERT INTO chunks.uuid_keyed SELECT md5(g::text)::uuid, g FROM generate_series(1, 100000) g;
        CREATE TABLE chunks.hash_keyed (code text PRIMARY KEY, n int NOT NULL);
        INSERT INTO chunks.hash_keyed SELECT md5(g::text), g FROM generate_series(1, 100000) g;
        CREATE TABLE chunks.regions (region text, id uuid, n int NOT NULL, PRIMARY KEY (region, id))
          PARTITION BY LIST (region);
        CREATE TABLE chunks.regions_eu PARTITION OF chunks.regions FOR VALUES IN ('eu');
        CREATE TABLE chunks.regions_us PARTITION OF chunks.regions FOR VALUES IN ('us');
        INSERT INTO chunks.regions
          SELECT (ARRAY['eu', 'us'])[1 + g % 2], md5(g::text)::uuid, g FROM generate_series(1, 100000) g;
        ANALYZE chunks.text_keyed, chunks.composite_keyed, chunks.timestamp_keyed, chunks.uuid_keyed,
          chunks.hash_keyed, chunks.regions;
        """);
    Map<String, String> expectedKinds = new java.util.LinkedHashMap<>();
    expectedKinds.put("text_keyed", "keys");
    expectedKinds.put("composite_keyed", "keys");
    expectedKinds.put("timestamp_keyed", "keys");
    // a span of a key stored in random order would read nearly every page of the table
    expectedKinds.put("uuid_keyed", "ctid");
    expectedKinds.put("hash_keyed", "ctid");
    expectedKinds.put("regions", "ctid");
    try (Source source = PostgresSourceFixture.source(config)) {
      for (Map.Entry<String, String> table : expectedKinds.entrySet()) {
        StreamSpec spec = spec(source, table.getKey());
        List<Split> splits = source.planSnapshot(spec);
        assertThat(splits).as(table.getKey()).hasSizeBetween(8, 12);
        assertThat(splits).as(table.getKey())
            .allSatisfy(s -> assertThat(s.descriptor().get("kind").asText()).isEqualTo(table.getValue()));
        List<Long> all = new ArrayList<>();
        for (Split split : splits) {
          List<Long> chunk = readColumn(source, spec, List.of(split), "n");
          // the sample only decides how even the chunks are: roughly even is enough
          assertThat(chunk.size()).as(table.getKey() + " " + split.id()).isBetween(1, 3 * 100_000 / splits.size());
          all.addAll(chunk);
        }
        assertCoversExactly(all, range(1, 100000));
      }
    }
  }

  @Test
  void aLoadResumedAfterRowsMovedReadsEachKeyOnce() throws Exception {
    server.execute("""
        CREATE TABLE chunks.churning (code text PRIMARY KEY, n int NOT NULL, pad text NOT NULL)
          WITH (fillfactor = 100);
        INSERT INTO chunks.churning SELECT 'k' || lpad(g::text, 9, '0'), g, repeat('x', 100)
          FROM generate_series(1, 60000) g;
        ANALYZE chunks.churning;
        """);
    List<Split> splits;
    StreamSpec spec;
    try (Source planning = PostgresSourceFixture.source(config)) {
      spec = spec(planning, "churning");
      splits = planning.planSnapshot(spec);
    }
    assertThat(splits).allSatisfy(s -> assertThat(s.descriptor().get("kind").asText()).isEqualTo("keys"));
    int half = splits.size() / 2;
    List<Long> beforeCrash;
    try (Source first = PostgresSourceFixture.source(config)) {
      beforeCrash = readColumn(first, spec, splits.subList(0, half), "n");
    }
    // Between the crash and the resumed load, which reads the other half in a new snapshot: every other row
    // updated (the pages are full, so each new version lands on another page), some deleted, new keys among and
    // above the planned boundaries.
    server.execute("""
        UPDATE chunks.churning SET pad = repeat('y', 100) WHERE n % 2 = 0;
        DELETE FROM chunks.churning WHERE n % 7 = 0;
        INSERT INTO chunks.churning SELECT 'k' || lpad(g::text, 9, '0'), g, 'late' FROM generate_series(60001, 63000) g;
        INSERT INTO chunks.churning VALUES ('zzzz', 63001, 'above every boundary');
        """);
    List<Long> read = new ArrayList<>(beforeCrash);
    try (Source resumed = PostgresSourceFixture.source(config)) {
      read.addAll(readColumn(resumed, spec, splits.subList(half, splits.size()), "n"));
    }
    // Nothing twice; every row that lived through it; rows deleted or added meanwhile as their span was read
    // before or after (a load that is not one snapshot sees each span at its own time).
    Set<Long> distinct = new HashSet<>(read);
    assertThat(read.size() - distinct.size()).as("duplicate keys").isZero();
    List<Long> survivors = range(1, 60000).stream().filter(n -> n % 7 != 0).toList();
    assertThat(survivors.stream().filter(n -> !distinct.contains(n)).limit(10)).as("missing survivors").isEmpty();
    assertThat(distinct).contains(63001L);
    assertThat(distinct.stream().filter(n -> n < 1 || n > 63001)).isEmpty();
  }

  @Test
  void pageRangePlansResumeOnlyInTheSourceThatStillHoldsTheirSnapshot() throws Exception {
    try (Source source = PostgresSourceFixture.source(config)) {
      StreamSpec spec = spec(source, "unkeyed");
      List<Split> splits = source.planSnapshot(spec);
      assertThat(splits.get(0).descriptor().get("kind").asText()).isEqualTo("ctid");
      assertThat(source.resumable(spec, splits)).as("this instance, its snapshot held").isTrue();
      try (Source other = PostgresSourceFixture.source(config)) {
        assertThat(other.resumable(spec, splits)).as("another instance, as in a new process").isFalse();
      }
      // the connection holding the snapshot ends, as when it is dropped or the server restarts
      // the only transaction left open: the source's other connections end with their reads
      String holder = "FROM pg_stat_activity WHERE state = 'idle in transaction' AND pid <> pg_backend_pid()";
      assertThat(scalar("SELECT count(*) " + holder)).isEqualTo(1);
      server.execute("SELECT pg_terminate_backend(pid) " + holder);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (scalar("SELECT count(*) " + holder) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(source.resumable(spec, splits)).as("its snapshot gone").isFalse();
      assertThatThrownBy(() -> PostgresSourceFixture.read(source, spec, splits.get(1)))
          .isInstanceOfSatisfying(io.sluice.spi.SluiceException.class,
              e -> assertThat(e.kind()).isEqualTo(io.sluice.spi.ErrorKind.TRANSIENT))
          .hasMessageContaining("the load starts over");

      List<Split> again = source.planSnapshot(spec);
      assertThat(PostgresChunk.snapshotOf(again.get(0).descriptor()))
          .isNotEqualTo(PostgresChunk.snapshotOf(splits.get(0).descriptor()));
      assertThat(source.resumable(spec, again)).as("a new plan in a new snapshot").isTrue();
      assertCoversExactly(readFirstColumn(source, spec, again), range(1, ROWS));
    }
  }

  @Test
  void smallintKeyRangesCoverTheWholeDomain() throws Exception {
    try (Source source = PostgresSourceFixture.source(config)) {
      StreamSpec spec = spec(source, "smallint_key");
      List<Split> splits = source.planSnapshot(spec);
      assertThat(splits).hasSizeBetween(5, 9);
      assertCoversExactly(readFirstColumn(source, spec, splits), range(-32768, 32767));
    }
  }

  @Test
  void rowsAddedAfterPlanningBeyondThePlannedRangesAreRead() throws Exception {
    List<Split> keyedSplits;
    List<Split> unkeyedSplits;
    StreamSpec keyed;
    StreamSpec unkeyed;
    try (Source planning = PostgresSourceFixture.source(config)) {
      keyed = spec(planning, "growing_keyed");
      unkeyed = spec(planning, "growing_unkeyed");
      keyedSplits = planning.planSnapshot(keyed);
      unkeyedSplits = planning.planSnapshot(unkeyed);
    }
    // The planning source is gone, and its snapshot with it, as after a restart: key ranges are read in fresh
    // snapshots. Page ranges are not read outside their snapshot (the engine plans them again), except in a plan
    // made without one (exporting failed), which is what this one stands for.
    unkeyedSplits = unkeyedSplits.stream().map(split -> {
      com.fasterxml.jackson.databind.node.ObjectNode descriptor = split.descriptor().deepCopy();
      descriptor.remove("snapshot");
      return new Split(split.id(), descriptor, split.estimatedRows());
    }).toList();
    server.execute("""
        INSERT INTO chunks.growing_keyed SELECT g, 'late' FROM generate_series(-999, 0) g;
        INSERT INTO chunks.growing_keyed SELECT g, 'late' FROM generate_series(%1$d + 1, %1$d + 1000) g;
        INSERT INTO chunks.growing_unkeyed SELECT g, md5(g::text) FROM generate_series(%1$d + 1, %1$d + 50000) g;
        """.formatted(ROWS));
    assertThat(pages("chunks.growing_unkeyed")).isGreaterThan(lastPlannedPage(unkeyedSplits));
    try (Source reading = PostgresSourceFixture.source(config)) {
      assertCoversExactly(readFirstColumn(reading, keyed, keyedSplits), range(-999, ROWS + 1000));
      assertCoversExactly(readFirstColumn(reading, unkeyed, unkeyedSplits), range(1, ROWS + 50000));
    }
  }

  @Test
  void chunksReadInTheExportedSnapshotSeeTheTableAsItWasWhenPlanned() throws Exception {
    server.execute("""
        CREATE TABLE chunks.moving (id int PRIMARY KEY, payload text);
        INSERT INTO chunks.moving SELECT g, 'v1' FROM generate_series(1, 50000) g;
        ANALYZE chunks.moving;
        """);
    try (Source source = PostgresSourceFixture.source(config)) {
      StreamSpec spec = spec(source, "moving");
      List<Split> splits = source.planSnapshot(spec);
      assertThat(splits.get(0).descriptor().path("snapshot").asText()).isNotEmpty();
      server.execute("""
          DELETE FROM chunks.moving WHERE id % 2 = 0;
          INSERT INTO chunks.moving SELECT g, 'v2' FROM generate_series(50001, 60000) g;
          UPDATE chunks.moving SET payload = 'v2' WHERE id <= 100;
          """);
      List<Object[]> rows = new ArrayList<>();
      for (Split split : splits) {
        rows.addAll(PostgresSourceFixture.read(source, spec, split));
      }
      assertCoversExactly(rows.stream().map(r -> ((Number) r[0]).longValue()).toList(), range(1, 50000));
      assertThat(rows).allSatisfy(r -> assertThat(r[1]).isEqualTo("v1"));
    }
    try (Source afterRestart = PostgresSourceFixture.source(config)) {
      StreamSpec spec = spec(afterRestart, "moving");
      List<Long> odd = new ArrayList<>();
      for (long id = 1; id <= 50000; id += 2) {
        odd.add(id);
      }
      odd.addAll(range(50001, 60000));
      // The same plan, read after the snapshot is gone, falls back to a fresh one and sees the new state.
      List<Split> oldPlan = new ArrayList<>();
      try (Source planning = PostgresSourceFixture.source(config)) {
        oldPlan.addAll(planning.planSnapshot(spec));
      }
      assertCoversExactly(readFirstColumn(afterRestart, spec, oldPlan), odd);
    }
  }

  @Test
  void tableNeverAnalyzedIsMeasuredBySampling() throws Exception {
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(
            "SELECT reltuples FROM pg_class WHERE oid = 'chunks.never_analyzed'::regclass")) {
      result.next();
      assertThat(result.getDouble(1)).isEqualTo(-1);
    }
    try (Source source = PostgresSourceFixture.source(config)) {
      StreamSpec spec = spec(source, "never_analyzed");
      List<Split> splits = source.planSnapshot(spec);
      assertThat(splits).hasSizeBetween(4, 7);
      assertThat(splits.stream().mapToLong(Split::estimatedRows).sum()).isBetween(40_000L, 60_000L);
      assertCoversExactly(readFirstColumn(source, spec, splits), range(1, 50000));
    }
  }

  @Test
  void emptyTablesAreOneChunkThatStillReadsLaterRows() throws Exception {
    List<StreamSpec> specs = new ArrayList<>();
    List<Split> splits = new ArrayList<>();
    try (Source planning = PostgresSourceFixture.source(config)) {
      for (String table : List.of("empty_keyed", "empty_unkeyed")) {
        StreamSpec spec = spec(planning, table);
        specs.add(spec);
        splits.add(assertThat(planning.planSnapshot(spec)).singleElement().actual());
      }
    }
    assertThat(splits).allSatisfy(s -> {
      assertThat(s.id()).isEqualTo("table");
      assertThat(s.estimatedRows()).isZero();
    });
    server.execute("""
        INSERT INTO chunks.empty_keyed SELECT g FROM generate_series(1, 3000) g;
        INSERT INTO chunks.empty_unkeyed SELECT g FROM generate_series(1, 3000) g;
        """);
    try (Source reading = PostgresSourceFixture.source(config)) {
      for (int i = 0; i < specs.size(); i++) {
        assertCoversExactly(readFirstColumn(reading, specs.get(i), List.of(splits.get(i))), range(1, 3000));
      }
    }
  }

  @Test
  void partitionedTableWithoutKeyIsSplitIntoPageRangesOfEveryPartition() throws Exception {
    try (Source source = PostgresSourceFixture.source(config)) {
      Catalog catalog = source.discover();
      assertThat(catalog.streams()).noneMatch(s -> s.id().name().startsWith("parted_"));
      StreamSpec spec = PostgresSourceFixture.spec(PostgresSourceFixture.stream(catalog, "chunks", "parted"));
      List<Split> splits = source.planSnapshot(spec);
      assertThat(splits).hasSizeGreaterThan(2);
      assertThat(splits.get(0).descriptor().get("kind").asText()).isEqualTo("ctid");
      assertCoversExactly(readFirstColumn(source, spec, splits), range(1, 60000));
    }
  }

  private static StreamSpec spec(Source source, String table) {
    StreamDescriptor stream = PostgresSourceFixture.stream(source.discover(), "chunks", table);
    return PostgresSourceFixture.spec(stream);
  }

  private static List<Long> readFirstColumn(Source source, StreamSpec spec, List<Split> splits) throws Exception {
    List<Long> values = new ArrayList<>();
    for (Split split : splits) {
      for (Object[] row : PostgresSourceFixture.read(source, spec, split)) {
        values.add(((Number) row[0]).longValue());
      }
    }
    return values;
  }

  private static List<Long> readColumn(Source source, StreamSpec spec, List<Split> splits, String column)
      throws Exception {
    int position = spec.columns().stream().map(c -> c.name()).toList().indexOf(column);
    List<Long> values = new ArrayList<>();
    for (Split split : splits) {
      for (Object[] row : PostgresSourceFixture.read(source, spec, split)) {
        values.add(((Number) row[position]).longValue());
      }
    }
    return values;
  }

  private static void assertCoversExactly(List<Long> actual, List<Long> expected) {
    // Plain set arithmetic: AssertJ's containsAll compares element by element, quadratic at this size.
    Set<Long> distinct = new HashSet<>(actual);
    assertThat(actual.size() - distinct.size()).as("duplicate keys").isZero();
    assertThat(actual.size()).as("rows").isEqualTo(expected.size());
    List<Long> missing = expected.stream().filter(key -> !distinct.contains(key)).limit(10).toList();
    assertThat(missing).as("missing keys").isEmpty();
  }

  private static List<Long> expectedKeyedIds() {
    List<Long> ids = new ArrayList<>();
    for (long g = 1; g <= ROWS; g++) {
      ids.add(g * 3 - 100000);
    }
    return ids;
  }

  private static List<Long> range(long first, long last) {
    List<Long> values = new ArrayList<>();
    for (long v = first; v <= last; v++) {
      values.add(v);
    }
    return values;
  }

  private static long scalar(String sql) throws Exception {
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  private static long pages(String table) throws Exception {
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT pg_relation_size('" + table + "') / 8192")) {
      result.next();
      return result.getLong(1);
    }
  }

  private static long lastPlannedPage(List<Split> splits) {
    return splits.get(splits.size() - 1).descriptor().get("from_page").asLong();
  }
}
