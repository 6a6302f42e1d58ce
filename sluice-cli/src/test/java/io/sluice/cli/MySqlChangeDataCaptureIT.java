package io.sluice.cli;

import static io.sluice.cli.ChangeDataCaptureIT.assertSameRows;
import static io.sluice.cli.ChangeDataCaptureIT.useChangeLog;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testkit.IcebergReadBack;
import io.sluice.testkit.MariaDbServer;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
 * MariaDB into Iceberg end to end through the CLI: a chunked backfill and the binlog under a concurrent
 * insert/update/delete workload (multi-row transactions, key moves, multi-byte text, unsigned and exact decimal
 * values, a server in +02:00), then kill -9 during the backfill and while streaming. Each time the table read back
 * through the Iceberg catalog equals the source row for row, with no key twice.
 */
class MySqlChangeDataCaptureIT {
  private static final int ROWS = 20_000;
  private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");
  private static MariaDbServer server;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() {
    server = MariaDbServer.start();
    // Sessions that do not say otherwise (the workload's) write timestamps in +02:00; Sluice reads instants.
    server.execute("SET GLOBAL time_zone = '+02:00'");
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static void createOrders(String database, int rows) {
    server.execute("CREATE DATABASE " + database, """
        CREATE TABLE %s.orders (
          id BIGINT PRIMARY KEY, qty INT UNSIGNED NOT NULL, price DECIMAL(12,2), total BIGINT UNSIGNED,
          note VARCHAR(100), latin VARCHAR(40) CHARACTER SET latin1, created DATETIME(6), updated TIMESTAMP(6) NULL,
          day DATE, doc JSON, status ENUM('new','paid','shipped'))""".formatted(database),
        """
        INSERT INTO %s.orders SELECT seq, seq %% 4000000000, seq * 1.25, 18446744073709551615 - seq,
          CONCAT('note ', seq, ' Grüße 😀'), CONCAT('café ', seq), '2026-03-01 12:00:00.123456' + INTERVAL seq SECOND,
          '2026-03-01 12:00:00.5' + INTERVAL seq MINUTE, '2026-03-01' + INTERVAL (seq %% 400) DAY,
          CONCAT('{"n": ', seq, '}'), ELT(1 + seq %% 3, 'new', 'paid', 'shipped')
        FROM %s.seq_1_to_%d""".formatted(database, database, rows));
  }

  @Test
  void workloadDuringBackfillAndReplayConverges() throws Exception {
    createOrders("shop", ROWS);
    Workspace workspace = Workspace.createMySql(directory, server, "shop", 1_000);
    CliRun discover = workspace.discover();
    assertThat(discover.exitCode()).as(discover.all()).isZero();
    useChangeLog(workspace);

    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    Future<Integer> workload = thread.submit(() -> workload("shop", new Random(42), stop));
    try {
      Thread.sleep(300);
      CliRun first = workspace.sync();
      assertThat(first.exitCode()).as(first.all()).isZero();
      CliRun second = workspace.sync();
      assertThat(second.exitCode()).as(second.all()).isZero();
    } finally {
      stop.set(true);
      thread.shutdown();
    }
    assertThat(workload.get(1, TimeUnit.MINUTES)).as("statements run during the syncs").isGreaterThan(50);
    CliRun catchUp = workspace.sync();
    assertThat(catchUp.exitCode()).as(catchUp.all()).isZero();
    assertSameRows(destination(workspace, "shop"), source("shop"));
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      List<String> operations = iceberg.rows("shop", "orders").stream()
          .map(record -> (String) record.getField("_sluice_op")).distinct().toList();
      assertThat(operations).as("backfilled rows are reads, replayed ones changes").contains("read", "update");
    }
  }

