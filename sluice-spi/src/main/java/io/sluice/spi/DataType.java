package io.sluice.spi;

import java.util.Objects;

/**
 * A column's logical type, independent of source and destination. Each {@link Kind} fixes the Java class
 * that carries its values through the pipeline; sources must produce exactly that class (or {@code null}).
 */
public record DataType(Kind kind, int precision, int scale, DataType element) {

  public enum Kind {
    /** {@link Boolean}. */
    BOOLEAN,
    /** {@link Integer}: 16- and 32-bit integers. */
    INT,
    /** {@link Long}. */
    LONG,
    /** {@link Float}. NaN and infinities are carried as such. */
    FLOAT,
    /** {@link Double}. NaN and infinities are carried as such. */
    DOUBLE,
    /** {@link java.math.BigDecimal} whose scale equals {@link #scale()}; precision at most 38. */
    DECIMAL,
    /** {@link String}. */
    STRING,
    /** {@link String} holding JSON text exactly as the source rendered it. */
    JSON,
    /** {@code byte[]}. */
    BINARY,
    /** {@link java.util.UUID}. */
    UUID,
    /** {@link java.time.LocalDate}. */
    DATE,
    /** {@link java.time.LocalTime} (microsecond precision). */
    TIME,
    /** {@link java.time.OffsetTime}: a time of day with a UTC offset (Postgres {@code timetz}). */
    TIME_TZ,
    /** {@link java.time.LocalDateTime}: a timestamp without time zone (microsecond precision). */
    TIMESTAMP,
    /** {@link java.time.OffsetDateTime}: an instant, normalised to UTC (microsecond precision). */
    TIMESTAMP_TZ,
    /** {@link java.util.List} of the element type's class; elements may be {@code null}. */
    LIST
  }

  public static final DataType BOOLEAN = simple(Kind.BOOLEAN);
  public static final DataType INT = simple(Kind.INT);
  public static final DataType LONG = simple(Kind.LONG);
  public static final DataType FLOAT = simple(Kind.FLOAT);
  public static final DataType DOUBLE = simple(Kind.DOUBLE);
  public static final DataType STRING = simple(Kind.STRING);
  public static final DataType JSON = simple(Kind.JSON);
  public static final DataType BINARY = simple(Kind.BINARY);
  public static final DataType UUID = simple(Kind.UUID);
  public static final DataType DATE = simple(Kind.DATE);
  public static final DataType TIME = simple(Kind.TIME);
  public static final DataType TIME_TZ = simple(Kind.TIME_TZ);
  public static final DataType TIMESTAMP = simple(Kind.TIMESTAMP);
  public static final DataType TIMESTAMP_TZ = simple(Kind.TIMESTAMP_TZ);

  /** Largest decimal precision every destination can hold exactly. */
  public static final int MAX_DECIMAL_PRECISION = 38;

  public DataType {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.DECIMAL) {
      if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
        throw new IllegalArgumentException(
            "Cannot make decimal(" + precision + "," + scale + "): precision must be 1.."
                + MAX_DECIMAL_PRECISION + " and scale 0..precision");
      }
    }
    if ((kind == Kind.LIST) != (element != null)) {
      throw new IllegalArgumentException("Cannot make " + kind + ": only LIST has an element type");
    }
  }

  private static DataType simple(Kind kind) {
    return new DataType(kind, 0, 0, null);
  }

  public static DataType decimal(int precision, int scale) {
    return new DataType(Kind.DECIMAL, precision, scale, null);
  }

  public static DataType list(DataType element) {
    return new DataType(Kind.LIST, 0, 0, Objects.requireNonNull(element, "element"));
  }

  /** The type as written in streams files: {@code decimal(10,2)}, {@code list<timestamp_tz>}, {@code long}. */
  @Override
  public String toString() {
    return switch (kind) {
      case DECIMAL -> "decimal(" + precision + "," + scale + ")";
      case LIST -> "list<" + element + ">";
      default -> kind.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /**
   * Parses the form {@link #toString()} writes.
   *
   * @throws IllegalArgumentException naming the text when it is not a type
   */
  public static DataType parse(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.startsWith("list<") && t.endsWith(">")) {
      return list(parse(t.substring(5, t.length() - 1)));
    }
    if (t.startsWith("decimal(") && t.endsWith(")")) {
      String[] parts = t.substring(8, t.length() - 1).split(",");
      if (parts.length == 2) {
        try {
          return decimal(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
          // falls through to the error below
        }
      }
      throw new IllegalArgumentException("Cannot parse type '" + text + "': expected decimal(p,s)");
    }
    for (Kind kind : Kind.values()) {
      if (kind != Kind.DECIMAL && kind != Kind.LIST && kind.name().toLowerCase(java.util.Locale.ROOT).equals(t)) {
        return simple(kind);
      }
    }
    throw new IllegalArgumentException("Cannot parse type '" + text + "': expected one of boolean, int, long, "
        + "float, double, decimal(p,s), string, json, binary, uuid, date, time, time_tz, timestamp, "
        + "timestamp_tz, list<type>");
  }
}
