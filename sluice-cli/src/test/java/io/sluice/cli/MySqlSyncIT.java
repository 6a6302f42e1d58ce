package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.testkit.IcebergReadBack;
import io.sluice.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MariaDB through the CLI beyond cdc: full refresh of tables keyed by text (chunked by walking the key) and
 * without a key, incremental cursor syncs through the shared engine, and {@code check} naming what a server or
 * user lacks for cdc.
 */
class MySqlSyncIT {
  private static MariaDbServer server;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() {
    server = MariaDbServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void fullRefreshOfTextKeyedAndKeylessTablesEqualsTheSource() throws Exception {
    server.execute("CREATE DATABASE full_load",
        "CREATE TABLE full_load.words (word VARCHAR(40) PRIMARY KEY, n INT) COLLATE utf8mb4_unicode_ci",
        "INSERT INTO full_load.words SELECT CONCAT(CHAR(65 + seq % 26), 'wörd-', seq), seq "
            + "FROM full_load.seq_1_to_5000",
        "CREATE TABLE full_load.log_lines (line TEXT, at DATETIME)",
        "INSERT INTO full_load.log_lines SELECT CONCAT('line ', seq), '2026-01-01' + INTERVAL seq HOUR "
            + "FROM full_load.seq_1_to_1500");
    Workspace workspace = Workspace.createMySql(directory, server, "full_load", 1_000);
    CliRun discover = workspace.discover();
    assertThat(discover.exitCode()).as(discover.all()).isZero();
    CliRun sync = workspace.sync();
    assertThat(sync.exitCode()).as(sync.all()).isZero();
    Map<String, Object> words = new TreeMap<>();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      for (Record record : iceberg.rows("full_load", "words")) {
        assertThat(words.put((String) record.getField("word"), record.getField("n"))).isNull();
      }
      assertThat(iceberg.rows("full_load", "log_lines")).hasSize(1500);
    }
    assertThat(words).isEqualTo(query("SELECT word, n FROM full_load.words"));
    assertThat(Files.readString(workspace.streams())).as("the keyless table's note")
        .contains("no primary key: the snapshot is one read by one reader");
    assertThat(sync.out()).contains("7 chunks");
  }

  @Test
  void incrementalSyncPagesByCursorAndKeyAndPicksUpUpdates() throws Exception {
    server.execute("CREATE DATABASE inc",
        "CREATE TABLE inc.items (id INT PRIMARY KEY, v VARCHAR(20), updated_at DATETIME(6) NULL)",
        // 3,000 rows over only 30 distinct cursor values, and every 10th without a cursor.
        "INSERT INTO inc.items SELECT seq, CONCAT('v', seq), IF(seq % 10 = 0, NULL, "
            + "'2026-01-01 00:00:00' + INTERVAL (seq % 30) MINUTE) FROM inc.seq_1_to_3000");
    Workspace workspace = Workspace.createMySql(directory, server, "inc", 1_000);
    assertThat(workspace.discover().exitCode()).isZero();
    ObjectNode root = (ObjectNode) JsonFiles.readObject(workspace.streams());
    ((ObjectNode) root.get("streams").get(0)).put("sync_mode", "incremental").put("cursor_field", "updated_at")
        .put("page_size", 100);
    Files.writeString(workspace.streams(), JsonFiles.toText(root));

    CliRun first = workspace.sync();
    assertThat(first.exitCode()).as(first.all()).isZero();
    assertThat(destination(workspace)).isEqualTo(query("SELECT id, v FROM inc.items WHERE updated_at IS NOT NULL"));

    server.execute("UPDATE inc.items SET v = 'changed', updated_at = '2026-02-01' WHERE id IN (1, 2, 3)",
        "INSERT INTO inc.items VALUES (5000, 'new', '2026-02-01')");
    CliRun second = workspace.sync();
    assertThat(second.exitCode()).as(second.all()).isZero();
    Map<Object, Object> rows = destination(workspace);
    assertThat(rows).containsEntry(1, "changed").containsEntry(3, "changed").containsEntry(5000, "new")
        .hasSize(2701);
  }

