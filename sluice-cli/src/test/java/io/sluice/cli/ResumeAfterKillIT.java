package io.sluice.cli;

import io.sluice.testkit.IcebergReadBack;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of a multi-chunk load, then the same sync again: the destination ends up equal to the
 * source (no row missing, none twice) and the second run does not re-read the chunks committed before the kill.
 * Also when every row moves to another page between the kill and the next run: a text key stored in its own order
 * (key spans) goes on where it stopped, a random uuid key (page ranges, which a new snapshot cannot continue
 * exactly) starts over; both end up equal to the source.
 */
class ResumeAfterKillIT {
  private static final int ROWS = 300_000;
  private static PostgresServer server;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    ShopDataset.create(server, ROWS);
    server.execute("""
        ANALYZE shop.orders;
        CREATE SCHEMA tags;
        CREATE TABLE tags.labels (code uuid PRIMARY KEY, n int NOT NULL, pad text NOT NULL) WITH (fillfactor = 100);
        INSERT INTO tags.labels SELECT md5(g::text)::uuid, g, repeat('p', 60) FROM generate_series(1, 200000) g;
        ANALYZE tags.labels;
        CREATE SCHEMA codes;
        CREATE TABLE codes.labels (code text PRIMARY KEY, n int NOT NULL, pad text NOT NULL) WITH (fillfactor = 100);
        INSERT INTO codes.labels SELECT 'L' || lpad(g::text, 8, '0'), g, repeat('p', 60)
          FROM generate_series(1, 200000) g;
        ANALYZE codes.labels;
        """);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void killedMidLoadThenResumedEqualsTheSource() throws Exception {
    Workspace workspace = Workspace.create(directory, server, "shop", 10_000);
    assertThat(workspace.discover().exitCode()).isZero();

    Process child = ChildSync.start(workspace, List.of(workspace.syncArguments()));
    int committedBeforeKill = waitForCommittedChunks(workspace.state(), "shop.orders", child, 3);
    child.destroyForcibly().waitFor();
    assertThat(committedBeforeKill).as("killed before the load finished").isBetween(3, 29);

    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      assertThat(iceberg.rows("shop", "orders")).as("readers never see a half-loaded table").isEmpty();
    }

    CliRun resumed = workspace.sync();
    assertThat(resumed.exitCode()).as(resumed.all()).isZero();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      Map<Long, List<Object>> expected = ShopDataset.fromPostgres(server);
      Map<Long, List<Object>> actual = ShopDataset.fromIceberg(iceberg.rows("shop", "orders"));
      assertThat(actual).hasSize(ROWS);
      assertThat(ShopDataset.sumOfAmounts(actual)).isEqualByComparingTo(ShopDataset.sumOfAmounts(expected));
      assertThat(actual).isEqualTo(expected);
    }
    JsonNode state = JsonFiles.readObject(workspace.state());
    assertThat(state.at("/streams/shop.orders/last_completed_load/rows").asLong()).isEqualTo(ROWS);
  }

  @Test
  void aTextKeyedLoadGoesOnWhereItStoppedAfterItsRowsMoved() throws Exception {
    assertThat(killMoveEveryRowAndSyncAgain("codes", "keys")).as("the load that was killed is the one published")
        .isTrue();
  }

  @Test
  void aRandomUuidKeyedLoadStartsOverAfterItsRowsMoved() throws Exception {
    assertThat(killMoveEveryRowAndSyncAgain("tags", "ctid")).as("a new load is published").isFalse();
  }

  /**
   * Kills a load of {@code schema.labels} after three chunks, gives every row a new version on another page (the
   * pages are full) with its values unchanged, syncs again and checks that the table equals the source: each row
   * once, none missing. Page ranges read outside their snapshot would now read moved rows twice or not at all.
   *
   * @return whether the load published is the one that was killed (it went on) rather than a new one
   */
  private boolean killMoveEveryRowAndSyncAgain(String schema, String expectedChunkKind) throws Exception {
    Workspace workspace = Workspace.create(directory, server, schema, 10_000);
    assertThat(workspace.discover().exitCode()).isZero();

    Process child = ChildSync.start(workspace, List.of(workspace.syncArguments()));
    int committedBeforeKill = waitForCommittedChunks(workspace.state(), schema + ".labels", child, 3);
    child.destroyForcibly().waitFor();
    JsonNode killed = JsonFiles.readObject(workspace.state()).at("/streams/" + schema + ".labels/load");
    JsonNode plan = killed.get("splits");
    assertThat(plan.get(0).at("/descriptor/kind").asText()).as(plan.toString()).isEqualTo(expectedChunkKind);
    assertThat(committedBeforeKill).as("killed before the load finished").isLessThan(plan.size());

    server.execute("UPDATE " + schema + ".labels SET pad = pad");
    CliRun resumed = workspace.sync();
    assertThat(resumed.exitCode()).as(resumed.all()).isZero();
    Map<String, List<Object>> expected = new java.util.TreeMap<>();
    try (java.sql.Connection connection = server.connect(PostgresServer.DATABASE);
        java.sql.Statement statement = connection.createStatement();
        java.sql.ResultSet rows = statement.executeQuery("SELECT code::text, n, pad FROM " + schema + ".labels")) {
      while (rows.next()) {
        expected.put(rows.getString(1), List.of(rows.getInt(2), rows.getString(3)));
      }
    }
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      List<org.apache.iceberg.data.Record> records = iceberg.rows(schema, "labels");
      Map<String, List<Object>> actual = new java.util.TreeMap<>();
      for (org.apache.iceberg.data.Record record : records) {
        actual.put(record.getField("code").toString(), List.of(record.getField("n"), record.getField("pad")));
      }
      assertThat(records).as("rows, none twice").hasSize(expected.size());
      assertThat(actual).isEqualTo(expected);
    }
    return JsonFiles.readObject(workspace.state()).at("/streams/" + schema + ".labels/last_completed_load/id").asText()
        .equals(killed.get("id").asText());
  }

  /** Polls the state file until the load has at least {@code wanted} committed chunks; returns how many. */
  private static int waitForCommittedChunks(Path state, String stream, Process child, int wanted)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      if (!child.isAlive()) {
        throw new AssertionError("the sync ended before it could be killed, exit " + child.exitValue());
      }
      if (Files.exists(state)) {
        try {
          JsonNode node = JsonFiles.readObject(state);
          String done = node.at("/streams/" + stream + "/load/done").asText("");
          int count = io.sluice.engine.state.ChunkSet.decode(done).size();
          if (count >= wanted) {
            return count;
          }
        } catch (RuntimeException e) {
          // the file is replaced atomically, so a read sees the old or the new content; retry on anything else
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no chunk was committed within 3 minutes");
  }
}
