package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.testkit.IcebergReadBack;
import io.sluice.testkit.PostgresServer;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbers wider than a decimal(38) end to end: an unconstrained {@code numeric} holding 10^40 and 2^200,
 * {@code numeric(50,5)}, {@code numeric(5,-2)}, NaN and ±Infinity are discovered as {@code string} and arrive as
 * PostgreSQL's own text of each value, digit for digit, by backfill and by change log alike; {@code numeric(38,10)}
 * at its limits stays an exact decimal(38,10). Nothing is rounded or truncated.
 */
class WideNumericIT {
  private static PostgresServer server;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("""
        CREATE SCHEMA wide;
        CREATE TABLE wide.amounts (id int PRIMARY KEY, unbounded numeric, fifty numeric(50,5),
          hundreds numeric(5,-2), widest_decimal numeric(38,10));
        INSERT INTO wide.amounts VALUES
          (1, 10::numeric ^ 40, 123456789012345678901234567890123456789012345.12345, 12345,
              9999999999999999999999999999.9999999999),
          (2, -(10::numeric ^ 40) - 0.5, -0.00001, -99949, -0.0000000001),
          (3, 'NaN', NULL, NULL, NULL),
          (4, 'Infinity', 0, 0, 0),
          (5, '-Infinity', 1, 1, 1),
          (6, 0.000000000000000000000000000001, 99999999999999999999999999999999999999999999.99999, 9999900,
              -9999999999999999999999999999.9999999999);
        """);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void discoveredAsStringAndCarriedDigitForDigitByBackfillAndChangeLog() throws Exception {
    Workspace workspace = Workspace.create(directory, server, "wide", 1_000);
    CliRun discover = workspace.discover();
    assertThat(discover.exitCode()).as(discover.all()).isZero();
    ObjectNode root = (ObjectNode) JsonFiles.readObject(workspace.streams());
    JsonNode stream = root.get("streams").get(0);
    assertThat(typeAndSourceType(stream)).containsExactly("id int integer", "unbounded string numeric",
        "fifty string numeric(50,5)", "hundreds string numeric(5,-2)", "widest_decimal decimal(38,10) numeric(38,10)");
    ((ObjectNode) stream).put("sync_mode", "cdc");
    Files.writeString(workspace.streams(), JsonFiles.toText(root));

    CliRun backfill = workspace.sync();
    assertThat(backfill.exitCode()).as(backfill.all()).isZero();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      Schema schema = iceberg.table("wide", "amounts").schema();
      assertThat(schema.findType("unbounded")).isEqualTo(Types.StringType.get());
      assertThat(schema.findType("fifty")).isEqualTo(Types.StringType.get());
      assertThat(schema.findType("hundreds")).isEqualTo(Types.StringType.get());
      assertThat(schema.findType("widest_decimal")).isEqualTo(Types.DecimalType.of(38, 10));
      Map<Integer, List<String>> rows = fromIceberg(iceberg.rows("wide", "amounts"));
      assertThat(rows).isEqualTo(fromPostgres());
      assertThat(rows.get(1)).containsExactly("1" + "0".repeat(40),
          "123456789012345678901234567890123456789012345.12345", "12300", "9999999999999999999999999999.9999999999");
      assertThat(rows.get(2).get(0)).isEqualTo("-1" + "0".repeat(40) + ".5");
      assertThat(rows.get(3)).containsExactly("NaN", null, null, null);
      assertThat(rows.get(4).get(0)).isEqualTo("Infinity");
      assertThat(rows.get(5).get(0)).isEqualTo("-Infinity");
      assertThat(rows.get(6).get(0)).isEqualTo("0." + "0".repeat(29) + "1");
    }

    server.execute("""
        INSERT INTO wide.amounts VALUES (7, 2::numeric ^ 200, -99999999999999999999999999999999999999999999.99999,
          -9999900, 0.0000000001);
        UPDATE wide.amounts SET unbounded = unbounded + 1, fifty = fifty - 0.00001 WHERE id = 1;
        DELETE FROM wide.amounts WHERE id = 6;
        """);
    CliRun changes = workspace.sync();
    assertThat(changes.exitCode()).as(changes.all()).isZero();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      Map<Integer, List<String>> rows = fromIceberg(iceberg.rows("wide", "amounts"));
      assertThat(rows).isEqualTo(fromPostgres()).doesNotContainKey(6);
      assertThat(rows.get(1).subList(0, 2)).containsExactly("1" + "0".repeat(39) + "1",
          "123456789012345678901234567890123456789012345.12344");
      assertThat(rows.get(7).get(0)).as("2^200, 61 digits")
          .isEqualTo("1606938044258990275541962092341162602522202993782792835301376");
    }
  }

  private static List<String> typeAndSourceType(JsonNode stream) {
    List<String> columns = new ArrayList<>();
    stream.get("columns").forEach(c -> columns.add(c.get("name").asText() + " " + c.get("type").asText() + " "
        + c.get("source_type").asText()));
    return columns;
  }

  /** id → the four numbers as PostgreSQL prints them. */
  private static Map<Integer, List<String>> fromPostgres() throws Exception {
    Map<Integer, List<String>> rows = new TreeMap<>();
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT id, unbounded::text, fifty::text, hundreds::text, "
            + "widest_decimal::text FROM wide.amounts")) {
      while (result.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 2; i <= 5; i++) {
          values.add(result.getString(i));
        }
        rows.put(result.getInt(1), values);
      }
    }
    return rows;
  }

  private static Map<Integer, List<String>> fromIceberg(List<Record> records) {
    Map<Integer, List<String>> rows = new TreeMap<>();
    for (Record record : records) {
      BigDecimal decimal = (BigDecimal) record.getField("widest_decimal");
      List<String> values = new ArrayList<>();
      values.add((String) record.getField("unbounded"));
      values.add((String) record.getField("fifty"));
      values.add((String) record.getField("hundreds"));
      values.add(decimal == null ? null : decimal.toPlainString());
      rows.put((Integer) record.getField("id"), values);
    }
    return rows;
  }
}