  @Test
  void killedDuringBackfillAndWhileStreamingThenResumedEqualsTheSource() throws Exception {
    createOrders("crash", ROWS);
    Workspace workspace = Workspace.createMySql(directory, server, "crash", 1_000);
    assertThat(workspace.discover().exitCode()).isZero();
    useChangeLog(workspace);
    Random random = new Random(7);
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    Future<Integer> workload = thread.submit(() -> workload("crash", new Random(11), stop));
    try {
      List<String> arguments = new ArrayList<>(List.of(workspace.syncArguments()));
      arguments.addAll(List.of("--continuous", "--commit-interval-seconds", "1", "--commit-events", "500"));
      // The first kill lands early (usually in the backfill), the others while streaming.
      for (int trial = 0; trial < 3; trial++) {
        Process child = ChildSync.start(workspace, arguments);
        Thread.sleep(trial == 0 ? 1_500 : 3_000 + random.nextInt(3_000));
        assertThat(child.isAlive()).as("trial %d: the sync is still running (see child.log)", trial).isTrue();
        child.destroyForcibly().waitFor();
      }
    } finally {
      stop.set(true);
      thread.shutdown();
    }
    assertThat(workload.get(1, TimeUnit.MINUTES)).isGreaterThan(50);
    CliRun catchUp = workspace.sync();
    assertThat(catchUp.exitCode()).as(catchUp.all()).isZero();
    assertSameRows(destination(workspace, "crash"), source("crash"));
  }

  /**
   * Until stopped: inserts, single updates, deletes, a key move, and now and then a 300-row update in one
   * transaction. Returns how many statements ran.
   */
  private static int workload(String database, Random random, AtomicBoolean stop) throws Exception {
    int statements = 0;
    long nextId = 1_000_000;
    try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
      while (!stop.get()) {
        int id = 1 + random.nextInt(ROWS);
        switch (random.nextInt(10)) {
          case 0, 1, 2 -> statement.execute("INSERT INTO orders VALUES (" + nextId++ + ", 7, 9999999999.99, "
              + "18446744073709551615, 'ünïcödé ✓', 'naïve', NOW(6), NOW(6), CURDATE(), '{\"new\": true}', 'new')");
          case 3, 4, 5 -> statement.execute("UPDATE orders SET qty = qty + 1, price = price + 0.01, "
              + "updated = NOW(6), status = 'paid' WHERE id = " + id);
          case 6 -> statement.execute("DELETE FROM orders WHERE id = " + id);
          case 7 -> statement.execute("UPDATE orders SET id = " + nextId++ + " WHERE id = " + id);
          case 8 -> statement.execute("UPDATE orders SET total = total - 1, note = CONCAT(note, '+') WHERE id BETWEEN "
              + id + " AND " + (id + 300));
          default -> statement.execute("UPDATE orders SET doc = JSON_OBJECT('k', " + id + ") WHERE id = " + id);
        }
        statements++;
        Thread.sleep(2);
      }
    }
    return statements;
  }

  /** The source rows, read in UTC, as the values Iceberg should hold. */
  private static Map<Long, List<Object>> source(String database) throws Exception {
    Map<Long, List<Object>> rows = new TreeMap<>();
    try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
      statement.execute("SET time_zone = '+00:00'");
      try (ResultSet r = statement.executeQuery("SELECT id, qty, price, CAST(total AS CHAR), note, latin, "
          + "CAST(created AS CHAR), CAST(updated AS CHAR), CAST(day AS CHAR), doc, status FROM orders")) {
        while (r.next()) {
          rows.put(r.getLong(1), row(r.getLong(2), r.getBigDecimal(3), new BigDecimal(r.getString(4)),
              r.getString(5), r.getString(6), LocalDateTime.parse(r.getString(7), TEXT),
              r.getString(8) == null ? null : LocalDateTime.parse(r.getString(8), TEXT).atOffset(ZoneOffset.UTC),
              LocalDate.parse(r.getString(9)), r.getString(10), r.getString(11)));
        }
      }
    }
    return rows;
  }

  private static Map<Long, List<Object>> destination(Workspace workspace, String database) throws Exception {
    Map<Long, List<Object>> rows = new TreeMap<>();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      for (Record record : iceberg.rows(database, "orders")) {
        List<Object> previous = rows.put((Long) record.getField("id"), row(record.getField("qty"),
            record.getField("price"), record.getField("total"), record.getField("note"), record.getField("latin"),
            record.getField("created"), record.getField("updated"), record.getField("day"), record.getField("doc"),
            record.getField("status")));
        assertThat(previous).as("id %s twice in the destination", record.getField("id")).isNull();
      }
    }
    return rows;
  }

  private static List<Object> row(Object... values) {
    List<Object> row = new ArrayList<>();
    for (Object value : values) {
      row.add(value instanceof OffsetDateTime instant ? instant.toInstant() : value);
    }
    return row;
  }
}
