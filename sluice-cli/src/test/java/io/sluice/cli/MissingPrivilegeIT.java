package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A login role that can connect but may not read a selected table (SELECT revoked after discover, or no USAGE on
 * the schema): {@code check} names the table, the missing privilege and the GRANT to run; {@code sync} refuses with
 * one line saying the same before it writes anything, so no table, other streams' included, moves and the state
 * file stays as it was; once granted, the same files sync.
 */
class MissingPrivilegeIT {
  private static final String ROLE_PASSWORD = "etl-Role-Secret-5521";
  private static final Map<String, String> ENVIRONMENT = Map.of("ETL_PASSWORD", ROLE_PASSWORD);
  private static PostgresServer server;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("""
        CREATE ROLE etl LOGIN PASSWORD '%s';
        CREATE SCHEMA shop;
        CREATE TABLE shop.orders (id bigint PRIMARY KEY, total numeric(10,2));
        INSERT INTO shop.orders VALUES (1, 9.99), (2, 20.00);
        CREATE TABLE shop.payroll (id int PRIMARY KEY, salary numeric(10,2));
        INSERT INTO shop.payroll VALUES (1, 5000.00);
        GRANT USAGE ON SCHEMA shop TO etl;
        GRANT SELECT ON shop.orders, shop.payroll TO etl;
        CREATE SCHEMA hr;
        CREATE TABLE hr.staff (id int PRIMARY KEY, name text);
        INSERT INTO hr.staff VALUES (1, 'Ada');
        """.formatted(ROLE_PASSWORD));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static void runAs(Workspace workspace, String role) throws Exception {
    ObjectNode source = (ObjectNode) JsonFiles.readObject(workspace.source());
    source.put("username", role).put("password", "${ETL_PASSWORD}");
    Files.writeString(workspace.source(), JsonFiles.toText(source));
  }

  private static CliRun sync(Workspace workspace) {
    return CliRun.of(ENVIRONMENT, workspace.syncArguments());
  }

  private static String oneErrorLine(CliRun run) {
    List<String> lines = run.err().lines().filter(line -> !line.isBlank()).toList();
    assertThat(lines).as("one line on stderr: " + run.all()).hasSize(1);
    assertThat(run.all()).as("no stack trace").doesNotContain("\tat ").doesNotContain(ROLE_PASSWORD);
    return lines.get(0);
  }

  @Test
  void aRevokedSelectIsNamedByCheckAndStopsTheSyncBeforeAnyTableIsWritten() throws Exception {
    Workspace workspace = Workspace.create(directory, server, "shop", 1_000);
    runAs(workspace, "etl");
    CliRun discover = CliRun.of(ENVIRONMENT, "discover", "--source", workspace.source().toString(), "--output",
        workspace.streams().toString());
    assertThat(discover.exitCode()).as(discover.all()).isZero();
    CliRun first = sync(workspace);
    assertThat(first.exitCode()).as(first.all()).isZero();
    String destinationBefore = WarehouseContent.of(workspace.warehouse(), "shop.orders", "shop.payroll");
    String stateBefore = WarehouseContent.state(workspace.state());

    server.execute("REVOKE SELECT ON shop.payroll FROM etl; INSERT INTO shop.orders VALUES (3, 30.00)");

    CliRun check = CliRun.of(ENVIRONMENT, "check", "--source", workspace.source().toString());
    assertThat(check.exitCode()).as(check.all()).isEqualTo(3);
    assertThat(check.out()).contains("FAILED select privilege on shop.payroll: Role etl cannot read shop.payroll: "
        + "run GRANT SELECT ON \"shop\".\"payroll\" TO \"etl\"").contains("ok     connect");
    assertThat(check.all()).doesNotContain(ROLE_PASSWORD);

    CliRun sync = sync(workspace);
    assertThat(sync.exitCode()).as(sync.all()).isEqualTo(1);
    assertThat(oneErrorLine(sync)).isEqualTo("sluice: Cannot sync shop.payroll (streams[1] of " + workspace.streams()
        + "): role etl lacks SELECT on table shop.payroll; run GRANT SELECT ON \"shop\".\"payroll\" TO \"etl\", or "
        + "deselect the stream (\"selected\": false)");
    assertThat(sync.out()).as("no stream started, so no summary").isEmpty();
    assertThat(WarehouseContent.of(workspace.warehouse(), "shop.orders", "shop.payroll"))
        .as("orders did not get row 3 either: nothing was written").isEqualTo(destinationBefore);
    assertThat(WarehouseContent.state(workspace.state())).isEqualTo(stateBefore);

    CliRun rediscover = CliRun.of(ENVIRONMENT, "discover", "--source", workspace.source().toString());
    assertThat(rediscover.exitCode()).as(rediscover.all()).isZero();
    assertThat(rediscover.out()).contains("\"name\" : \"orders\"").doesNotContain("payroll");
    assertThat(rediscover.err()).contains("sluice: left out shop.payroll: role etl lacks SELECT on table "
        + "shop.payroll; run GRANT SELECT ON \"shop\".\"payroll\" TO \"etl\"");

    server.execute("GRANT SELECT ON shop.payroll TO etl");
    CliRun granted = sync(workspace);
    assertThat(granted.exitCode()).as(granted.all()).isZero();
    assertThat(WarehouseContent.of(workspace.warehouse(), "shop.orders")).contains("Record(3, 30.00)");
  }

  @Test
  void aSchemaWithoutUsageIsNamedAndNothingIsWritten() throws Exception {
    Workspace workspace = Workspace.create(directory, server, "hr", 1_000);
    assertThat(workspace.discover().exitCode()).as("discovered by the owner").isZero();
    runAs(workspace, "etl");

    CliRun check = CliRun.of(ENVIRONMENT, "check", "--source", workspace.source().toString());
    assertThat(check.exitCode()).as(check.all()).isEqualTo(3);
    assertThat(check.out()).contains("FAILED schema hr: Role etl cannot use schema 'hr': run GRANT USAGE ON SCHEMA "
        + "\"hr\" TO \"etl\"");

    CliRun sync = sync(workspace);
    assertThat(sync.exitCode()).as(sync.all()).isEqualTo(1);
    assertThat(oneErrorLine(sync)).isEqualTo("sluice: Cannot sync hr.staff (streams[0] of " + workspace.streams()
        + "): role etl lacks USAGE on schema hr; run GRANT USAGE ON SCHEMA \"hr\" TO \"etl\", or deselect the stream "
        + "(\"selected\": false)");
    assertThat(workspace.warehouse()).doesNotExist();
    assertThat(workspace.state()).doesNotExist();
    assertThat(Path.of(workspace.state() + ".lock")).doesNotExist();
  }
}
