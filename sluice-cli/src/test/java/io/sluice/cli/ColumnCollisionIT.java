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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source columns whose names differ only in case ({@code "Amount"} and {@code amount}) are two columns in
 * PostgreSQL and could be two in Iceberg, but Spark, Trino and Hive resolve names case-insensitively (and
 * Iceberg's own case-insensitive lookup fails on such a table), so Sluice refuses them before writing: up front
 * when one stream selects both, and at the table when a new column collides with one the table already has.
 */
class ColumnCollisionIT {
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

  private static String oneErrorLine(CliRun run) {
    List<String> lines = run.err().lines().filter(line -> !line.isBlank()).toList();
    assertThat(lines).as("one line on stderr: " + run.all()).hasSize(1);
    assertThat(run.all()).as("no stack trace").doesNotContain("\tat ");
    return lines.get(0);
  }

  @Test
  void twoSelectedColumnsDifferingOnlyInCaseAreRefusedBeforeAnythingIsWritten() throws Exception {
    server.execute("""
        CREATE SCHEMA ledger;
        CREATE TABLE ledger.accounts (id int PRIMARY KEY, name text);
        INSERT INTO ledger.accounts VALUES (1, 'cash');
        CREATE TABLE ledger.entries (id int PRIMARY KEY, "Amount" numeric(10,2), amount numeric(10,2));
        INSERT INTO ledger.entries VALUES (1, 1.25, 2.50);
        """);
    Workspace workspace = Workspace.create(directory, server, "ledger", 1_000);
    assertThat(workspace.discover().exitCode()).isZero();

    CliRun sync = workspace.sync();
    assertThat(sync.exitCode()).as(sync.all()).isEqualTo(2);
    assertThat(oneErrorLine(sync)).isEqualTo("sluice: Invalid " + workspace.streams() + ": streams[1] "
        + "(ledger.entries) selects columns 'Amount' and 'amount', whose names differ only in case, so they would "
        + "collide in the destination table (Spark, Trino and Hive resolve column names case-insensitively); "
        + "deselect one of them in 'streams[1].columns', or rename one in the source");
    assertThat(workspace.warehouse()).as("no stream was written, the other one neither").doesNotExist();
    assertThat(workspace.state()).doesNotExist();

    // The fix the message gives: deselect one of them.
    ObjectNode root = (ObjectNode) JsonFiles.readObject(workspace.streams());
    ((ArrayNode) root.get("streams").get(1).get("columns")).remove(2);
    Files.writeString(workspace.streams(), JsonFiles.toText(root));
    CliRun again = workspace.sync();
    assertThat(again.exitCode()).as(again.all()).isZero();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      assertThat(iceberg.rows("ledger", "entries")).extracting(Object::toString).containsExactly("Record(1, 1.25)");
      assertThat(iceberg.table("ledger", "entries").schema().findField("Amount")).isNotNull();
    }
  }

  @Test
  void aColumnRenamedToAnotherCaseIsRefusedAtTheTableWhichKeepsItsContent() throws Exception {
    server.execute("""
        CREATE SCHEMA billing;
        CREATE TABLE billing.invoices (id int PRIMARY KEY, amount numeric(10,2));
        INSERT INTO billing.invoices VALUES (1, 10.00), (2, 20.00);
        """);
    Workspace workspace = Workspace.create(directory, server, "billing", 1_000);
    assertThat(workspace.discover().exitCode()).isZero();
    assertThat(workspace.sync().exitCode()).isZero();
    String before = WarehouseContent.of(workspace.warehouse(), "billing.invoices");

    server.execute("ALTER TABLE billing.invoices RENAME COLUMN amount TO \"Amount\"");
    CliRun stale = workspace.sync();
    assertThat(stale.exitCode()).as(stale.all()).isEqualTo(2);
    assertThat(oneErrorLine(stale)).contains("streams[0].columns[1] names column 'amount', which billing.invoices "
        + "does not have (did you mean 'Amount'?)");

    assertThat(workspace.discover().exitCode()).isZero();
    var firstLoad = WarehouseContent.lastCompletedLoad(workspace.state(), "billing.invoices");
    CliRun sync = workspace.sync();
    assertThat(sync.exitCode()).as(sync.all()).isEqualTo(1);
    List<String> failures = sync.out().lines()
        .filter(line -> line.startsWith("  ") && line.contains("FAILED: ")).toList();
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0)).contains("FAILED: Cannot add column 'Amount' to table billing.invoices: the table "
        + "has column 'amount', whose name differs only in case");
    assertThat(sync.all()).doesNotContain("\tat ");
    assertThat(WarehouseContent.of(workspace.warehouse(), "billing.invoices")).isEqualTo(before);
    assertThat(WarehouseContent.lastCompletedLoad(workspace.state(), "billing.invoices"))
        .as("still the first load's record: the failed load may be planned, but nothing was published")
        .isEqualTo(firstLoad).isNotNull();
  }
}
