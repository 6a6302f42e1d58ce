package io.sluice.cli;

import io.sluice.testkit.IcebergReadBack;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental cursor sync end to end on a real PostgreSQL: 10,000 rows sharing one cursor value with pages of
 * 100, a run with nothing new, updates and inserts, the documented blindness to deletes, and status.
 */
class IncrementalSyncIT {
  private static PostgresServer server;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("""
        CREATE SCHEMA inc;
        CREATE TABLE inc.accounts (id bigint PRIMARY KEY, updated_at timestamp(6), balance numeric(12,2), note text);
        CREATE INDEX ON inc.accounts (updated_at, id);
        INSERT INTO inc.accounts
        SELECT g, timestamp '2026-03-01 12:00:00.123456', g * 1.25, 'note ' || g FROM generate_series(1, 10000) g;
        """);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static Map<Long, List<Object>> source() throws Exception {
    Map<Long, List<Object>> rows = new TreeMap<>();
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement();
        ResultSet r = statement.executeQuery("SELECT id, updated_at, balance, note FROM inc.accounts")) {
      while (r.next()) {
        rows.put(r.getLong(1), List.of(r.getObject(2, LocalDateTime.class), r.getBigDecimal(3), r.getString(4)));
      }
    }
    return rows;
  }

  private static Map<Long, List<Object>> destination(Workspace workspace) throws Exception {
    Map<Long, List<Object>> rows = new TreeMap<>();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      for (Record record : iceberg.rows("inc", "accounts")) {
        Object previous = rows.put((Long) record.getField("id"), List.of(record.getField("updated_at"),
            record.getField("balance"), record.getField("note")));
        assertThat(previous).as("id %s twice in the destination", record.getField("id")).isNull();
      }
    }
    return rows;
  }

  private static int snapshots(Workspace workspace) throws Exception {
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      int count = 0;
      for (var ignored : iceberg.table("inc", "accounts").snapshots()) {
        count++;
      }
      return count;
    }
  }

  private static void makeIncremental(Workspace workspace) throws Exception {
    ObjectNode root = (ObjectNode) JsonFiles.readObject(workspace.streams());
    ObjectNode stream = (ObjectNode) root.get("streams").get(0);
    assertThat(stream.get("supported_sync_modes").toString()).contains("incremental");
    stream.put("sync_mode", "incremental").put("cursor_field", "updated_at").put("page_size", 100);
    Files.writeString(workspace.streams(), JsonFiles.toText(root));
  }

  @Test
  void cursorSyncWithoutWedgesSkipsOrDuplicates() throws Exception {
    Workspace workspace = Workspace.create(directory, server, "inc", 1_000);
    assertThat(workspace.discover().exitCode()).isZero();
    makeIncremental(workspace);

    CliRun first = workspace.sync();
    assertThat(first.exitCode()).as(first.all()).isZero();
    assertThat(destination(workspace)).hasSize(10_000).isEqualTo(source());
    JsonNode position = JsonFiles.readObject(workspace.state()).at("/streams/inc.accounts/incremental/position");
    assertThat(position.toString()).isEqualTo("{\"cursor\":\"2026-03-01T12:00:00.123456\",\"key\":[10000]}");

    int snapshotsBefore = snapshots(workspace);
    CliRun nothingNew = workspace.sync();
    assertThat(nothingNew.exitCode()).as(nothingNew.all()).isZero();
    assertThat(snapshots(workspace)).as("a run with nothing new commits nothing").isEqualTo(snapshotsBefore);

    server.execute("""
        UPDATE inc.accounts SET updated_at = timestamp '2026-03-02 08:00:00.000001', balance = balance + 1,
          note = 'updated ✓' WHERE id % 20 = 0;
        INSERT INTO inc.accounts
        SELECT g, timestamp '2026-03-02 09:00:00', g, 'new' FROM generate_series(10001, 10100) g;
        DELETE FROM inc.accounts WHERE id = 7;
        """);
    CliRun second = workspace.sync();
    assertThat(second.exitCode()).as(second.all()).isZero();
    Map<Long, List<Object>> expected = source();
    Map<Long, List<Object>> actual = destination(workspace);
    assertThat(actual).as("deletes are not seen by cursor sync (documented): id 7 stays").containsKey(7L);
    actual.remove(7L);
    assertThat(actual).isEqualTo(expected);

    server.execute("""
        INSERT INTO inc.accounts SELECT g, timestamp '2026-03-03 00:00:00' + make_interval(secs => g), 0, 'later'
        FROM generate_series(20001, 21000) g;
        INSERT INTO inc.accounts VALUES (30000, NULL, 1, 'no cursor');
        """);
    CliRun status = CliRun.of(Workspace.ENVIRONMENT, "status", "--source", workspace.source().toString(),
        "--streams", workspace.streams().toString(), "--state", workspace.state().toString(), "--count-cap", "500");
    assertThat(status.exitCode()).as(status.all()).isZero();
    assertThat(status.out()).contains("inc.accounts").contains("incremental")
        .contains("cursor 2026-03-02T09:00").contains("rows behind >= 500")
        .contains("1 rows with NULL updated_at (not synced)").contains("lag 20h 50m");
  }

  @Test
  void statsEndpointServesTheBacklogAndLastPollDuringAContinuousSync() throws Exception {
    Workspace workspace = Workspace.create(directory, server, "inc", 1_000);
    assertThat(workspace.discover().exitCode()).isZero();
    makeIncremental(workspace);
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    List<String> arguments = new java.util.ArrayList<>(List.of(workspace.syncArguments()));
    arguments.addAll(List.of("--continuous", "--stats-port", Integer.toString(port)));
    java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
    var running = thread.submit(() -> CliRun.of(Workspace.ENVIRONMENT, arguments.toArray(String[]::new)));
    JsonNode stream = null;
    try {
      java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        try {
          String body = client.send(java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create("http://127.0.0.1:" + port + "/stats")).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString()).body();
          stream = JsonFiles.MAPPER.readTree(body).get("streams").get(0);
          if (stream.at("/position/last_poll_at").isTextual()) {
            break;
          }
        } catch (java.io.IOException e) {
          // not listening yet
        }
        Thread.sleep(100);
      }
    } finally {
      running.cancel(true);
      thread.shutdown();
    }
    assertThat(thread.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(stream).as("the endpoint answered").isNotNull();
    assertThat(stream.get("stream").asText()).isEqualTo("inc.accounts");
    assertThat(stream.at("/position/rows_behind").asLong()).as("measured before the first read").isPositive();
    assertThat(stream.at("/position/max_cursor").asText()).startsWith("2026-03-0");
    assertThat(stream.at("/position/last_poll_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(stream.at("/position/saved_cursor").asText()).as("after the first run").isNotEqualTo("none");
    assertThat(stream.get("rows_read").asLong()).isPositive();
  }

  @Test
  void statusOnATableAMillionRowsBehindCountsOnlyUpToTheCap() throws Exception {
    server.execute("""
        CREATE SCHEMA big;
        CREATE TABLE big.events (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL);
        INSERT INTO big.events SELECT g, timestamptz '2026-01-01 00:00:00+00' + make_interval(secs => g)
        FROM generate_series(1, 1000000) g;
        CREATE INDEX ON big.events (updated_at, id);
        ANALYZE big.events;
        """);
    Workspace workspace = Workspace.create(directory, server, "big", 100_000);
    assertThat(workspace.discover().exitCode()).isZero();
    ObjectNode root = (ObjectNode) JsonFiles.readObject(workspace.streams());
    ((ObjectNode) root.get("streams").get(0)).put("sync_mode", "incremental").put("cursor_field", "updated_at");
    Files.writeString(workspace.streams(), JsonFiles.toText(root));

    CliRun status = CliRun.of(Workspace.ENVIRONMENT, "status", "--source", workspace.source().toString(),
        "--streams", workspace.streams().toString(), "--state", workspace.state().toString());
    assertThat(status.exitCode()).as(status.all()).isZero();
    assertThat(status.out()).contains("big.events").contains("last poll never").contains("rows behind >= 100,000")
        .contains("max 2026-01-12T13:46:40Z");
  }

  @Test
  void aSecondaryCursorReadsTheRowsWhoseCursorIsNull() throws Exception {
    server.execute("""
        CREATE SCHEMA tick;
        CREATE TABLE tick.tickets (id bigint PRIMARY KEY, created_at timestamp(6) NOT NULL, updated_at timestamp(6),
          note text);
        INSERT INTO tick.tickets SELECT g, timestamp '2026-04-01 00:00:00' + make_interval(secs => g),
          CASE WHEN mod(g, 3) = 0 THEN NULL ELSE timestamp '2026-04-01 01:00:00' + make_interval(secs => g) END,
          'v1' FROM generate_series(1, 300) g;
        """);
    Workspace workspace = Workspace.create(directory, server, "tick", 1_000);
    assertThat(workspace.discover().exitCode()).isZero();
    ObjectNode root = (ObjectNode) JsonFiles.readObject(workspace.streams());
    ((ObjectNode) root.get("streams").get(0)).put("sync_mode", "incremental").put("cursor_field", "updated_at")
        .put("secondary_cursor_field", "created_at").put("page_size", 50);
    Files.writeString(workspace.streams(), JsonFiles.toText(root));

    CliRun first = workspace.sync();
    assertThat(first.exitCode()).as(first.all()).isZero();
    assertThat(tickets(workspace)).as("rows with a NULL cursor are read through created_at").hasSize(300)
        .isEqualTo(ticketsInSource());

    server.execute("""
        UPDATE tick.tickets SET updated_at = timestamp '2026-04-02 00:00:00', note = 'v2' WHERE id = 3;
        INSERT INTO tick.tickets VALUES (301, timestamp '2026-04-03 00:00:00', NULL, 'late, no cursor');
        """);
    CliRun second = workspace.sync();
    assertThat(second.exitCode()).as(second.all()).isZero();
    assertThat(tickets(workspace)).hasSize(301).isEqualTo(ticketsInSource());
  }

  private static Map<Long, String> ticketsInSource() throws Exception {
    Map<Long, String> rows = new TreeMap<>();
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement();
        ResultSet r = statement.executeQuery("SELECT id, note FROM tick.tickets")) {
      while (r.next()) {
        rows.put(r.getLong(1), r.getString(2));
      }
    }
    return rows;
  }

  private static Map<Long, String> tickets(Workspace workspace) throws Exception {
    Map<Long, String> rows = new TreeMap<>();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      for (Record record : iceberg.rows("tick", "tickets")) {
        assertThat(rows.put((Long) record.getField("id"), (String) record.getField("note"))).isNull();
      }
    }
    return rows;
  }
}
