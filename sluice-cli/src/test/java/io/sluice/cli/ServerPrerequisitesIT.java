package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server-side prerequisites of cdc that a user without the rights meets: {@code check} names each missing one
 * with the fix, and {@code sync} fails with one line giving the SQL an administrator must run, writing nothing.
 */
class ServerPrerequisitesIT {
  private static final String ROLE_PASSWORD = "limited-role-Secret-91";
  private static PostgresServer server;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("""
        CREATE SCHEMA prereq;
        CREATE TABLE prereq.orders (id bigint PRIMARY KEY, total numeric(10,2));
        INSERT INTO prereq.orders VALUES (1, 9.99);
        CREATE ROLE limited LOGIN PASSWORD '%s';
        GRANT USAGE ON SCHEMA prereq TO limited;
        GRANT SELECT ON prereq.orders TO limited;
        """.formatted(ROLE_PASSWORD));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private Workspace limitedWorkspace() throws Exception {
    Workspace workspace = Workspace.create(directory, server, "prereq", 1_000);
    ObjectNode source = (ObjectNode) JsonFiles.readObject(workspace.source());
    source.put("username", "limited").put("password", "${LIMITED_PASSWORD}");
    Files.writeString(workspace.source(), JsonFiles.toText(source));
    return workspace;
  }

  private static final Map<String, String> ENVIRONMENT = Map.of("LIMITED_PASSWORD", ROLE_PASSWORD);

  @Test
  void aRoleWithoutReplicationRightsIsToldWhatToRun() throws Exception {
    Workspace workspace = limitedWorkspace();
    CliRun discover = CliRun.of(ENVIRONMENT, "discover", "--source", workspace.source().toString(), "--output",
        workspace.streams().toString());
    assertThat(discover.exitCode()).as(discover.all()).isZero();
    ObjectNode root = (ObjectNode) JsonFiles.readObject(workspace.streams());
    ((ObjectNode) root.get("streams").get(0)).put("sync_mode", "cdc");
    Files.writeString(workspace.streams(), JsonFiles.toText(root));

    CliRun check = CliRun.of(ENVIRONMENT, "check", "--source", workspace.source().toString(), "--streams",
        workspace.streams().toString());
    assertThat(check.exitCode()).as(check.all()).isEqualTo(3);
    assertThat(check.out()).contains("FAILED replication_role: role limited has no REPLICATION attribute: run "
        + "ALTER ROLE \"limited\" REPLICATION").contains("ok     wal_level");
    assertThat(check.all()).doesNotContain(ROLE_PASSWORD);

    CliRun sync = CliRun.of(ENVIRONMENT, workspace.syncArguments());
    assertThat(sync.exitCode()).as(sync.all()).isEqualTo(1);
    assertThat(sync.out()).contains("FAILED: Cannot create publication \"sluice_publication\"")
        .contains("ask an owner of the tables to run: CREATE PUBLICATION sluice_publication FOR TABLE "
            + "\"prereq\".\"orders\" WITH (publish_via_partition_root = true)");
    assertThat(sync.all()).doesNotContain(ROLE_PASSWORD);
    assertThat(workspace.warehouse().resolve("prereq")).as("no table created").doesNotExist();

    server.execute("CREATE PUBLICATION sluice_publication FOR TABLE prereq.orders");
    CliRun again = CliRun.of(ENVIRONMENT, workspace.syncArguments());
    assertThat(again.exitCode()).as(again.all()).isEqualTo(1);
    assertThat(again.out()).contains("the role lacks the REPLICATION attribute; run ALTER ROLE \"limited\" "
        + "REPLICATION");
  }

  @Test
  void aServerWithoutLogicalWalIsNamedByCheckAndSync() throws Exception {
    try (PostgresServer replicaLevel = PostgresServer.startWith(Map.of("wal_level", "replica"))) {
      replicaLevel.execute("CREATE SCHEMA prereq; CREATE TABLE prereq.orders (id bigint PRIMARY KEY);");
      Workspace workspace = Workspace.create(directory, replicaLevel, "prereq", 1_000);
      assertThat(workspace.discover().exitCode()).isZero();
      ObjectNode root = (ObjectNode) JsonFiles.readObject(workspace.streams());
      ((ObjectNode) root.get("streams").get(0)).put("sync_mode", "cdc");
      Files.writeString(workspace.streams(), JsonFiles.toText(root));

      CliRun check = CliRun.of(Workspace.ENVIRONMENT, "check", "--source", workspace.source().toString(),
          "--streams", workspace.streams().toString());
      assertThat(check.exitCode()).as(check.all()).isEqualTo(3);
      assertThat(check.out()).contains("FAILED wal_level: wal_level is replica, expected logical: set wal_level = "
          + "logical in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart the server");

      CliRun sync = workspace.sync();
      assertThat(sync.exitCode()).as(sync.all()).isEqualTo(1);
      assertThat(sync.out()).contains("FAILED: Cannot prepare replication slot \"sluice\"").contains("wal_level");
      assertThat(workspace.warehouse().resolve("prereq")).doesNotExist();
    }
  }
}
