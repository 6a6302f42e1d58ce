package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.testkit.IcebergReadBack;
import io.sluice.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source changes between {@code discover} (the streams file) and {@code sync}. The streams file is what the
 * user reviewed and the live source decides the types, so:
 *
 * <ul>
 *   <li>a dropped table or a dropped selected column: one line naming the streams file, the stream (and column)
 *       and "run discover again", exit 2, nothing written;
 *   <li>an added column: the sync goes on with the selected columns and says, in one line, which columns it
 *       leaves out and how to add them;
 *   <li>a type change Iceberg can follow (int to bigint): followed, the values exact;
 *   <li>one it cannot (int to text): that stream fails with one line naming column, table and both types, before
 *       writing; the table keeps its content and schema, and the state lets the next sync go on.
 * </ul>
 */
class SchemaDriftIT {
  private static PostgresServer server;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** A schema with orders(id, qty, note, code) and archive(id), discovered and synced once. */
  private Workspace syncedOnce(String schema) throws Exception {
    server.execute("""
        CREATE SCHEMA %1$s;
        CREATE TABLE %1$s.orders (id int PRIMARY KEY, qty int, note text, code int);
        INSERT INTO %1$s.orders VALUES (1, 10, 'first', 7), (2, 20, 'second', 8);
        CREATE TABLE %1$s.archive (id int PRIMARY KEY);
        INSERT INTO %1$s.archive VALUES (1);
        """.formatted(schema));
    Workspace workspace = Workspace.create(directory, server, schema, 1_000);
    CliRun discover = workspace.discover();
    assertThat(discover.exitCode()).as(discover.all()).isZero();
    CliRun sync = workspace.sync();
    assertThat(sync.exitCode()).as(sync.all()).isZero();
    return workspace;
  }

  private static String oneErrorLine(CliRun run) {
    List<String> lines = run.err().lines().filter(line -> !line.isBlank()).toList();
    assertThat(lines).as("one line on stderr: " + run.all()).hasSize(1);
    assertThat(run.all()).as("no stack trace").doesNotContain("\tat ");
    return lines.get(0);
  }

  private static String content(Workspace workspace, String schema) throws Exception {
    return WarehouseContent.of(workspace.warehouse(), schema + ".orders", schema + ".archive");
  }

  @Test
  void aDroppedTableIsNamedWithTheStreamsFileAndNothingMoves() throws Exception {
    Workspace workspace = syncedOnce("drop_table");
    String before = content(workspace, "drop_table");
    String stateBefore = WarehouseContent.state(workspace.state());
    server.execute("DROP TABLE drop_table.archive; INSERT INTO drop_table.orders VALUES (3, 30, 'third', 9)");

    CliRun sync = workspace.sync();
    assertThat(sync.exitCode()).as(sync.all()).isEqualTo(2);
    assertThat(oneErrorLine(sync)).isEqualTo("sluice: Invalid " + workspace.streams() + ": streams[0] names table "
        + "drop_table.archive, which does not exist in the source (or is not readable); run discover again or remove "
        + "the stream");
    assertThat(content(workspace, "drop_table")).isEqualTo(before);
    assertThat(WarehouseContent.state(workspace.state())).isEqualTo(stateBefore);
  }

