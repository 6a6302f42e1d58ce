package io.sluice.destination.iceberg;

import io.sluice.destination.iceberg.IcebergConfig.TimeType;
import io.sluice.spi.DataType;
import java.util.function.IntSupplier;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Maps Sluice's logical types to Iceberg types: the one exhaustive switch of this connector (DESIGN §4).
 * TIME becomes a string by default because Spark cannot load a table with an Iceberg {@code time} column;
 * TIME_TZ has no Iceberg type and is always a string {@code HH:MM:SS[.ffffff]+HH:MM}.
 */
final class IcebergTypeMapping {
  private final TimeType timeType;

  IcebergTypeMapping(TimeType timeType) {
    this.timeType = timeType;
  }

  /**
   * The Iceberg type for {@code type}. List element ids come from {@code nextId}; a catalog reassigns them on
   * table creation and {@code UpdateSchema} on column addition, so any unique numbers do.
   */
  Type icebergType(DataType type, IntSupplier nextId) {
    return switch (type.kind()) {
      case BOOLEAN -> Types.BooleanType.get();
      case INT -> Types.IntegerType.get();
      case LONG -> Types.LongType.get();
      case FLOAT -> Types.FloatType.get();
      case DOUBLE -> Types.DoubleType.get();
      case DECIMAL -> Types.DecimalType.of(type.precision(), type.scale());
      case STRING, JSON, TIME_TZ -> Types.StringType.get();
      case BINARY -> Types.BinaryType.get();
      case UUID -> Types.UUIDType.get();
      case DATE -> Types.DateType.get();
      case TIME -> timeType == TimeType.TIME ? Types.TimeType.get() : Types.StringType.get();
      case TIMESTAMP -> Types.TimestampType.withoutZone();
      case TIMESTAMP_TZ -> Types.TimestampType.withZone();
      case LIST -> Types.ListType.ofOptional(nextId.getAsInt(), icebergType(type.element(), nextId));
    };
  }
}
