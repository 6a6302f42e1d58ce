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
 */
class ResumeAfterKillIT {
  private static final int ROWS = 300_000;
  private static PostgresServer server;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    ShopDataset.create(server, ROWS);
    server.execute("ANALYZE shop.orders");
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
    int committedBeforeKill = waitForCommittedChunks(workspace.state(), child, 3);
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

  /** Polls the state file until the load has at least {@code wanted} committed chunks; returns how many. */
  private static int waitForCommittedChunks(Path state, Process child, int wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      if (!child.isAlive()) {
        throw new AssertionError("the sync ended before it could be killed, exit " + child.exitValue());
      }
      if (Files.exists(state)) {
        try {
          JsonNode node = JsonFiles.readObject(state);
          String done = node.at("/streams/shop.orders/load/done").asText("");
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