  @Test
  void aDroppedSelectedColumnIsNamedUntilTheStreamsFileDropsItToo() throws Exception {
    Workspace workspace = syncedOnce("drop_column");
    String before = content(workspace, "drop_column");
    String stateBefore = WarehouseContent.state(workspace.state());
    server.execute("ALTER TABLE drop_column.orders DROP COLUMN note");

    CliRun sync = workspace.sync();
    assertThat(sync.exitCode()).as(sync.all()).isEqualTo(2);
    assertThat(oneErrorLine(sync)).startsWith("sluice: Invalid " + workspace.streams() + ": streams[1].columns[2] "
        + "names column 'note', which drop_column.orders does not have").endsWith("; run discover again or remove it");
    assertThat(content(workspace, "drop_column")).isEqualTo(before);
    assertThat(WarehouseContent.state(workspace.state())).isEqualTo(stateBefore);

    // The fix the message gives: the column leaves the selection; the table keeps it, null from now on.
    ObjectNode root = (ObjectNode) JsonFiles.readObject(workspace.streams());
    ((ArrayNode) root.get("streams").get(1).get("columns")).remove(2);
    Files.writeString(workspace.streams(), JsonFiles.toText(root));
    CliRun again = workspace.sync();
    assertThat(again.exitCode()).as(again.all()).isZero();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      assertThat(iceberg.rows("drop_column", "orders")).extracting(Object::toString)
          .containsExactlyInAnyOrder("Record(1, 10, null, 7)", "Record(2, 20, null, 8)");
    }
  }

  @Test
  void anAddedColumnIsNamedAndLeftOutUntilSelected() throws Exception {
    Workspace workspace = syncedOnce("add_column");
    server.execute("""
        ALTER TABLE add_column.orders ADD COLUMN discount numeric(5,2);
        UPDATE add_column.orders SET discount = 1.50, qty = qty + 1;
        INSERT INTO add_column.orders VALUES (3, 30, 'third', 9, 2.25);
        """);

    CliRun sync = workspace.sync();
    assertThat(sync.exitCode()).as(sync.all()).isZero();
    assertThat(oneErrorLine(sync)).isEqualTo("sluice: note: add_column.orders has column(s) discount (numeric(5,2)) "
        + "that " + workspace.streams() + " does not select, so they are not synced; add them to the stream's "
        + "\"columns\" (or run discover again) to sync them");
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      assertThat(iceberg.table("add_column", "orders").schema().findField("discount")).isNull();
      assertThat(iceberg.rows("add_column", "orders")).extracting(Object::toString).containsExactlyInAnyOrder(
          "Record(1, 11, first, 7)", "Record(2, 21, second, 8)", "Record(3, 30, third, 9)");
    }

    CliRun discover = workspace.discover();
    assertThat(discover.exitCode()).as(discover.all()).isZero();
    CliRun selected = workspace.sync();
    assertThat(selected.exitCode()).as(selected.all()).isZero();
    assertThat(selected.err()).doesNotContain("sluice: note");
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      assertThat(iceberg.rows("add_column", "orders")).extracting(Object::toString).containsExactlyInAnyOrder(
          "Record(1, 11, first, 7, 1.50)", "Record(2, 21, second, 8, 1.50)", "Record(3, 30, third, 9, 2.25)");
    }
  }

  @Test
  void aWideningTypeChangeIsFollowedAndANarrowingOneFailsTheStreamBeforeWriting() throws Exception {
    Workspace workspace = syncedOnce("retype");
    server.execute("""
        ALTER TABLE retype.orders ALTER COLUMN qty TYPE bigint;
        UPDATE retype.orders SET qty = 5000000000 WHERE id = 2;
        """);
    CliRun widened = workspace.sync();
    assertThat(widened.exitCode()).as(widened.all()).isZero();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      assertThat(iceberg.table("retype", "orders").schema().findType("qty")).isEqualTo(Types.LongType.get());
      assertThat(iceberg.rows("retype", "orders")).extracting(Object::toString)
          .containsExactlyInAnyOrder("Record(1, 10, first, 7)", "Record(2, 5000000000, second, 8)");
    }
    String before = WarehouseContent.of(workspace.warehouse(), "retype.orders");
    var publishedLoad = WarehouseContent.lastCompletedLoad(workspace.state(), "retype.orders");

    server.execute("ALTER TABLE retype.orders ALTER COLUMN code TYPE text USING 'C-' || code");
    CliRun narrowed = workspace.sync();
    assertThat(narrowed.exitCode()).as(narrowed.all()).isEqualTo(1);
    assertThat(narrowed.out()).contains("Sync FAILED: 1 stream(s) ok, 1 failed");
    List<String> failures = narrowed.out().lines()
        .filter(line -> line.startsWith("  ") && line.contains("FAILED: ")).toList();
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0)).contains("retype.orders").contains("FAILED: Cannot write column 'code' to table "
        + "retype.orders: the table has type int and the stream now has string (source type text)")
        .contains("Deselect the column in the streams file");
    assertThat(narrowed.all()).as("no stack trace").doesNotContain("\tat ");
    assertThat(WarehouseContent.of(workspace.warehouse(), "retype.orders")).as("schema, snapshot and rows as before")
        .isEqualTo(before);
    assertThat(WarehouseContent.lastCompletedLoad(workspace.state(), "retype.orders"))
        .as("the state still names the load the table holds").isEqualTo(publishedLoad).isNotNull();

    // The state is still consistent: with the column left out (the documented way on), the next sync publishes.
    ObjectNode root = (ObjectNode) JsonFiles.readObject(workspace.streams());
    ((ArrayNode) root.get("streams").get(1).get("columns")).remove(3);
    Files.writeString(workspace.streams(), JsonFiles.toText(root));
    CliRun again = workspace.sync();
    assertThat(again.exitCode()).as(again.all()).isZero();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      assertThat(iceberg.rows("retype", "orders")).extracting(Object::toString)
          .containsExactlyInAnyOrder("Record(1, 10, first, null)", "Record(2, 5000000000, second, null)");
    }
  }
}