  @Test
  void checkNamesTheSettingsAndPrivilegesCdcNeeds() throws Exception {
    server.execute("CREATE DATABASE checked", "CREATE TABLE checked.t (id INT PRIMARY KEY)",
        "CREATE USER 'reader'@'%' IDENTIFIED BY 'reader-secret'", "GRANT SELECT ON checked.* TO 'reader'@'%'",
        "SET GLOBAL binlog_format = 'STATEMENT'");
    try {
      Workspace workspace = Workspace.createMySql(directory, server, "checked", 1_000);
      ObjectNode source = (ObjectNode) JsonFiles.readObject(workspace.source());
      source.put("username", "reader").put("password", "reader-secret");
      Files.writeString(workspace.source(), JsonFiles.toText(source));
      assertThat(workspace.discover().exitCode()).isZero();
      ObjectNode root = (ObjectNode) JsonFiles.readObject(workspace.streams());
      ((ObjectNode) root.get("streams").get(0)).put("sync_mode", "cdc");
      Files.writeString(workspace.streams(), JsonFiles.toText(root));

      CliRun check = CliRun.of(Workspace.ENVIRONMENT, "check", "--source", workspace.source().toString(),
          "--streams", workspace.streams().toString());
      assertThat(check.exitCode()).as(check.all()).isEqualTo(3);
      assertThat(check.all())
          .contains("binlog_format is STATEMENT, expected ROW")
          .contains("lacks REPLICATION SLAVE and BINLOG MONITOR")
          .doesNotContain("reader-secret");

      CliRun sync = workspace.sync();
      assertThat(sync.exitCode()).as(sync.all()).isEqualTo(1);
      assertThat(sync.out()).contains("checked.t").contains("FAILED: Cannot read the binlog position")
          .contains("binlog_format is STATEMENT, expected ROW; run SET GLOBAL binlog_format = 'ROW'");
      assertThat(workspace.warehouse().resolve("checked")).as("no table written").doesNotExist();
    } finally {
      server.execute("SET GLOBAL binlog_format = 'ROW'");
    }
  }

  @Test
  void hostileIdentifiersAndValuesSurviveBackfillAndChanges() throws Exception {
    server.execute("CREATE DATABASE `Odd Db`",
        "CREATE TABLE `Odd Db`.`Tab.le \"quo`` ted\" Ünï` (`Key Col` BIGINT PRIMARY KEY, `select` LONGTEXT, "
            + "`MixedCase` DOUBLE, `naïve` TIMESTAMP(6) NULL, `it's` VARCHAR(10))",
        "INSERT INTO `Odd Db`.`Tab.le \"quo`` ted\" Ünï` VALUES (1, 'it''s', -0.0, '2026-01-01 00:00:00', 'a`b'), "
            + "(2, REPEAT('x', 10 * 1024 * 1024), 1e308, NULL, NULL)",
        "CREATE TABLE `Odd Db`.only_key (id INT PRIMARY KEY)",
        "INSERT INTO `Odd Db`.only_key SELECT seq FROM `Odd Db`.seq_1_to_5",
        "CREATE TABLE `Odd Db`.empty (id INT PRIMARY KEY, v TEXT)");
    Workspace workspace = Workspace.createMySql(directory, server, "Odd Db", 1_000);
    CliRun discover = workspace.discover();
    assertThat(discover.exitCode()).as(discover.all()).isZero();
    ChangeDataCaptureIT.useChangeLog(workspace);
    CliRun first = workspace.sync();
    assertThat(first.exitCode()).as(first.all()).isZero();
    server.execute("INSERT INTO `Odd Db`.`Tab.le \"quo`` ted\" Ünï` VALUES (4, 'ünïcödé ✓', 1.5, "
            + "'2026-02-02 02:02:02.123456', 'back\\\\slash')",
        "UPDATE `Odd Db`.`Tab.le \"quo`` ted\" Ünï` SET `MixedCase` = 2.5 WHERE `Key Col` = 2",
        "DELETE FROM `Odd Db`.`Tab.le \"quo`` ted\" Ünï` WHERE `Key Col` = 1",
        "INSERT INTO `Odd Db`.only_key VALUES (6)", "DELETE FROM `Odd Db`.only_key WHERE id = 1",
        "INSERT INTO `Odd Db`.empty VALUES (1, 'first')");
    CliRun second = workspace.sync();
    assertThat(second.exitCode()).as(second.all()).isZero();

    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      Map<Object, java.util.List<Object>> odd = new TreeMap<>();
      for (Record record : iceberg.rows("Odd Db", "Tab.le \"quo` ted\" Ünï")) {
        odd.put(record.getField("Key Col"), java.util.Arrays.asList(record.getField("select"),
            record.getField("MixedCase"), record.getField("it's")));
      }
      assertThat(odd).containsOnlyKeys(2L, 4L);
      assertThat(((String) odd.get(2L).get(0))).hasSize(10 * 1024 * 1024);
      assertThat(odd.get(2L).get(1)).isEqualTo(2.5d);
      assertThat(odd.get(4L)).containsExactly("ünïcödé ✓", 1.5d, "back\\slash");
      assertThat(iceberg.rows("Odd Db", "only_key")).extracting(record -> record.getField("id"))
          .containsExactlyInAnyOrder(2, 3, 4, 5, 6);
      assertThat(iceberg.rows("Odd Db", "empty")).extracting(record -> record.getField("v"))
          .containsExactly("first");
    }
  }

  private static Map<Object, Object> query(String sql) throws Exception {
    Map<Object, Object> rows = new TreeMap<>();
    try (Connection connection = server.connect(""); Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      while (result.next()) {
        rows.put(result.getObject(1), result.getObject(2));
      }
    }
    return rows;
  }

  private static Map<Object, Object> destination(Workspace workspace) throws Exception {
    Map<Object, Object> rows = new TreeMap<>();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      for (Record record : iceberg.rows("inc", "items")) {
        assertThat(rows.put(record.getField("id"), record.getField("v"))).isNull();
      }
    }
    return rows;
  }
}
