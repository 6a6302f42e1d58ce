package io.sluice.destination.iceberg;

import static io.sluice.destination.iceberg.IcebergTestWarehouse.column;
import static io.sluice.destination.iceberg.IcebergTestWarehouse.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.Column;
import io.sluice.spi.ConfigException;
import io.sluice.spi.DataType;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.transforms.Transforms;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each partition transform, on columns whose names need exact handling ({@code Order Id}, {@code café.price}):
 * every data file's partition value must be the transform of the rows it holds.
 */
class IcebergPartitioningIT {
  private static final List<Column> COLUMNS = List.of(
      column("Order Id", DataType.LONG),
      column("café.price", DataType.decimal(10, 2)),
      column("placed_at", DataType.TIMESTAMP),
      column("paid_at", DataType.TIMESTAMP_TZ),
      column("ship_date", DataType.DATE),
      column("city", DataType.STRING));
  private static final int ROWS = 60;

  @RegisterExtension
  final IcebergTestWarehouse warehouse = new IcebergTestWarehouse();

  @Test
  void identityOfAColumnWithSpacesAndOfABareColumnName() {
    assertPartitions("by_identity", "identity(Order Id)", row -> row[0]);
    assertPartitions("by_bare", "  city ", row -> row[5]);
  }

  @Test
  void identityOfADottedNonAsciiColumn() {
    assertPartitions("by_price", "identity(café.price)", row -> row[1]);
  }

  @Test
  void yearMonthDayHour() {
    assertPartitions("by_year", "year(placed_at)", row -> ((LocalDateTime) row[2]).getYear() - 1970);
    assertPartitions("by_month", "month( ship_date )", row -> {
      LocalDate date = (LocalDate) row[4];
      return (date.getYear() - 1970) * 12 + date.getMonthValue() - 1;
    });
    assertPartitions("by_day", "day(paid_at)",
        row -> (int) ((OffsetDateTime) row[3]).withOffsetSameInstant(ZoneOffset.UTC).toLocalDate().toEpochDay());
    assertPartitions("by_hour", "hour(placed_at)",
        row -> (int) Math.floorDiv(((LocalDateTime) row[2]).toEpochSecond(ZoneOffset.UTC), 3600));
  }

  @Test
  void bucketAndTruncateWithLooseWhitespace() {
    var bucket = Transforms.bucket(4).bind(Types.LongType.get());
    assertPartitions("by_bucket", " bucket ( 4 ,Order Id ) ", row -> bucket.apply((Long) row[0]));
    assertPartitions("by_truncate", "truncate(3, city)", row -> {
      String city = (String) row[5];
      return city.substring(0, city.offsetByCodePoints(0, Math.min(3, city.codePointCount(0, city.length()))));
    });
  }

  @Test
  void badPartitionStringsNameTheStringAndTheExpectedForms() {
    assertThatThrownBy(() -> openWith("bad1", "week(placed_at)"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'week(placed_at)'")
        .hasMessageContaining("unknown transform 'week'")
        .hasMessageContaining("bucket(N, col)");
    assertThatThrownBy(() -> openWith("bad2", "day(created)"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("there is no column 'created'");
    assertThatThrownBy(() -> openWith("bad3", "bucket(x, city)"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'x' is not a positive whole number");
    assertThatThrownBy(() -> openWith("bad4", "day(city)"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Cannot partition sales.bad4 by 'day(city)'");
    assertThat(((ConfigException) catchConfig(() -> openWith("bad5", "order id"))).key()).isEqualTo("partitioning");
    assertThat(warehouse.parquetFiles("bad1")).isEmpty();
  }

  private static Throwable catchConfig(Runnable action) {
    try {
      action.run();
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected a ConfigException");
  }

  private StreamWriter openWith(String table, String partitioning) {
    return warehouse.open(stream(table, COLUMNS, List.of("Order Id"), List.of(partitioning)), WriteMode.APPEND, "l1");
  }

  private void assertPartitions(String tableName, String partitioning, Function<Object[], Object> expected) {
    List<Object[]> rows = rows();
    StreamWriter writer = openWith(tableName, partitioning);
    IcebergTestWarehouse.writeAndCommit(writer, rows, "cp");
    writer.close();

    Table table = warehouse.table(tableName);
    assertThat(table.spec().fields()).hasSize(1);
    PartitionField field = table.spec().fields().get(0);
    assertThat(table.schema().findColumnName(field.sourceId()))
        .isEqualTo(COLUMNS.get(indexOfSource(partitioning)).name());

    Map<Object, Long> expectedCounts = new HashMap<>();
    for (Object[] row : rows) {
      expectedCounts.merge(expected.apply(row), 1L, Long::sum);
    }
    Map<Object, Long> fileCounts = new HashMap<>();
    for (FileScanTask task : tasks(table)) {
      Object value = task.file().partition().get(0, Object.class);
      assertThat(fileCounts).as("one file per partition").doesNotContainKey(value);
      fileCounts.put(value, task.file().recordCount());
    }
    assertThat(fileCounts).isEqualTo(expectedCounts);
    assertThat(warehouse.rows(tableName)).hasSize(ROWS);
  }

  private static int indexOfSource(String partitioning) {
    for (int i = COLUMNS.size() - 1; i >= 0; i--) {
      if (partitioning.contains(COLUMNS.get(i).name())) {
        return i;
      }
    }
    throw new AssertionError(partitioning);
  }

  private static List<FileScanTask> tasks(Table table) {
    List<FileScanTask> tasks = new ArrayList<>();
    try (CloseableIterable<FileScanTask> files = table.newScan().planFiles()) {
      files.forEach(tasks::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tasks;
  }

  private static List<Object[]> rows() {
    String[] cities = {"Zürich", "東京駅前", "Oslo", "Lima", "Kyiv"};
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(new Object[] {
          (long) i * 7919,
          new BigDecimal(i % 4 + ".25"),
          LocalDateTime.of(2020 + i % 3, 1 + i % 12, 1 + i % 28, i % 24, 30),
          OffsetDateTime.of(2024, 3, 1 + i % 5, 23, 30, 0, 0, ZoneOffset.ofHours(-2)),
          LocalDate.of(2023, 1 + i % 6, 15),
          cities[i % cities.length]});
    }
    return rows;
  }
}
