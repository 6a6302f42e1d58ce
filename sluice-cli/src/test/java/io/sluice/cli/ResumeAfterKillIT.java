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
 * Also with a uuid key whose rows move to other pages between the kill and the resumed run, which reads its
 * remaining chunks in a new snapshot.
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
  void aUuidKeyedLoadResumedAfterItsRowsMovedHoldsEachRowOnce() throws Exception {
    Workspace workspace = Workspace.create(directory, server, "tags", 10_000);
    assertThat(workspace.discover().exitCode()).isZero();

    Process child = ChildSync.start(workspace, List.of(workspace.syncArguments()));
    int committedBeforeKill = waitForCommittedChunks(workspace.state(), "tags.labels", child, 3);
    child.destroyForcibly().waitFor();
    JsonNode plan = JsonFiles.readObject(workspace.state()).at("/streams/tags.labels/load/splits");
    assertThat(plan.get(0).at("/descriptor/kind").asText()).as(plan.toString()).isEqualTo("keys");
    assertThat(committedBeforeKill).as("killed before the load finished").isLessThan(plan.size());

    // Every row gets a new version on another page (the pages are full), its values unchanged, so the source is
    // the same table and the destination must equal it; page-range chunks would now read moved rows twice or not
    // at all.
    server.execute("UPDATE tags.labels SET pad = pad");
    CliRun resumed = workspace.sync();
    assertThat(resumed.exitCode()).as(resumed.all()).isZero();
    Map<String, List<Object>> expected = new java.util.TreeMap<>();
    try (java.sql.Connection connection = server.connect(PostgresServer.DATABASE);
        java.sql.Statement statement = connection.createStatement();
        java.sql.ResultSet rows = statement.executeQuery("SELECT code::text, n, pad FROM tags.labels")) {
      while (rows.next()) {
        expected.put(rows.getString(1), List.of(rows.getInt(2), rows.getString(3)));
      }
    }
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      List<org.apache.iceberg.data.Record> records = iceberg.rows("tags", "labels");
      Map<String, List<Object>> actual = new java.util.TreeMap<>();
      for (org.apache.iceberg.data.Record record : records) {
        actual.put(record.getField("code").toString(), List.of(record.getField("n"), record.getField("pad")));
      }
      assertThat(records).as("rows, none twice").hasSize(expected.size());
      assertThat(actual).isEqualTo(expected);
    }
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
