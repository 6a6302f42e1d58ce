package io.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.DeleteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer.CompatibilityMode;
import com.github.shyiko.mysql.binlog.event.deserialization.TableMapEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.UpdateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.WriteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * The binlog client's event deserializer, set up so that row values keep full fidelity: dates and times as
 * microseconds (zero dates as {@link Long#MIN_VALUE}), text and binary as bytes (decoded later with each column's
 * charset), and two fixes over the library's own decoding: signed {@code time} values (the library drops the sign)
 * and the {@code year} 0000.
 */
final class MySqlBinlogDeserializers {
  private MySqlBinlogDeserializers() {}

  static EventDeserializer create() {
    EventDeserializer deserializer = new EventDeserializer();
    deserializer.setCompatibilityMode(CompatibilityMode.DATE_AND_TIME_AS_LONG_MICRO,
        CompatibilityMode.INVALID_DATE_AND_TIME_AS_MIN_VALUE, CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY);
    Map<Long, TableMapEventData> tables = new HashMap<>();
    deserializer.setEventDataDeserializer(EventType.TABLE_MAP, new TableMapEventDataDeserializer() {
      @Override
      public TableMapEventData deserialize(ByteArrayInputStream input) throws IOException {
        TableMapEventData data = super.deserialize(input);
        tables.put(data.getTableId(), data);
        return data;
      }
    });
    for (boolean extended : new boolean[] {false, true}) {
      deserializer.setEventDataDeserializer(extended ? EventType.EXT_WRITE_ROWS : EventType.WRITE_ROWS,
          new Writes(tables).setMayContainExtraInformation(extended));
      deserializer.setEventDataDeserializer(extended ? EventType.EXT_UPDATE_ROWS : EventType.UPDATE_ROWS,
          new Updates(tables).setMayContainExtraInformation(extended));
      deserializer.setEventDataDeserializer(extended ? EventType.EXT_DELETE_ROWS : EventType.DELETE_ROWS,
          new Deletes(tables).setMayContainExtraInformation(extended));
    }
    return deserializer;
  }

  /**
   * A {@code time(fsp)} value in MySQL's binary format (TIME2): 3 bytes of sign-offset hours/minutes/seconds and
   * 0-3 bytes of fraction, as signed microseconds. Mirrors the server's {@code my_time_packed_from_binary}.
   */
  static long timeMicros(int fsp, ByteArrayInputStream input) throws IOException {
    long packed;
    switch (fsp) {
      case 1, 2 -> {
        long intPart = bigEndian(input.read(3)) - 0x800000L;
        long frac = input.read(1)[0] & 0xFF;
        if (intPart < 0 && frac != 0) {
          intPart++;
          frac -= 0x100;
        }
        packed = (intPart << 24) + frac * 10_000;
      }
      case 3, 4 -> {
        long intPart = bigEndian(input.read(3)) - 0x800000L;
        long frac = bigEndian(input.read(2));
        if (intPart < 0 && frac != 0) {
          intPart++;
          frac -= 0x10000;
        }
        packed = (intPart << 24) + frac * 100;
      }
      case 5, 6 -> packed = bigEndian(input.read(6)) - 0x800000000000L;
      default -> packed = (bigEndian(input.read(3)) - 0x800000L) << 24;
    }
    boolean negative = packed < 0;
    long magnitude = Math.abs(packed);
    long hms = magnitude >> 24;
    long micros = magnitude % (1L << 24);
    long hours = (hms >> 12) % (1 << 10);
    long minutes = (hms >> 6) % (1 << 6);
    long seconds = hms % (1 << 6);
    long total = ((hours * 60 + minutes) * 60 + seconds) * 1_000_000L + micros;
    return negative ? -total : total;
  }

  private static long bigEndian(byte[] bytes) {
    long value = 0;
    for (byte b : bytes) {
      value = (value << 8) | (b & 0xFF);
    }
    return value;
  }

  private static Serializable year(ByteArrayInputStream input) throws IOException {
    int value = input.readInteger(1);
    return value == 0 ? 0 : 1900 + value;
  }

  private static final class Writes extends WriteRowsEventDataDeserializer {
    Writes(Map<Long, TableMapEventData> tables) {
      super(tables);
    }

    @Override
    protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream input) throws IOException {
      return timeMicros(meta, input);
    }

    @Override
    protected Serializable deserializeYear(ByteArrayInputStream input) throws IOException {
      return year(input);
    }
  }

  private static final class Updates extends UpdateRowsEventDataDeserializer {
    Updates(Map<Long, TableMapEventData> tables) {
      super(tables);
    }

    @Override
    protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream input) throws IOException {
      return timeMicros(meta, input);
    }

    @Override
    protected Serializable deserializeYear(ByteArrayInputStream input) throws IOException {
      return year(input);
    }
  }

  private static final class Deletes extends DeleteRowsEventDataDeserializer {
    Deletes(Map<Long, TableMapEventData> tables) {
      super(tables);
    }

    @Override
    protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream input) throws IOException {
      return timeMicros(meta, input);
    }

    @Override
    protected Serializable deserializeYear(ByteArrayInputStream input) throws IOException {
      return year(input);
    }
  }
}
