package io.sluice.destination.iceberg;

import static io.sluice.destination.iceberg.IcebergTestWarehouse.column;
import static io.sluice.destination.iceberg.IcebergTestWarehouse.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.Column;
import io.sluice.spi.ConfigException;
import io.sluice.spi.DataType;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every logical type written and read back value by value, NULLs and edge values included. */
class IcebergTypeRoundTripIT {
  private static final List<Column> COLUMNS = List.of(
      column("id", DataType.LONG),
      column("flag", DataType.BOOLEAN),
      column("small", DataType.INT),
      column("big", DataType.LONG),
      column("ratio", DataType.FLOAT),
      column("measure", DataType.DOUBLE),
      column("amount", DataType.decimal(12, 3)),
      column("huge", DataType.decimal(38, 10)),
      column("label", DataType.STRING),
      column("doc", DataType.JSON),
      column("payload", DataType.BINARY),
      column("token", DataType.UUID),
      column("day", DataType.DATE),
      column("clock", DataType.TIME),
      column("clock_tz", DataType.TIME_TZ),
      column("local_at", DataType.TIMESTAMP),
      column("instant_at", DataType.TIMESTAMP_TZ),
      column("counts", DataType.list(DataType.INT)),
      column("names", DataType.list(DataType.STRING)),
      column("prices", DataType.list(DataType.decimal(6, 2))),
      column("moments", DataType.list(DataType.TIMESTAMP_TZ)));

  private static final UUID TOKEN = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

