package io.sluice.cli;

import io.sluice.testkit.IcebergReadBack;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * discover → sync against a real PostgreSQL, then the Iceberg tables read back through the catalog and
 * compared with the source row by row and value by value.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FullLoadIT {
  private static final int ROWS = 20_000;
  private static PostgresServer server;

  @TempDir Path directory;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    ShopDataset.create(server, ROWS);
    server.execute("""
        CREATE TABLE shop."Line Items" ("Order Id" bigint PRIMARY KEY, "Qty ü" integer, "select" text);
        INSERT INTO shop."Line Items" SELECT g, g % 9, 'reserved ' || g FROM generate_series(1, 2500) g;
        CREATE TABLE shop.empty_table (id integer PRIMARY KEY, note text);
        ANALYZE;
        """);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  @Order(1)
  void discoverThenSyncEqualsTheSource() throws Exception {
    Workspace workspace = Workspace.create(directory, server, "shop", 5_000);
    CliRun discover = workspace.discover();
    assertThat(discover.exitCode()).as(discover.all()).isZero();
    String streams = Files.readString(workspace.streams());
    assertThat(streams).contains("\"name\" : \"orders\"").contains("\"name\" : \"Line Items\"")
        .contains("\"type\" : \"decimal(12,2)\"").contains("\"primary_key\" : [ \"id\" ]");

    CliRun sync = workspace.sync();
    assertThat(sync.exitCode()).as(sync.all()).isZero();
    assertThat(sync.out()).contains("Sync finished: 3 stream(s) ok, 0 failed");

    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      Map<Long, List<Object>> expected = ShopDataset.fromPostgres(server);
      Map<Long, List<Object>> actual = ShopDataset.fromIceberg(iceberg.rows("shop", "orders"));
      assertThat(actual).hasSize(ROWS);
      assertThat(ShopDataset.sumOfAmounts(actual)).isEqualByComparingTo(ShopDataset.sumOfAmounts(expected));
      assertThat(actual).isEqualTo(expected);

      Table orders = iceberg.table("shop", "orders");
      assertThat(orders.schema().findType("amount")).isEqualTo(Types.DecimalType.of(12, 2));
      assertThat(orders.schema().findType("big_amount")).isEqualTo(Types.DecimalType.of(38, 10));
      assertThat(orders.schema().findType("ordered_on")).isEqualTo(Types.DateType.get());
      assertThat(orders.schema().findType("ordered_at")).isEqualTo(Types.TimestampType.withoutZone());
      assertThat(orders.schema().findType("paid_at")).isEqualTo(Types.TimestampType.withZone());
      assertThat(orders.schema().findType("ref")).isEqualTo(Types.UUIDType.get());
      assertThat(orders.schema().findType("payload")).isEqualTo(Types.BinaryType.get());
      assertThat(orders.schema().identifierFieldNames()).containsExactly("id");

      var lineItems = iceberg.rows("shop", "Line Items");
      assertThat(lineItems).hasSize(2500);
      assertThat(lineItems).allSatisfy(r -> assertThat(r.getField("select")).isEqualTo("reserved " + r.getField("Order Id")));
      assertThat(lineItems.stream().mapToLong(r -> (Integer) r.getField("Qty ü")).sum())
          .isEqualTo(java.util.stream.LongStream.rangeClosed(1, 2500).map(g -> g % 9).sum());
      assertThat(iceberg.rows("shop", "empty_table")).isEmpty();
    }
  }

  @Test
  @Order(2)
  void partitioningAndRenamedDestinationFromTheStreamsFile() throws Exception {
    Workspace workspace = Workspace.create(directory, server, "shop", 5_000);
    assertThat(workspace.discover().exitCode()).isZero();
    ObjectNode root = (ObjectNode) JsonFiles.readObject(workspace.streams());
    for (var stream : root.get("streams")) {
      ObjectNode entry = (ObjectNode) stream;
      if (!entry.get("name").asText().equals("orders")) {
        entry.put("selected", false);
        continue;
      }
      entry.putArray("partitioning").add("month(ordered_at)").add("bucket(4, id)");
      entry.putObject("destination").put("namespace", "lake").put("name", "orders_by_month");
    }
    Files.writeString(workspace.streams(), JsonFiles.toText(root));
    CliRun sync = workspace.sync();
    assertThat(sync.exitCode()).as(sync.all()).isZero();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      Table table = iceberg.table("lake", "orders_by_month");
      assertThat(table.spec().fields()).extracting(PartitionField::transform).extracting(Object::toString)
          .containsExactly("month", "bucket[4]");
      assertThat(ShopDataset.fromIceberg(iceberg.rows("lake", "orders_by_month")))
          .isEqualTo(ShopDataset.fromPostgres(server));
    }
  }

  @Test
  @Order(3)
  void aSecondFullRefreshReplacesTheContent() throws Exception {
    Workspace workspace = Workspace.create(directory, server, "shop", 5_000);
    assertThat(workspace.discover().exitCode()).isZero();
    assertThat(workspace.sync().exitCode()).isZero();
    server.execute("""
        DELETE FROM shop.orders WHERE id % 100 = 0;
        UPDATE shop.orders SET amount = amount + 1, customer = 'updated ✓' WHERE id % 37 = 0;
        """);
    ShopDataset.insert(server, ROWS + 1, ROWS + 1_000);
    CliRun second = workspace.sync();
    assertThat(second.exitCode()).as(second.all()).isZero();
    try (IcebergReadBack iceberg = new IcebergReadBack(workspace.warehouse())) {
      Map<Long, List<Object>> expected = ShopDataset.fromPostgres(server);
      assertThat(expected).hasSize(ROWS + 1_000 - ROWS / 100);
      assertThat(ShopDataset.fromIceberg(iceberg.rows("shop", "orders"))).isEqualTo(expected);
    }
  }
}
