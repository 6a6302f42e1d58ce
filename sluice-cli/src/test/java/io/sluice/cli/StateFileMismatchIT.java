package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.testkit.IcebergReadBack;
import io.sluice.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state file that does not belong to this sync: one written for another source is refused with one line
 * (exit 2) before anything moves; one written for other streams of the same source is not an error: its entries
 * are kept untouched and this sync's streams start from nothing.
 */
class StateFileMismatchIT {
  private static PostgresServer server;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("""
        CREATE SCHEMA mismatch;
        CREATE TABLE mismatch.orders (id int PRIMARY KEY, total numeric(10,2));
        INSERT INTO mismatch.orders VALUES (1, 1.00), (2, 2.00);
        CREATE TABLE mismatch.customers (id int PRIMARY KEY, name text);
        INSERT INTO mismatch.customers VALUES (1, 'Ada');
        """);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** Keeps only the stream named {@code name} selected in the workspace's streams file. */
  private static void select(Workspace workspace, String name) throws Exception {
    ObjectNode root = (ObjectNode) JsonFiles.readObject(workspace.streams());
    root.get("streams").forEach(s -> ((ObjectNode) s).put("selected", s.get("name").asText().equals(name)));
    Files.writeString(workspace.streams(), JsonFiles.toText(root));
  }

  @Test
  void aStateFileOfAnotherSourceIsRefusedAndNothingMoves() throws Exception {
    Workspace workspace = Workspace.create(directory, server, "mismatch", 1_000);
    assertThat(workspace.discover().exitCode()).isZero();
    select(workspace, "orders");
    assertThat(workspace.sync().exitCode()).isZero();
    // The state file of another pipeline, copied over by mistake.
    ObjectNode state = (ObjectNode) JsonFiles.readObject(workspace.state());
    state.put("source", "postgres://10.0.0.5:5432/shop");
    Files.writeString(workspace.state(), JsonFiles.toText(state));
    String stateBefore = WarehouseContent.state(workspace.state());
    String destinationBefore = WarehouseContent.of(workspace.warehouse(), "mismatch.orders");
    server.execute("INSERT INTO mismatch.orders VALUES (3, 3.00)");

    CliRun sync = workspace.sync();
    assertThat(sync.exitCode()).as(sync.all()).isEqualTo(2);
    List<String> lines = sync.err().lines().filter(line -> !line.isBlank()).toList();
    assertThat(lines).as(sync.all()).hasSize(1);
    assertThat(lines.get(0)).isEqualTo("sluice: Cannot use state file " + workspace.state() + ": it was written for "
        + "source postgres://10.0.0.5:5432/shop, and this sync's source is postgres://127.0.0.1:" + server.port()
        + "/postgres; use that source's state file or a new one (if it is the same database under another address, "
        + "change 'source' in the state file)");
    assertThat(WarehouseContent.state(workspace.state())).isEqualTo(stateBefore);
    assertThat(WarehouseContent.of(workspace.warehouse(), "mismatch.orders")).as("row 3 not synced")
        .isEqualTo(destinationBefore);
  }

  @Test
  void aStateFileOfOtherStreamsKeepsTheirEntriesAndThisSyncStartsFresh() throws Exception {
    Workspace workspace = Workspace.create(directory, server, "mismatch", 1_000);
    assertThat(workspace.discover().exitCode()).isZero();
    select(workspace, "customers");
    assertThat(workspace.sync().exitCode()).isZero();
    var customersEntry = JsonFiles.readObject(workspace.state()).get("streams").get("mismatch.customers");
    String customersBefore = WarehouseContent.of(workspace.warehouse(), "mismatch.customers");

    select(workspace, "orders");
    CliRun sync = workspace.sync();
    assertThat(sync.exitCode()).as(sync.all()).isZero();
    var streams = JsonFiles.readObject(workspace.state()).get("streams");
    assertThat(streams.get("mismatch.customers")).as("the other streams' entry, untouched").isEqualTo(customersEntry);
    assertThat(streams.get("mismatch.orders").get("last_completed_load").get("rows").asLong()).isEqualTo(
        rowCount("mismatch.orders"));
    assertThat(WarehouseContent.of(workspace.warehouse(), "mismatch.customers")).isEqualTo(customersBefore);
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      assertThat(iceberg.rows("mismatch", "orders")).hasSize((int) rowCount("mismatch.orders"));
    }
  }

  private static long rowCount(String table) throws Exception {
    try (var connection = server.connect(PostgresServer.DATABASE);
        var statement = connection.createStatement();
        var result = statement.executeQuery("SELECT count(*) FROM " + table)) {
      result.next();
      return result.getLong(1);
    }
  }
}
