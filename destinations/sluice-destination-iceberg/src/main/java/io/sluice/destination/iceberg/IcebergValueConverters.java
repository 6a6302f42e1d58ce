package io.sluice.destination.iceberg;

import io.sluice.spi.DataType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Converters from the Java classes {@link DataType.Kind} fixes to the values Iceberg's generic writers take
 * ({@code ByteBuffer} for binary, {@code Long} for a widened int, formatted strings for TIME/TIME_TZ stored as
 * strings). Built once per column when a writer opens, so the per-row path is one virtual call, no lookups.
 */
final class IcebergValueConverters {
  private IcebergValueConverters() {}

  /** Converts one non-null value. */
  @FunctionalInterface
  interface ValueConverter {
    Object convert(Object value);
  }

  /** The converter of values Iceberg takes as they are; callers may skip calling it. */
  static final ValueConverter IDENTITY = value -> value;

  /**
   * The converter that writes values of {@code source} into a column of Iceberg type {@code target}, or empty
   * when the target cannot hold them without loss. Besides the type {@link IcebergTypeMapping} picks, a
   * target may be wider (an existing long column for int values, a larger decimal precision) or be the other
   * TIME representation (an existing string column while {@code time_type} says time, or the reverse).
   */
  static Optional<ValueConverter> converter(DataType source, Type target) {
    Type.TypeID id = target.typeId();
    return switch (source.kind()) {
      case BOOLEAN -> when(id == Type.TypeID.BOOLEAN, IDENTITY);
      case INT -> id == Type.TypeID.INTEGER
          ? Optional.of(IDENTITY)
          : when(id == Type.TypeID.LONG, value -> (long) (Integer) value);
      case LONG -> when(id == Type.TypeID.LONG, IDENTITY);
      case FLOAT -> id == Type.TypeID.FLOAT
          ? Optional.of(IDENTITY)
          : when(id == Type.TypeID.DOUBLE, value -> (double) (Float) value);
      case DOUBLE -> when(id == Type.TypeID.DOUBLE, IDENTITY);
      case DECIMAL -> decimalConverter(source, target);
      case STRING, JSON -> when(id == Type.TypeID.STRING, IDENTITY);
      case BINARY -> when(id == Type.TypeID.BINARY, value -> ByteBuffer.wrap((byte[]) value));
      case UUID -> when(id == Type.TypeID.UUID, IDENTITY);
      case DATE -> when(id == Type.TypeID.DATE, IDENTITY);
      case TIME -> id == Type.TypeID.TIME
          ? Optional.of(IDENTITY)
          : when(id == Type.TypeID.STRING, value -> formatTime((LocalTime) value));
      case TIME_TZ -> when(id == Type.TypeID.STRING, value -> formatTime((OffsetTime) value));
      case TIMESTAMP -> when(target.equals(Types.TimestampType.withoutZone()), IDENTITY);
      case TIMESTAMP_TZ -> when(target.equals(Types.TimestampType.withZone()), IDENTITY);
      case LIST -> id == Type.TypeID.LIST
          ? converter(source.element(), target.asListType().elementType()).map(IcebergValueConverters::listOf)
          : Optional.empty();
    };
  }

  private static Optional<ValueConverter> when(boolean compatible, ValueConverter converter) {
    return compatible ? Optional.of(converter) : Optional.empty();
  }

  private static Optional<ValueConverter> decimalConverter(DataType source, Type target) {
    if (target.typeId() != Type.TypeID.DECIMAL) {
      return Optional.empty();
    }
    Types.DecimalType decimal = (Types.DecimalType) target;
    if (decimal.scale() != source.scale() || decimal.precision() < source.precision()) {
      return Optional.empty();
    }
    int scale = decimal.scale();
    // The SPI promises the column's scale; a source that slips is corrected when no digit is lost
    // (setScale throws ArithmeticException otherwise), because Iceberg rejects any other scale.
    return Optional.of(value -> {
      BigDecimal number = (BigDecimal) value;
      return number.scale() == scale ? number : number.setScale(scale, RoundingMode.UNNECESSARY);
    });
  }

  private static ValueConverter listOf(ValueConverter element) {
    if (element == IDENTITY) {
      return IDENTITY;
    }
    return value -> {
      List<?> list = (List<?>) value;
      List<Object> converted = new ArrayList<>(list.size());
      for (Object item : list) {
        converted.add(item == null ? null : element.convert(item));
      }
      return converted;
    };
  }

  /** {@code HH:MM:SS} with {@code .ffffff} when the time has a fraction of a second (microseconds). */
  static String formatTime(LocalTime time) {
    StringBuilder text = new StringBuilder(21);
    appendTime(text, time);
    return text.toString();
  }

  /** {@code HH:MM:SS[.ffffff]+HH:MM}; UTC is {@code +00:00}, never {@code Z}. */
  static String formatTime(OffsetTime time) {
    StringBuilder text = new StringBuilder(21);
    appendTime(text, time.toLocalTime());
    int offset = time.getOffset().getTotalSeconds();
    text.append(offset < 0 ? '-' : '+');
    int absolute = Math.abs(offset);
    appendTwoDigits(text, absolute / 3600).append(':');
    appendTwoDigits(text, absolute / 60 % 60);
    if (absolute % 60 != 0) {
      appendTwoDigits(text.append(':'), absolute % 60);
    }
    return text.toString();
  }

  private static void appendTime(StringBuilder text, LocalTime time) {
    appendTwoDigits(text, time.getHour()).append(':');
    appendTwoDigits(text, time.getMinute()).append(':');
    appendTwoDigits(text, time.getSecond());
    int micros = time.getNano() / 1000;
    if (micros != 0) {
      String digits = Integer.toString(micros);
      text.append('.').append("000000", digits.length(), 6).append(digits);
    }
  }

  private static StringBuilder appendTwoDigits(StringBuilder text, int value) {
    return text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
  }
}
