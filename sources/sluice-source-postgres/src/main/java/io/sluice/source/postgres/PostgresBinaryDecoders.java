package io.sluice.source.postgres;

import io.sluice.source.postgres.PostgresColumnType.Kind;
import io.sluice.spi.DataType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Decoders of PostgreSQL's binary wire format (as {@code COPY ... (FORMAT binary)} sends it), one per selected
 * column, chosen once per chunk so that the per-row work is a plain call without type tests or reflection. The
 * special values follow the table on {@link PostgresTypeMapping}.
 */
final class PostgresBinaryDecoders {
  /** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in Unix seconds and in Unix days. */
  private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;
  private static final long POSTGRES_EPOCH_DAYS = 10_957L;
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  static final LocalDateTime TIMESTAMP_INFINITY = LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000);
  static final LocalDateTime TIMESTAMP_MINUS_INFINITY = LocalDateTime.of(1, 1, 1, 0, 0);
  static final LocalDate DATE_INFINITY = LocalDate.of(9999, 12, 31);
  static final LocalDate DATE_MINUS_INFINITY = LocalDate.of(1, 1, 1);
  /** Where {@code 24:00:00} lands: {@link LocalTime} has no end-of-day value. */
  static final LocalTime END_OF_DAY = LocalTime.of(23, 59, 59, 999_999_000);

  private static final int NUMERIC_NEGATIVE = 0x4000;
  private static final int NUMERIC_NAN = 0xC000;
  private static final int NUMERIC_POSITIVE_INFINITY = 0xD000;
  private static final int NUMERIC_NEGATIVE_INFINITY = 0xF000;
  private static final BigInteger TEN_THOUSAND_TO_THE_FOURTH = BigInteger.valueOf(10_000L * 10_000L * 10_000L * 10_000L);

  private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private PostgresBinaryDecoders() {}

  /** Turns one non-NULL binary value into the Java object its {@link DataType.Kind} fixes. */
  @FunctionalInterface
  interface ValueDecoder {
    Object decode(byte[] bytes, int offset, int length);
  }

  /**
   * Values a chunk carried in a lossy way, counted so the reader can log them once per chunk instead of once per
   * row. Not thread-safe: one per reader.
   */
  static final class Anomalies {
    long decimalNaN;
    long flattenedArrays;
  }

  /**
   * How one selected column is read.
   *
   * @param cast appended to the quoted column in the {@code SELECT} list ({@code ::text}), or empty
   * @param decoder decodes the binary values of that expression
   */
  record ColumnReading(String cast, ValueDecoder decoder) {}

  /**
   * Chooses how to read a column of PostgreSQL type {@code type} as {@code target}. {@code target} is normally
   * {@code PostgresTypeMapping.dataType(type)}; any column may also be read as a string through its text form.
   *
   * @throws IllegalArgumentException when {@code target} is neither, naming both types
   */
  static ColumnReading forColumn(PostgresColumnType type, DataType target, Anomalies anomalies) {
    DataType mapped = PostgresTypeMapping.dataType(type);
    if (!mapped.equals(target)) {
      if (target.kind() == DataType.Kind.STRING) {
        return new ColumnReading("::text", PostgresBinaryDecoders::text);
      }
      throw new IllegalArgumentException("its PostgreSQL type " + type.name() + " maps to " + mapped + ", not "
          + target);
    }
    return switch (type.kind()) {
      case OTHER -> new ColumnReading("::text", PostgresBinaryDecoders::text);
      case MONEY -> new ColumnReading("::numeric", decimal(mapped, anomalies));
      case ARRAY -> new ColumnReading(arrayCast(type.element().kind()),
          array(scalar(type.element(), mapped.element(), anomalies), anomalies));
      default -> new ColumnReading("", scalar(type, mapped, anomalies));
    };
  }

  private static String arrayCast(Kind elementKind) {
    return switch (elementKind) {
      case OTHER -> "::text[]";
      case MONEY -> "::numeric[]";
      default -> "";
    };
  }

  /** The decoder of a non-array type, after any cast {@link #forColumn} adds. */
  private static ValueDecoder scalar(PostgresColumnType type, DataType target, Anomalies anomalies) {
    return switch (type.kind()) {
      case INT2 -> (bytes, offset, length) -> (int) int16(bytes, offset);
      case INT4 -> (bytes, offset, length) -> int32(bytes, offset);
      case INT8 -> (bytes, offset, length) -> int64(bytes, offset);
      case FLOAT4 -> (bytes, offset, length) -> Float.intBitsToFloat(int32(bytes, offset));
      case FLOAT8 -> (bytes, offset, length) -> Double.longBitsToDouble(int64(bytes, offset));
      case NUMERIC, MONEY -> target.kind() == DataType.Kind.DECIMAL
          ? decimal(target, anomalies) : PostgresBinaryDecoders::numericText;
      case BOOL -> (bytes, offset, length) -> bytes[offset] != 0;
      case TEXT, ENUM, JSON, OTHER -> PostgresBinaryDecoders::text;
      case JSONB -> PostgresBinaryDecoders::jsonb;
      case DATE -> (bytes, offset, length) -> date(int32(bytes, offset));
      case TIME -> (bytes, offset, length) -> time(int64(bytes, offset));
      case TIMETZ -> (bytes, offset, length) ->
          OffsetTime.of(time(int64(bytes, offset)), ZoneOffset.ofTotalSeconds(-int32(bytes, offset + 8)));
      case TIMESTAMP -> (bytes, offset, length) -> timestamp(int64(bytes, offset));
      case TIMESTAMPTZ -> (bytes, offset, length) -> OffsetDateTime.of(timestamp(int64(bytes, offset)), ZoneOffset.UTC);
      case UUID -> (bytes, offset, length) -> new UUID(int64(bytes, offset), int64(bytes, offset + 8));
      case BYTEA -> (bytes, offset, length) -> Arrays.copyOfRange(bytes, offset, offset + length);
      case ARRAY -> throw new IllegalArgumentException("Cannot read " + type.name()
          + ": PostgreSQL has no arrays of arrays");
    };
  }

  private static ValueDecoder decimal(DataType target, Anomalies anomalies) {
    int scale = target.scale();
    return (bytes, offset, length) -> {
      int sign = uint16(bytes, offset + 4);
      if (sign == NUMERIC_NAN || sign == NUMERIC_POSITIVE_INFINITY || sign == NUMERIC_NEGATIVE_INFINITY) {
        anomalies.decimalNaN++;
        return null;
      }
      BigDecimal value = numeric(bytes, offset);
      try {
        return value.setScale(scale, RoundingMode.UNNECESSARY);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("value " + value.toPlainString() + " does not fit " + target
            + " without rounding", e);
      }
    };
  }

  private static ValueDecoder array(ValueDecoder element, Anomalies anomalies) {
    return (bytes, offset, length) -> {
      int dimensions = int32(bytes, offset);
      if (dimensions == 0) {
        return List.of();
      }
      int position = offset + 12;
      int count = 1;
      for (int d = 0; d < dimensions; d++) {
        count = Math.multiplyExact(count, int32(bytes, position));
        position += 8;
      }
      if (dimensions > 1) {
        anomalies.flattenedArrays++;
      }
      Object[] items = new Object[count];
      for (int i = 0; i < count; i++) {
        int itemLength = int32(bytes, position);
        position += 4;
        if (itemLength >= 0) {
          items[i] = element.decode(bytes, position, itemLength);
          position += itemLength;
        }
      }
      return Arrays.asList(items);
    };
  }

  static String text(byte[] bytes, int offset, int length) {
    return new String(bytes, offset, length, StandardCharsets.UTF_8);
  }

  static String jsonb(byte[] bytes, int offset, int length) {
    if (bytes[offset] != 1) {
      throw new IllegalArgumentException("unknown jsonb binary format version " + bytes[offset]);
    }
    return new String(bytes, offset + 1, length - 1, StandardCharsets.UTF_8);
  }

  /** A {@code numeric} as PostgreSQL prints it: plain digits with its display scale, or NaN/Infinity/-Infinity. */
  static String numericText(byte[] bytes, int offset, int length) {
    return switch (uint16(bytes, offset + 4)) {
      case NUMERIC_NAN -> "NaN";
      case NUMERIC_POSITIVE_INFINITY -> "Infinity";
      case NUMERIC_NEGATIVE_INFINITY -> "-Infinity";
      default -> numeric(bytes, offset).toPlainString();
    };
  }

  /**
   * A finite {@code numeric} at its display scale. The wire form is: number of base-10000 digits, weight of the
   * first digit, sign, display scale, then the digits.
   */
  static BigDecimal numeric(byte[] bytes, int offset) {
    int digits = int16(bytes, offset);
    int weight = int16(bytes, offset + 2);
    int sign = uint16(bytes, offset + 4);
    int displayScale = uint16(bytes, offset + 6);
    if (digits == 0) {
      return BigDecimal.valueOf(0, displayScale);
    }
    // Four base-10000 digits fit a long; longer numbers go through BigInteger four digits at a time.
    BigInteger big = null;
    long chunk = 0;
    int inChunk = 0;
    int position = offset + 8;
    for (int i = 0; i < digits; i++, position += 2) {
      if (inChunk == 4) {
        big = big == null
            ? BigInteger.valueOf(chunk)
            : big.multiply(TEN_THOUSAND_TO_THE_FOURTH).add(BigInteger.valueOf(chunk));
        chunk = 0;
        inChunk = 0;
      }
      chunk = chunk * 10_000 + int16(bytes, position);
      inChunk++;
    }
    int scale = 4 * (digits - 1 - weight);
    if (big == null) {
      long unscaled = rescaled(chunk, scale, displayScale);
      if (unscaled >= 0) {
        // the common case (up to 16 significant digits): one allocation, no rounding arithmetic
        return BigDecimal.valueOf(sign == NUMERIC_NEGATIVE ? -unscaled : unscaled, displayScale);
      }
    }
    BigDecimal value;
    if (big == null) {
      value = BigDecimal.valueOf(chunk, scale);
    } else {
      big = big.multiply(BigInteger.TEN.pow(4 * inChunk)).add(BigInteger.valueOf(chunk));
      value = new BigDecimal(big, scale);
    }
    // Digits past the display scale are zeros, so this never rounds.
    value = value.setScale(displayScale, RoundingMode.UNNECESSARY);
    return sign == NUMERIC_NEGATIVE ? value.negate() : value;
  }

  private static final long[] POWERS_OF_TEN = new long[19];

  static {
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
  }

  /**
   * {@code digits × 10^-scale} as an unscaled value at {@code targetScale}, or -1 when that needs more than a long.
   * Dropping digits is exact: past the display scale the wire digits are zeros.
   */
  private static long rescaled(long digits, int scale, int targetScale) {
    int shift = targetScale - scale;
    if (shift <= 0) {
      return -shift < POWERS_OF_TEN.length ? digits / POWERS_OF_TEN[-shift] : 0;
    }
    if (shift >= POWERS_OF_TEN.length || digits > Long.MAX_VALUE / POWERS_OF_TEN[shift]) {
      return -1;
    }
    return digits * POWERS_OF_TEN[shift];
  }

  static LocalDate date(int daysSince2000) {
    if (daysSince2000 == Integer.MAX_VALUE) {
      return DATE_INFINITY;
    }
    if (daysSince2000 == Integer.MIN_VALUE) {
      return DATE_MINUS_INFINITY;
    }
    return LocalDate.ofEpochDay(daysSince2000 + POSTGRES_EPOCH_DAYS);
  }

  static LocalTime time(long microsOfDay) {
    return microsOfDay >= MICROS_PER_DAY ? END_OF_DAY : LocalTime.ofNanoOfDay(microsOfDay * 1000);
  }

  static LocalDateTime timestamp(long microsSince2000) {
    if (microsSince2000 == Long.MAX_VALUE) {
      return TIMESTAMP_INFINITY;
    }
    if (microsSince2000 == Long.MIN_VALUE) {
      return TIMESTAMP_MINUS_INFINITY;
    }
    long seconds = Math.floorDiv(microsSince2000, 1_000_000L) + POSTGRES_EPOCH_SECONDS;
    int nanos = (int) Math.floorMod(microsSince2000, 1_000_000L) * 1000;
    return LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
  }

  static short int16(byte[] bytes, int offset) {
    return (short) SHORT.get(bytes, offset);
  }

  static int uint16(byte[] bytes, int offset) {
    return int16(bytes, offset) & 0xffff;
  }

  static int int32(byte[] bytes, int offset) {
    return (int) INT.get(bytes, offset);
  }

  static long int64(byte[] bytes, int offset) {
    return (long) LONG.get(bytes, offset);
  }
}
