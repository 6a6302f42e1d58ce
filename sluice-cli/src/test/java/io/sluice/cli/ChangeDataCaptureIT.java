package io.sluice.cli;

import io.sluice.testkit.IcebergReadBack;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL CDC into Iceberg end to end, through the CLI: a concurrent insert/update/delete workload (with
 * TOASTed text that updates leave unchanged) runs during the backfill and during the replay, and the table read
 * back through the Iceberg catalog equals the source row for row; then a column is added during CDC; then
 * continuous mode makes a change visible within the commit interval and stops cleanly on interrupt.
 */
class ChangeDataCaptureIT {
  private static final int ROWS = 20_000;
  private static final String BIG = "toast-".repeat(2_000); // 12 kB: stored out of line (TOAST)
  private static PostgresServer server;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("""
        CREATE SCHEMA cdc;
        CREATE TABLE cdc.accounts (id bigint PRIMARY KEY, balance numeric(12,2) NOT NULL, note text,
          big text, updated_at timestamptz NOT NULL);
        INSERT INTO cdc.accounts
        SELECT g, g * 1.25, 'note ' || g, CASE WHEN mod(g, 50) = 0 THEN repeat('toast-', 2000) || g END,
          timestamptz '2026-03-01 12:00:00.123456+00' + make_interval(secs => g)
        FROM generate_series(1, %d) g;
        ANALYZE cdc.accounts;
        """.formatted(ROWS));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void workloadDuringBackfillAndReplayConvergesThenSchemaChangesFollow() throws Exception {
    Workspace workspace = Workspace.create(directory, server, "cdc", 2_000);
    assertThat(workspace.discover().exitCode()).isZero();
    useChangeLog(workspace);

    Workload workload = new Workload(42);
    ExecutorService thread = Executors.newSingleThreadExecutor();
    Future<Integer> changes = thread.submit(workload);
    try {
      workload.awaitStarted();
      CliRun first = workspace.sync();
      assertThat(first.exitCode()).as(first.all()).isZero();
      CliRun second = workspace.sync();
      assertThat(second.exitCode()).as(second.all()).isZero();
    } finally {
      workload.stop();
      thread.shutdown();
    }
    assertThat(changes.get(1, TimeUnit.MINUTES)).as("changes made during the syncs").isGreaterThan(100);
    CliRun catchUp = workspace.sync();
    assertThat(catchUp.exitCode()).as(catchUp.all()).isZero();
    assertSameRows(destination(workspace), source());
    assertThat(operations(workspace)).as("backfilled rows are reads, replayed ones changes")
        .contains("read", "insert", "update").doesNotContain("delete");

    server.execute("""
        ALTER TABLE cdc.accounts ADD COLUMN region text;
        UPDATE cdc.accounts SET region = 'eu-' || (id % 3) WHERE id % 7 = 0;
        INSERT INTO cdc.accounts VALUES (9000001, 1.00, 'after alter', NULL, now(), 'us');
        """);
    CliRun evolved = workspace.sync();
    assertThat(evolved.exitCode()).as(evolved.all()).isZero();
    assertSameRows(destination(workspace), source());
    Map<Long, String> regions = new TreeMap<>();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      for (Record record : iceberg.rows("cdc", "accounts")) {
        if (record.getField("region") != null) {
          regions.put((Long) record.getField("id"), (String) record.getField("region"));
        }
      }
    }
    assertThat(regions).containsEntry(9000001L, "us").containsEntry(7L, "eu-1").containsEntry(14L, "eu-2");
  }

  @Test
  void continuousModeShowsAChangeWithinTheCommitIntervalAndStopsCleanly() throws Exception {
    server.execute("CREATE SCHEMA live; CREATE TABLE live.events (id bigint PRIMARY KEY, body text);"
        + "INSERT INTO live.events SELECT g, 'e' || g FROM generate_series(1, 100) g;");
    Workspace workspace = Workspace.create(directory, server, "live", 1_000);
    withSlot(workspace, "sluice_live");
    assertThat(workspace.discover().exitCode()).isZero();
    useChangeLog(workspace);
    assertThat(workspace.sync().exitCode()).isZero();

    List<String> arguments = new ArrayList<>(List.of(workspace.syncArguments()));
    arguments.addAll(List.of("--continuous", "--commit-interval-seconds", "1"));
    ExecutorService thread = Executors.newSingleThreadExecutor();
    Future<CliRun> running = thread.submit(() -> CliRun.of(Workspace.ENVIRONMENT, arguments.toArray(String[]::new)));
    try {
      Thread.sleep(2_000);
      server.execute("INSERT INTO live.events VALUES (101, 'live'); DELETE FROM live.events WHERE id = 5;");
      long start = System.nanoTime();
      long deadline = start + TimeUnit.SECONDS.toNanos(15);
      Map<Long, String> rows = Map.of();
      while (System.nanoTime() < deadline) {
        rows = events(workspace);
        if (rows.containsKey(101L) && !rows.containsKey(5L)) {
          break;
        }
        Thread.sleep(100);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(rows).as("visible after %.1f s", seconds).containsEntry(101L, "live").doesNotContainKey(5L);
      assertThat(seconds).as("within the 1 s commit interval plus a few seconds").isLessThan(6);
    } finally {
      running.cancel(true); // what SIGINT does to the sync thread
      thread.shutdown();
    }
    assertThat(thread.awaitTermination(30, TimeUnit.SECONDS)).as("stopped after the interrupt").isTrue();
    assertThat(events(workspace)).hasSize(100);
  }

  @Test
  void killedAtRandomMomentsWhileStreamingThenResumedEqualsTheSource() throws Exception {
    server.execute("CREATE SCHEMA crash; CREATE TABLE crash.items (id bigint PRIMARY KEY, n bigint, body text);"
        + "INSERT INTO crash.items SELECT g, 0, 'b' || g FROM generate_series(1, 5000) g;");
    Workspace workspace = Workspace.create(directory, server, "crash", 1_000);
    withSlot(workspace, "sluice_crash");
    assertThat(workspace.discover().exitCode()).isZero();
    useChangeLog(workspace);

    Random random = new Random(7);
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    Future<?> workload = thread.submit(() -> {
      long id = 100_000;
      while (!stop.get()) {
        server.execute("INSERT INTO crash.items VALUES (" + id++ + ", 0, 'new');"
            + "UPDATE crash.items SET n = n + 1 WHERE id = " + (1 + random.nextInt(5000)) + ";"
            + "DELETE FROM crash.items WHERE id = " + (1 + random.nextInt(5000)) + ";");
        Thread.sleep(3);
      }
      return null;
    });
    try {
      for (int trial = 0; trial < 3; trial++) {
        List<String> arguments = new ArrayList<>(List.of(workspace.syncArguments()));
        arguments.addAll(List.of("--continuous", "--commit-interval-seconds", "1", "--commit-events", "500"));
        Process child = ChildSync.start(workspace, arguments);
        Thread.sleep(2_500 + random.nextInt(3_000));
        assertThat(child.isAlive()).as("trial %d: the sync is still running", trial).isTrue();
        child.destroyForcibly().waitFor(); // kill -9
      }
    } finally {
      stop.set(true);
      workload.get(1, TimeUnit.MINUTES);
      thread.shutdown();
    }
    CliRun catchUp = workspace.sync();
    assertThat(catchUp.exitCode()).as(catchUp.all()).isZero();
    Map<Long, List<Object>> expected = new TreeMap<>();
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement();
        ResultSet r = statement.executeQuery("SELECT id, n, body FROM crash.items")) {
      while (r.next()) {
        expected.put(r.getLong(1), List.of(r.getLong(2), r.getString(3)));
      }
    }
    Map<Long, List<Object>> actual = new TreeMap<>();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      for (Record record : iceberg.rows("crash", "items")) {
        Object previous = actual.put((Long) record.getField("id"),
            List.of(record.getField("n"), record.getField("body")));
        assertThat(previous).as("id %s twice", record.getField("id")).isNull();
      }
    }
    assertSameRows(actual, expected);
  }

  /** Compares two tables by key; on a difference, fails naming the first ten differing keys, not whole tables. */
  static <K, V> void assertSameRows(Map<K, V> actual, Map<K, V> expected) {
    List<String> differences = new ArrayList<>();
    for (Map.Entry<K, V> row : expected.entrySet()) {
      V found = actual.get(row.getKey());
      if (!java.util.Objects.equals(found, row.getValue())) {
        differences.add(row.getKey() + ": expected " + abbreviate(row.getValue()) + ", found " + abbreviate(found));
      }
    }
    for (K key : actual.keySet()) {
      if (!expected.containsKey(key)) {
        differences.add(key + ": not in the source, found " + abbreviate(actual.get(key)));
      }
    }
    assertThat(differences.subList(0, Math.min(10, differences.size())))
        .as("%d differing keys of %d, the first ten", differences.size(), expected.size()).isEmpty();
  }

  private static String abbreviate(Object value) {
    String text = String.valueOf(value);
    return text.length() > 120 ? text.substring(0, 120) + "..." : text;
  }

  /** Gives the workspace its own replication slot and publication, so test classes sharing a server never clash. */
  private static void withSlot(Workspace workspace, String slot) throws Exception {
    ObjectNode source = (ObjectNode) JsonFiles.readObject(workspace.source());
    source.putObject("replication").put("slot", slot).put("publication", slot + "_publication");
    Files.writeString(workspace.source(), JsonFiles.toText(source));
  }

  /** Sets every stream of the workspace's streams file to cdc (which each must offer). */
  static void useChangeLog(Workspace workspace) throws Exception {
    ObjectNode root = (ObjectNode) JsonFiles.readObject(workspace.streams());
    for (var stream : root.get("streams")) {
      assertThat(stream.get("supported_sync_modes").toString()).contains("cdc");
      ((ObjectNode) stream).put("sync_mode", "cdc");
    }
    Files.writeString(workspace.streams(), JsonFiles.toText(root));
  }

  /** The source table, each row as comparable values (instants for timestamps). */
  private static Map<Long, List<Object>> source() throws Exception {
    Map<Long, List<Object>> rows = new TreeMap<>();
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement();
        ResultSet r = statement.executeQuery("SELECT id, balance, note, big, updated_at FROM cdc.accounts")) {
      while (r.next()) {
        rows.put(r.getLong(1), row(r.getBigDecimal(2), r.getString(3), r.getString(4),
            r.getObject(5, OffsetDateTime.class)));
      }
    }
    return rows;
  }

  private static Map<Long, List<Object>> destination(Workspace workspace) throws Exception {
    Map<Long, List<Object>> rows = new TreeMap<>();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      for (Record record : iceberg.rows("cdc", "accounts")) {
        List<Object> previous = rows.put((Long) record.getField("id"), row(record.getField("balance"),
            record.getField("note"), record.getField("big"), (OffsetDateTime) record.getField("updated_at")));
        assertThat(previous).as("id %s twice in the destination", record.getField("id")).isNull();
      }
    }
    return rows;
  }

  private static List<Object> row(Object balance, Object note, Object big, OffsetDateTime updatedAt) {
    List<Object> row = new ArrayList<>();
    row.add(balance);
    row.add(note);
    row.add(big);
    row.add(updatedAt.toInstant());
    return row;
  }

  private static List<String> operations(Workspace workspace) throws Exception {
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      return iceberg.rows("cdc", "accounts").stream().map(r -> (String) r.getField("_sluice_op")).distinct().toList();
    }
  }

  private static Map<Long, String> events(Workspace workspace) throws Exception {
    Map<Long, String> rows = new TreeMap<>();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      for (Record record : iceberg.rows("live", "events")) {
        rows.put((Long) record.getField("id"), (String) record.getField("body"));
      }
    }
    return rows;
  }

  /**
   * Random inserts, updates (most leave the TOASTed column unchanged) and deletes, one per transaction, with now
   * and then a transaction of 200 updates, until stopped. Returns how many statements it ran.
   */
  private static final class Workload implements java.util.concurrent.Callable<Integer> {
    private final Random random;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);

    Workload(long seed) {
      this.random = new Random(seed);
    }

    void awaitStarted() throws InterruptedException {
      started.await(30, TimeUnit.SECONDS);
    }

    void stop() {
      stopped.set(true);
    }

    @Override
    public Integer call() throws Exception {
      int statements = 0;
      long nextId = 1_000_000;
      try (Connection connection = server.connect(PostgresServer.DATABASE);
          PreparedStatement insert = connection.prepareStatement(
              "INSERT INTO cdc.accounts VALUES (?, ?, 'inserted', ?, now())");
          PreparedStatement touch = connection.prepareStatement(
              "UPDATE cdc.accounts SET balance = balance + 1, updated_at = now() WHERE id = ?");
          PreparedStatement rewrite = connection.prepareStatement(
              "UPDATE cdc.accounts SET note = 'rewritten ' || id, big = ? WHERE id = ?");
          PreparedStatement delete = connection.prepareStatement("DELETE FROM cdc.accounts WHERE id = ?")) {
        started.countDown();
        while (!stopped.get()) {
          int dice = random.nextInt(100);
          long target = 1 + random.nextInt(ROWS);
          if (dice < 30) {
            insert.setLong(1, nextId++);
            insert.setBigDecimal(2, java.math.BigDecimal.valueOf(random.nextInt(1_000_000), 2));
            insert.setString(3, random.nextInt(10) == 0 ? BIG + nextId : null);
            insert.executeUpdate();
          } else if (dice < 75) {
            touch.setLong(1, target - target % 50); // rows with TOASTed text; the update leaves it unchanged
            touch.executeUpdate();
          } else if (dice < 85) {
            rewrite.setString(1, random.nextBoolean() ? BIG + "v2" : null);
            rewrite.setLong(2, target);
            rewrite.executeUpdate();
          } else if (dice < 98) {
            delete.setLong(1, target);
            delete.executeUpdate();
          } else {
            connection.setAutoCommit(false);
            for (int i = 0; i < 200; i++) {
              touch.setLong(1, 1 + random.nextInt(ROWS));
              touch.executeUpdate();
            }
            connection.commit();
            connection.setAutoCommit(true);
          }
          statements++;
          Thread.sleep(Duration.ofMillis(2).toMillis());
        }
      }
      return statements;
    }
  }
}
