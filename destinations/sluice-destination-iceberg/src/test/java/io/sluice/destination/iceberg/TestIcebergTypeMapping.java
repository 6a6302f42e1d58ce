package io.sluice.destination.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.destination.iceberg.IcebergConfig.TimeType;
import io.sluice.spi.DataType;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** One row per logical type (DESIGN §4), in both TIME modes. */
class TestIcebergTypeMapping {
  /** Sluice type, Iceberg type with time_type=string, Iceberg type with time_type=time. */
  private static final List<List<String>> ROWS = List.of(
      List.of("boolean", "boolean", "boolean"),
      List.of("int", "int", "int"),
      List.of("long", "long", "long"),
      List.of("float", "float", "float"),
      List.of("double", "double", "double"),
      List.of("decimal(38,10)", "decimal(38, 10)", "decimal(38, 10)"),
      List.of("decimal(1,0)", "decimal(1, 0)", "decimal(1, 0)"),
      List.of("string", "string", "string"),
      List.of("json", "string", "string"),
      List.of("binary", "binary", "binary"),
      List.of("uuid", "uuid", "uuid"),
      List.of("date", "date", "date"),
      List.of("time", "string", "time"),
      List.of("time_tz", "string", "string"),
      List.of("timestamp", "timestamp", "timestamp"),
      List.of("timestamp_tz", "timestamptz", "timestamptz"),
      List.of("list<int>", "list<int>", "list<int>"),
      List.of("list<time>", "list<string>", "list<time>"),
      List.of("list<list<decimal(5,2)>>", "list<list<decimal(5, 2)>>", "list<list<decimal(5, 2)>>"));

  @Test
  void mapsEveryKindInBothTimeModes() {
    Set<DataType.Kind> covered = EnumSet.noneOf(DataType.Kind.class);
    for (List<String> row : ROWS) {
      DataType type = DataType.parse(row.get(0));
      covered.add(type.kind());
      assertThat(icebergType(type, TimeType.STRING)).as(row.get(0)).hasToString(row.get(1));
      assertThat(icebergType(type, TimeType.TIME)).as(row.get(0)).hasToString(row.get(2));
    }
    assertThat(covered).isEqualTo(EnumSet.allOf(DataType.Kind.class));
  }

  @Test
  void listElementsAreOptionalWithDistinctIds() {
    Types.ListType outer = icebergType(DataType.list(DataType.list(DataType.INT)), TimeType.STRING).asListType();
    assertThat(outer.isElementOptional()).isTrue();
    assertThat(outer.elementType().asListType().isElementOptional()).isTrue();
    assertThat(outer.elementId()).isNotEqualTo(outer.elementType().asListType().elementId());
  }

  private static Type icebergType(DataType type, TimeType timeType) {
    AtomicInteger ids = new AtomicInteger();
    return new IcebergTypeMapping(timeType).icebergType(type, ids::incrementAndGet);
  }
}
