package io.sluice.destination.iceberg;

import static io.sluice.destination.iceberg.IcebergTestWarehouse.column;
import static io.sluice.destination.iceberg.IcebergTestWarehouse.stream;
import static io.sluice.destination.iceberg.IcebergTestWarehouse.writeAndCommit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.DataType;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An existing table follows the stream: new columns, widened types, a new partition spec; nothing else. */
class IcebergSchemaEvolutionIT {
  private static final StreamSpec VERSION_1 = stream("items", List.of(
      column("id", DataType.LONG),
      column("qty", DataType.INT),
      column("weight", DataType.FLOAT),
      column("price", DataType.decimal(8, 2)),
      column("sizes", DataType.list(DataType.INT))), List.of("id"), List.of());

  @RegisterExtension
  final IcebergTestWarehouse warehouse = new IcebergTestWarehouse();

  @BeforeEach
  void writeFirstVersion() {
    StreamWriter writer = warehouse.open(VERSION_1, WriteMode.APPEND, "v1");
    Object[] row = {1L, 7, 0.5f, new BigDecimal("12.34"), List.of(1, 2)};
    writeAndCommit(writer, List.<Object[]>of(row), "cp-1");
    writer.close();
  }

  @Test
  void addsColumnsAndWidensTypesKeepingOldRowsReadable() {
    StreamSpec version2 = stream("items", List.of(
        column("id", DataType.LONG),
        column("qty", DataType.LONG),
        column("weight", DataType.DOUBLE),
        column("price", DataType.decimal(12, 2)),
        column("sizes", DataType.list(DataType.LONG)),
        column("Colour Name", DataType.STRING),
        column("added_on", DataType.DATE),
        column("tags", DataType.list(DataType.STRING))), List.of("id"), List.of());
    StreamWriter writer = warehouse.open(version2, WriteMode.APPEND, "v2");
    writeAndCommit(writer, List.<Object[]>of(new Object[] {2L, 5_000_000_000L, 2.5, new BigDecimal("1234567890.12"),
        List.of(3L), "Blau", LocalDate.of(2024, 5, 1), List.of("new", "tag")}), "cp-2");

    Table table = warehouse.table("items");
    assertThat(table.schema().findType("qty")).isEqualTo(Types.LongType.get());
    assertThat(table.schema().findType("weight")).isEqualTo(Types.DoubleType.get());
    assertThat(table.schema().findType("price")).isEqualTo(Types.DecimalType.of(12, 2));
    assertThat(table.schema().findType("sizes").asListType().elementType()).isEqualTo(Types.LongType.get());
    assertThat(table.schema().asStruct().field("Colour Name").isOptional()).isTrue();

    List<Record> rows = warehouse.rows("items").stream()
        .sorted(Comparator.comparing(row -> (Long) row.getField("id"))).toList();
    assertThat(values(rows.get(0)))
        .containsExactly(1L, 7L, 0.5d, new BigDecimal("12.34"), List.of(1L, 2L), null, null, null);
    assertThat(values(rows.get(1))).containsExactly(2L, 5_000_000_000L, 2.5d, new BigDecimal("1234567890.12"),
        List.of(3L), "Blau", LocalDate.of(2024, 5, 1), List.of("new", "tag"));
  }

  @Test
  void aNarrowerStreamWritesIntoTheWiderTableAndOmittedColumnsStayNull() {
    StreamWriter widen = warehouse.open(stream("items", List.of(column("id", DataType.LONG),
        column("qty", DataType.LONG)), List.of("id"), List.of()), WriteMode.APPEND, "widen");
    widen.close();
    StreamSpec narrow = stream("items", List.of(column("qty", DataType.INT), column("id", DataType.LONG)),
        List.of("id"), List.of());
    StreamWriter writer = warehouse.open(narrow, WriteMode.APPEND, "narrow");
    writeAndCommit(writer, List.<Object[]>of(new Object[] {9, 3L}), "cp-3");

    Record row = warehouse.rows("items").stream().filter(r -> r.getField("id").equals(3L)).findFirst().orElseThrow();
    assertThat(values(row)).containsExactly(3L, 9L, null, null, null);
  }

  @Test
  void anIncompatibleTypeChangeNamesTableColumnAndBothTypes() {
    StreamSpec changed = stream("items", List.of(column("id", DataType.LONG), column("qty", DataType.STRING)),
        List.of("id"), List.of());
    assertThatThrownBy(() -> warehouse.open(changed, WriteMode.APPEND, "bad"))
        .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
        .hasMessageStartingWith("Cannot write column 'qty' to table sales.items: the table has type int and the "
            + "stream now has string");
    assertThat(warehouse.table("items").schema().findType("qty")).isEqualTo(Types.IntegerType.get());
  }

  @Test
  void aNewPartitionSpecAppliesToNewFilesOnly() {
    StreamSpec partitioned = stream("items", VERSION_1.columns(), List.of("id"), List.of("bucket(4, id)"));
    StreamWriter writer = warehouse.open(partitioned, WriteMode.APPEND, "p");
    writeAndCommit(writer, List.<Object[]>of(new Object[] {2L, 1, 1f, BigDecimal.ONE.setScale(2), List.of()}), "cp-p");

    Table table = warehouse.table("items");
    assertThat(table.spec().fields()).extracting(field -> field.transform().toString()).containsExactly("bucket[4]");
    assertThat(table.specs()).hasSize(2);
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      assertThat(tasks).extracting(task -> task.file().specId())
          .containsExactlyInAnyOrder(0, table.spec().specId());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(warehouse.rows("items")).hasSize(2);

    warehouse.open(partitioned, WriteMode.APPEND, "again").close();
    assertThat(warehouse.table("items").specs()).as("an unchanged spec is left alone").hasSize(2);
  }

  private static List<Object> values(Record row) {
    return Arrays.asList(row.struct().fields().stream().map(field -> row.getField(field.name())).toArray());
  }
}
