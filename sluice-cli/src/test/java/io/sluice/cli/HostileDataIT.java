package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.testkit.IcebergReadBack;
import io.sluice.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data that breaks naive tools, synced by cdc (backfill, then changes) and read back: identifiers with spaces,
 * quotes, dots, mixed case, reserved words and non-ASCII letters; a table of only its key; an empty table; a
 * 10 MB value; NaN and infinite doubles; infinite timestamps (clamped, as documented).
 */
class HostileDataIT {
  private static PostgresServer server;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("""
        CREATE SCHEMA "Odd Schema";
        CREATE TABLE "Odd Schema"."Tab.le ""quoted"" Ünï" ("Key Col" bigint PRIMARY KEY, "select" text,
          "MixedCase" double precision, "naïve" timestamptz);
        INSERT INTO "Odd Schema"."Tab.le ""quoted"" Ünï" VALUES
          (1, 'it''s', 'NaN', '2026-01-01 00:00:00+00'), (2, repeat('x', 10 * 1024 * 1024), 'Infinity', 'infinity'),
          (3, NULL, '-Infinity', '-infinity');
        CREATE TABLE "Odd Schema".only_key (id int PRIMARY KEY);
        INSERT INTO "Odd Schema".only_key SELECT generate_series(1, 5);
        CREATE TABLE "Odd Schema".empty (id int PRIMARY KEY, v text);
        """);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void hostileIdentifiersAndValuesSurviveBackfillAndChanges() throws Exception {
    Workspace workspace = Workspace.create(directory, server, "Odd Schema", 1_000);
    CliRun discover = workspace.discover();
    assertThat(discover.exitCode()).as(discover.all()).isZero();
    ObjectNode root = (ObjectNode) JsonFiles.readObject(workspace.streams());
    for (var stream : root.get("streams")) {
      ((ObjectNode) stream).put("sync_mode", "cdc");
    }
    Files.writeString(workspace.streams(), JsonFiles.toText(root));

    CliRun first = workspace.sync();
    assertThat(first.exitCode()).as(first.all()).isZero();
    server.execute("""
        INSERT INTO "Odd Schema"."Tab.le ""quoted"" Ünï" VALUES (4, 'ünïcödé ✓', 1.5, '2026-02-02 02:02:02.123456+00');
        UPDATE "Odd Schema"."Tab.le ""quoted"" Ünï" SET "MixedCase" = 2.5 WHERE "Key Col" = 2;
        DELETE FROM "Odd Schema"."Tab.le ""quoted"" Ünï" WHERE "Key Col" = 3;
        INSERT INTO "Odd Schema".only_key VALUES (6);
        DELETE FROM "Odd Schema".only_key WHERE id = 1;
        INSERT INTO "Odd Schema".empty VALUES (1, 'first');
        """);
    CliRun second = workspace.sync();
    assertThat(second.exitCode()).as(second.all()).isZero();

    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      Map<Long, Record> odd = new TreeMap<>();
      for (Record record : iceberg.rows("Odd Schema", "Tab.le \"quoted\" Ünï")) {
        odd.put((Long) record.getField("Key Col"), record);
      }
      assertThat(odd).containsOnlyKeys(1L, 2L, 4L);
      assertThat(odd.get(1L).getField("select")).isEqualTo("it's");
      assertThat((Double) odd.get(1L).getField("MixedCase")).isNaN();
      assertThat(((String) odd.get(2L).getField("select")).length()).as("the 10 MB value, whole")
          .isEqualTo(10 * 1024 * 1024);
      assertThat(odd.get(2L).getField("MixedCase")).as("updated; the big value unchanged").isEqualTo(2.5);
      assertThat(odd.get(2L).getField("naïve").toString()).as("infinity clamped to the largest instant")
          .startsWith("9999-12-31T23:59:59.999999");
      assertThat(odd.get(4L).getField("select")).isEqualTo("ünïcödé ✓");
      assertThat(odd.get(4L).getField("naïve").toString()).isEqualTo("2026-02-02T02:02:02.123456Z");

      List<Object> keys = iceberg.rows("Odd Schema", "only_key").stream().map(r -> r.getField("id")).sorted()
          .map(Object.class::cast).toList();
      assertThat(keys).containsExactly(2, 3, 4, 5, 6);
      assertThat(iceberg.rows("Odd Schema", "empty")).extracting(r -> r.getField("v")).containsExactly("first");
    }
  }
}
