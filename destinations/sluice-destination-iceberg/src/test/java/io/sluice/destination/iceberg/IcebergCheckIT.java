package io.sluice.destination.iceberg;

import static io.sluice.destination.iceberg.IcebergTestWarehouse.column;
import static io.sluice.destination.iceberg.IcebergTestWarehouse.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.CheckResult;
import io.sluice.spi.CheckResult.Probe;
import io.sluice.spi.DataType;
import io.sluice.spi.Destination;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} probes, and what the defaults create on disk. */
class IcebergCheckIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aFreshDirectoryPassesAndGetsTheDefaultSqliteCatalog(@TempDir Path directory) {
    Path warehouse = directory.resolve("new warehouse");
    try (Destination destination = destination(JSON.createObjectNode().put("warehouse", warehouse.toString()))) {
      CheckResult result = destination.check();

      assertThat(result.passed()).isTrue();
      assertThat(result.probes()).extracting(Probe::name).containsExactly("warehouse", "catalog");
      assertThat(Files.isRegularFile(warehouse.resolve("catalog.db"))).isTrue();
      assertThat(warehouse.toFile().list()).containsExactly("catalog.db");
    }
  }

  @Test
  void defaultsCreateTablesInTheWarehouseWithZstdAndFormatTwo(@TempDir Path parent) {
    Path directory = parent.resolve("my lake");
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory)) {
      StreamWriter writer = warehouse.open(
          stream("orders", List.of(column("id", DataType.LONG)), List.of("id"), List.of()), WriteMode.APPEND, "l");
      IcebergTestWarehouse.writeAndCommit(writer, List.<Object[]>of(new Object[] {1L}), "cp");
      writer.close();

      assertThat(directory.resolve("catalog.db")).isRegularFile();
      Table table = warehouse.table("orders");
      assertThat(table.location()).isEqualTo("file:" + directory.toAbsolutePath() + "/sales/orders");
      assertThat(warehouse.rows("orders")).hasSize(1);
      assertThat(warehouse.parquetFiles("orders")).singleElement()
          .satisfies(file -> assertThat(file.toString()).startsWith(directory + "/sales/orders/data/"));
      assertThat(((BaseTable) table).operations().current().formatVersion()).isEqualTo(2);
      assertThat(table.properties())
          .containsEntry("write.parquet.compression-codec", "zstd")
          .containsEntry("write.target-file-size-bytes", "134217728");
    }
  }

  @Test
  void formatVersionThreeIsHonoured(@TempDir Path directory) {
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory).with("format_version", 3)) {
      warehouse.open(stream("orders", List.of(column("id", DataType.LONG)), List.of(), List.of()),
          WriteMode.APPEND, "l").close();
      assertThat(((BaseTable) warehouse.table("orders")).operations().current().formatVersion()).isEqualTo(3);
    }
  }

  @Test
  void anUnwritableWarehouseFailsBothProbesWithWhatToFix(@TempDir Path directory) throws IOException {
    Path file = Files.writeString(directory.resolve("plain-file"), "not a directory");
    try (Destination destination = destination(
        JSON.createObjectNode().put("warehouse", file.resolve("warehouse").toString()))) {
      CheckResult result = destination.check();

      assertThat(result.passed()).isFalse();
      assertThat(result.probes()).allSatisfy(probe -> assertThat(probe.passed()).isFalse());
      assertThat(result.probes().get(0).message())
          .startsWith("Cannot write to warehouse " + file.resolve("warehouse"))
          .endsWith("create the directory or let the user running Sluice write to it");
    }
  }

  @Test
  void aCatalogFailureNeverShowsThePassword(@TempDir Path directory) {
    ObjectNode config = JSON.createObjectNode().put("warehouse", directory.toString());
    config.putObject("catalog")
        .put("uri", "jdbc:postgresql://127.0.0.1:1/catalog?password=hunter2")
        .put("username", "sluice")
        .put("password", "s3cr3t");
    try (Destination destination = destination(config)) {
      Probe catalog = destination.check().probes().get(1);

      assertThat(catalog.passed()).isFalse();
      assertThat(catalog.message())
          .startsWith("Cannot open catalog at jdbc:postgresql://127.0.0.1:1/catalog?...")
          .contains("check catalog.uri, catalog.username and catalog.password")
          .doesNotContain("hunter2")
          .doesNotContain("s3cr3t");
    }
  }

  private static Destination destination(ObjectNode config) {
    return new IcebergDestinationFactory().create(config);
  }
}
