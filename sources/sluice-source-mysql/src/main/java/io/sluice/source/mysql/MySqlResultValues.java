package io.sluice.source.mysql;

import io.sluice.spi.DataType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads one column of a JDBC row into the class its {@link DataType} fixes. Temporal values are parsed from the
 * server's text, not through {@code java.sql} types, so no JVM time zone or calendar ever touches them; sessions run
 * in UTC ({@link MySqlConnections}), so {@code timestamp} text is UTC.
 */
final class MySqlResultValues {
  private MySqlResultValues() {}

  static Object read(ResultSet result, int index, MySqlColumn column) throws SQLException {
    DataType type = column.type();
    String dataType = column.dataType();
    switch (type.kind()) {
      case BOOLEAN: {
        if (dataType.equals("bit")) {
          byte[] bits = result.getBytes(index);
          return bits == null ? null : bitsAsLong(bits) != 0;
        }
        int value = result.getInt(index);
        return result.wasNull() ? null : value != 0;
      }
      case INT: {
        int value = result.getInt(index);
        return result.wasNull() ? null : value;
      }
      case LONG: {
        if (dataType.equals("bit")) {
          byte[] bits = result.getBytes(index);
          return bits == null ? null : bitsAsLong(bits);
        }
        if (dataType.equals("time")) {
          String text = result.getString(index);
          return text == null ? null : MySqlTemporalText.timeMicros(text);
        }
        long value = result.getLong(index);
        return result.wasNull() ? null : value;
      }
      case DECIMAL: {
        String text = result.getString(index);
        // Unsigned bigint and decimal columns alike: the server's digits are exact; the scale is the column's.
        return text == null ? null : new BigDecimal(text).setScale(type.scale(), RoundingMode.UNNECESSARY);
      }
      case FLOAT: {
        float value = result.getFloat(index);
        return result.wasNull() ? null : value;
      }
      case DOUBLE: {
        double value = result.getDouble(index);
        return result.wasNull() ? null : value;
      }
      case BINARY:
        return result.getBytes(index);
      case DATE: {
        String text = result.getString(index);
        return text == null ? null : MySqlTemporalText.date(text);
      }
      case TIMESTAMP: {
        String text = result.getString(index);
        return text == null ? null : MySqlTemporalText.dateTime(text);
      }
      case TIMESTAMP_TZ: {
        String text = result.getString(index);
        LocalDateTime utc = text == null ? null : MySqlTemporalText.dateTime(text);
        return utc == null ? null : utc.atOffset(ZoneOffset.UTC);
      }
      default:
        return result.getString(index);
    }
  }

  /**
   * Hands every row of {@code result} to {@code sink}, values in {@code columns} order.
   *
   * @return the number of rows
   */
  static long readRows(ResultSet result, java.util.List<MySqlColumn> columns, io.sluice.spi.RowSink sink)
      throws SQLException, InterruptedException {
    long rows = 0;
    while (result.next()) {
      Object[] row = new Object[columns.size()];
      int size = 0;
      for (int i = 0; i < row.length; i++) {
        row[i] = read(result, i + 1, columns.get(i));
        size += size(row[i]);
      }
      sink.accept(row, size);
      rows++;
    }
    return rows;
  }

  /** A {@code bit(n)} value, big-endian. */
  static long bitsAsLong(byte[] bits) {
    long value = 0;
    for (byte b : bits) {
      value = (value << 8) | (b & 0xFF);
    }
    return value;
  }

  /** Rough size of a value on the wire, for the pipeline's byte bound. */
  static int size(Object value) {
    if (value == null) {
      return 1;
    }
    if (value instanceof String text) {
      return text.length() + 4;
    }
    if (value instanceof byte[] bytes) {
      return bytes.length + 4;
    }
    if (value instanceof LocalDate) {
      return 4;
    }
    return 8;
  }
}