  @Test
  void everyTypeRoundTripsWithTimeAsString(@TempDir java.nio.file.Path directory) {
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory)) {
      writeRows(warehouse, "all_types");
      Table table = warehouse.table("all_types");

      assertThat(table.schema().findType("clock")).isEqualTo(Types.StringType.get());
      assertThat(table.schema().findType("clock_tz")).isEqualTo(Types.StringType.get());
      assertSchema(table.schema());
      List<Record> rows = sortedById(warehouse.rows("all_types"));
      assertThat(rows).hasSize(3);

      assertRow(rows.get(0), 1L, true, 42, 9_007_199_254_740_993L, 1.5f, -2.25e300,
          new BigDecimal("-123456789.125"), new BigDecimal("1234567890123456789012345678.0123456789"),
          "Zürich 東京 🚕 ok", "{\"a\": [1, 2.50, null]}", new byte[] {0, 1, (byte) 0xff},
          TOKEN, LocalDate.of(2024, 2, 29), "23:59:59.999999", "10:15:30.000001+05:30",
          LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000),
          OffsetDateTime.of(2024, 1, 2, 1, 4, 5, 654_321_000, ZoneOffset.UTC),
          Arrays.asList(1, null, -3), Arrays.asList("a", null, "ß"),
          Arrays.asList(new BigDecimal("1.50"), null), List.of(OffsetDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000,
              ZoneOffset.UTC)));
      assertRow(rows.get(1), 2L, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null, null, null, null, null);
      assertRow(rows.get(2), 3L, false, Integer.MIN_VALUE, Long.MAX_VALUE, Float.NaN, Double.NEGATIVE_INFINITY,
          new BigDecimal("0.000"), new BigDecimal("-0.0000000001"), "", "null", new byte[0],
          new UUID(0, 0), LocalDate.of(1, 1, 1), "00:00:00", "00:00:00+00:00",
          LocalDateTime.of(1900, 1, 1, 0, 0), OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC),
          List.of(), List.of(), List.of(), List.of());
    }
  }

  @Test
  void timeTypeKeepsIcebergTime(@TempDir java.nio.file.Path directory) {
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory).with("time_type", "time")) {
      writeRows(warehouse, "with_time");
      Table table = warehouse.table("with_time");

      assertThat(table.schema().findType("clock")).isEqualTo(Types.TimeType.get());
      assertThat(table.schema().findType("clock_tz")).isEqualTo(Types.StringType.get());
      List<Record> rows = sortedById(warehouse.rows("with_time"));
      assertThat(rows.get(0).getField("clock")).isEqualTo(LocalTime.of(23, 59, 59, 999_999_000));
      assertThat(rows.get(1).getField("clock")).isNull();
      assertThat(rows.get(2).getField("clock")).isEqualTo(LocalTime.MIDNIGHT);
      assertThat(rows.get(0).getField("clock_tz")).isEqualTo("10:15:30.000001+05:30");
    }
  }

  @Test
  void aFloatingPointKeyIsRequiredButNoIdentifierAndAMissingKeyColumnIsAConfigError(
      @TempDir java.nio.file.Path directory) {
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory)) {
      List<Column> columns = List.of(column("Order Id", DataType.LONG), column("score", DataType.DOUBLE),
          column("note", DataType.STRING));
      warehouse.open(stream("scores", columns, List.of("Order Id", "score"), List.of()), WriteMode.APPEND, "l")
          .close();
      Schema schema = warehouse.table("scores").schema();
      assertThat(schema.identifierFieldNames()).isEmpty();
      assertThat(schema.asStruct().field("Order Id").isRequired()).isTrue();
      assertThat(schema.asStruct().field("score").isRequired()).isTrue();
      assertThat(schema.asStruct().field("note").isOptional()).isTrue();

      warehouse.open(stream("keyed", columns, List.of("Order Id"), List.of()), WriteMode.APPEND, "l").close();
      assertThat(warehouse.table("keyed").schema().identifierFieldNames()).containsExactly("Order Id");

      StreamSpec broken = stream("broken", columns, List.of("id"), List.of());
      assertThatThrownBy(() -> warehouse.open(broken, WriteMode.APPEND, "l"))
          .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("primary_key"))
          .hasMessage("Cannot use key column 'id' for table sales.broken: it is not among the stream's "
              + "selected columns");
    }
  }

  private static void writeRows(IcebergTestWarehouse warehouse, String table) {
    StreamWriter writer = warehouse.open(stream(table, COLUMNS, List.of("id"), List.of()), WriteMode.APPEND, "l1");
    Object[] full = {1L, true, 42, 9_007_199_254_740_993L, 1.5f, -2.25e300,
        new BigDecimal("-123456789.125"), new BigDecimal("1234567890123456789012345678.0123456789"),
        "Zürich 東京 🚕 ok", "{\"a\": [1, 2.50, null]}", new byte[] {0, 1, (byte) 0xff}, TOKEN,
        LocalDate.of(2024, 2, 29), LocalTime.of(23, 59, 59, 999_999_000),
        OffsetTime.of(10, 15, 30, 1_000, ZoneOffset.ofHoursMinutes(5, 30)),
        LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000),
        // the SPI normalises instants to UTC; a source offset must still land on the same instant
        OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 654_321_000, ZoneOffset.ofHours(2)),
        Arrays.asList(1, null, -3), Arrays.asList("a", null, "ß"), Arrays.asList(new BigDecimal("1.50"), null),
        List.of(OffsetDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC))};
    Object[] nulls = new Object[COLUMNS.size()];
    nulls[0] = 2L;
    Object[] edges = {3L, false, Integer.MIN_VALUE, Long.MAX_VALUE, Float.NaN, Double.NEGATIVE_INFINITY,
        new BigDecimal("0.000"), new BigDecimal("-0.0000000001"), "", "null", new byte[0], new UUID(0, 0),
        LocalDate.of(1, 1, 1), LocalTime.MIDNIGHT, OffsetTime.of(0, 0, 0, 0, ZoneOffset.UTC),
        LocalDateTime.of(1900, 1, 1, 0, 0), OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC),
        List.of(), List.of(), List.of(), List.of()};
    IcebergTestWarehouse.writeAndCommit(writer, List.of(full, nulls, edges), "cp-1");
    writer.close();
  }

  private static void assertSchema(Schema schema) {
    assertThat(schema.findField("id").isRequired()).isTrue();
    assertThat(schema.identifierFieldNames()).containsExactly("id");
    assertThat(schema.findType("amount")).isEqualTo(Types.DecimalType.of(12, 3));
    assertThat(schema.findType("huge")).isEqualTo(Types.DecimalType.of(38, 10));
    assertThat(schema.findType("token")).isEqualTo(Types.UUIDType.get());
    assertThat(schema.findType("payload")).isEqualTo(Types.BinaryType.get());
    assertThat(schema.findType("local_at")).isEqualTo(Types.TimestampType.withoutZone());
    assertThat(schema.findType("instant_at")).isEqualTo(Types.TimestampType.withZone());
    assertThat(schema.findType("doc")).isEqualTo(Types.StringType.get());
    assertThat(schema.findType("moments").asListType().elementType()).isEqualTo(Types.TimestampType.withZone());
    assertThat(schema.findType("moments").asListType().isElementOptional()).isTrue();
    assertThat(schema.findField("label").isOptional()).isTrue();
  }

  private static void assertRow(Record row, Object... expected) {
    for (int i = 0; i < expected.length; i++) {
      String name = COLUMNS.get(i).name();
      Object actual = row.getField(name);
      Object wanted = expected[i];
      if (wanted instanceof byte[] bytes) {
        assertThat(actual).as(name).isInstanceOf(ByteBuffer.class);
        ByteBuffer buffer = ((ByteBuffer) actual).duplicate();
        byte[] read = new byte[buffer.remaining()];
        buffer.get(read);
        assertThat(read).as(name).containsExactly(bytes);
      } else if (wanted instanceof BigDecimal decimal) {
        // equals, not compareTo: the scale must survive too
        assertThat(actual).as(name).isEqualTo(decimal);
      } else {
        assertThat(actual).as(name + " of row " + row.getField("id")).isEqualTo(wanted);
      }
    }
  }

  private static List<Record> sortedById(List<Record> rows) {
    List<Record> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparing(row -> (Long) row.getField("id")));
    return sorted;
  }
}
