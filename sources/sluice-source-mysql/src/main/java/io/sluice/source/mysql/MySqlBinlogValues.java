package io.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import io.sluice.spi.DataType;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Turns a value the binlog client decoded ({@link MySqlBinlogDeserializers}) into the class of the column's
 * {@link DataType}, the same value a snapshot read gives ({@link MySqlResultValues}): unsigned integers from their
 * signed wire form, text from its column charset, enum and set members from their index and bit mask, MySQL's
 * binary JSON as text, dates and times from microseconds (zero dates as NULL).
 */
final class MySqlBinlogValues {
  private MySqlBinlogValues() {}

  static Object convert(Object raw, MySqlColumn column) throws IOException {
    if (raw == null) {
      return null;
    }
    DataType type = column.type();
    String dataType = column.dataType();
    switch (dataType) {
      case "enum": {
        int index = ((Number) raw).intValue();
        List<String> members = column.members();
        return index >= 1 && index <= members.size() ? members.get(index - 1) : "";
      }
      case "set": {
        long mask = ((Number) raw).longValue();
        List<String> members = column.members();
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
          if ((mask & (1L << i)) != 0) {
            chosen.add(members.get(i));
          }
        }
        return String.join(",", chosen);
      }
      case "bit": {
        long bits = bitsAsLong((BitSet) raw);
        return type.kind() == DataType.Kind.BOOLEAN ? bits != 0 : bits;
      }
      case "date": {
        long micros = (Long) raw;
        return micros == Long.MIN_VALUE ? null : LocalDate.ofEpochDay(Math.floorDiv(micros, 86_400_000_000L));
      }
      case "datetime": {
        long micros = (Long) raw;
        return micros == Long.MIN_VALUE ? null : utcDateTime(micros);
      }
      case "timestamp": {
        long micros = (Long) raw;
        // TIMESTAMP's range starts at 1970-01-01 00:00:01 UTC: 0 is the zero timestamp.
        return micros == Long.MIN_VALUE || micros == 0 ? null : utcDateTime(micros).atOffset(ZoneOffset.UTC);
      }
      case "time":
        return ((Number) raw).longValue();
      case "json":
        return raw instanceof byte[] bytes ? JsonBinary.parseAsString(bytes) : raw.toString();
      case "binary":
        return padded((byte[]) raw, declaredLength(column));
      default:
        break;
    }
    return switch (type.kind()) {
      case BOOLEAN -> ((Number) raw).intValue() != 0;
      case INT -> (int) unsigned(((Number) raw).longValue(), column);
      case LONG -> unsigned(((Number) raw).longValue(), column);
      case DECIMAL -> raw instanceof BigDecimal decimal ? decimal.setScale(type.scale(), RoundingMode.UNNECESSARY)
          : new BigDecimal(Long.toUnsignedString(((Number) raw).longValue())).setScale(type.scale());
      case FLOAT -> ((Number) raw).floatValue();
      case DOUBLE -> ((Number) raw).doubleValue();
      case BINARY -> (byte[]) raw;
      case STRING, JSON -> raw instanceof byte[] bytes ? new String(bytes, MySqlCharsets.forName(column.charset()))
          : raw instanceof BigDecimal decimal ? decimal.toPlainString() : raw.toString();
      default -> raw;
    };
  }

  /** Integer columns arrive signed; an unsigned column's value is its bits read as unsigned. */
  private static long unsigned(long value, MySqlColumn column) {
    if (!column.unsigned()) {
      return value;
    }
    return switch (column.dataType()) {
      case "tinyint" -> value & 0xFFL;
      case "smallint" -> value & 0xFFFFL;
      case "mediumint" -> value & 0xFFFFFFL;
      case "int", "integer" -> value & 0xFFFFFFFFL;
      default -> value;
    };
  }

  private static LocalDateTime utcDateTime(long micros) {
    Instant instant = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static long bitsAsLong(BitSet bits) {
    long[] words = bits.toLongArray();
    return words.length == 0 ? 0 : words[0];
  }

  /** {@code binary(n)} values lose their trailing zero bytes in the binlog; a snapshot read has all n. */
  private static byte[] padded(byte[] value, int length) {
    if (length <= value.length) {
      return value;
    }
    byte[] padded = new byte[length];
    System.arraycopy(value, 0, padded, 0, value.length);
    return padded;
  }

  private static int declaredLength(MySqlColumn column) {
    String type = column.columnType();
    int open = type.indexOf('(');
    int close = type.indexOf(')');
    try {
      return open < 0 || close < open ? 0 : Integer.parseInt(type.substring(open + 1, close));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
