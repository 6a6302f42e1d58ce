package io.sluice.source.postgres;

import io.sluice.source.postgres.PostgresColumnType.Kind;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Renders cursor and key values as typed SQL literals, {@code '<text>'::<type>}, for the one place values must go
 * into SQL text: the query of a {@code COPY}, which cannot take bind parameters. The values come from the state
 * file, which a user may edit, so nothing is trusted: every value is checked against its column's type and
 * rendered so that the server reads back exactly that value, or refused.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>The text is always single-quoted with inner quotes doubled. A text containing a backslash is written as an
 *       escape string ({@code E'...'}) with backslashes doubled as well, so the literal means the same whatever
 *       {@code standard_conforming_strings} is; a text without one is a plain literal, which means the same
 *       either way too. NUL (which PostgreSQL text cannot hold) and unpaired UTF-16 surrogates (which have no
 *       UTF-8 form) are refused.
 *   <li>The cast is the column's own type as {@code format_type} renders it, modifier included, so comparisons
 *       use the column's operators and its index. Because a cast to a type with a modifier rounds or truncates,
 *       a value that does not fit the modifier as it is (more characters than {@code varchar(n)}, more digits
 *       than {@code numeric(p,s)} or {@code timestamp(p)}) is refused instead.
 *   <li>Integers must be {@link Integer} or {@link Long} in the column's range; decimals {@link BigDecimal}
 *       (plain notation, never an exponent); an unconstrained {@code numeric} read as a string must be plain
 *       decimal digits or {@code NaN}/{@code Infinity}/{@code -Infinity}.
 *   <li>Dates and timestamps are ISO text with all six fractional digits ({@code 2026-01-01 10:00:00.123456}),
 *       years before 1 as {@code ... BC}; a {@code timestamptz} carries its own offset
 *       ({@code +05:30}, seconds too when it has them), so the session's {@code TimeZone} does not matter.
 *       Values outside PostgreSQL's range, or finer than a microsecond, are refused.
 *   <li>UUIDs are their canonical text.
 * </ul>
 *
 * <p>Stateless.
 */
final class PostgresLiterals {
  /** PostgreSQL's ranges as ISO years (year 0 is 1 BC): dates 4713 BC .. 5874897, timestamps 4713 BC .. 294276. */
  private static final int MIN_YEAR = -4712;
  private static final int MAX_DATE_YEAR = 5_874_897;
  private static final int MAX_TIMESTAMP_YEAR = 294_276;
  /** The widest {@code numeric}: 131072 digits before the point, 16383 after. */
  private static final int MAX_NUMERIC_INTEGER_DIGITS = 131_072;
  private static final int MAX_NUMERIC_SCALE = 16_383;
  private static final Pattern NUMERIC_TEXT = Pattern.compile("-?[0-9]+(\\.[0-9]+)?|NaN|Infinity|-Infinity");

  private PostgresLiterals() {}

  /**
   * {@code value} as a literal of a column of type {@code type}, cast to {@code sqlType}.
   *
   * @param sqlType the column's type as {@code format_type(atttypid, atttypmod)} renders it; trusted SQL
   * @throws IllegalArgumentException saying why the value cannot be rendered exactly
   */
  static String typed(Object value, PostgresColumnType type, String sqlType) {
    return quoted(render(value, type)) + "::" + sqlType;
  }

  /** A quoted string literal holding exactly {@code text}. */
  static String quoted(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        throw new IllegalArgumentException("it contains a NUL character, which PostgreSQL text cannot hold");
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("it contains an unpaired UTF-16 surrogate at index " + i
            + ", which has no UTF-8 form");
      }
    }
    String doubledQuotes = text.replace("'", "''");
    if (text.indexOf('\\') < 0) {
      return "'" + doubledQuotes + "'";
    }
    return "E'" + doubledQuotes.replace("\\", "\\\\") + "'";
  }

  private static String render(Object value, PostgresColumnType type) {
    if (value == null) {
      throw new IllegalArgumentException("it is NULL");
    }
    return switch (type.kind()) {
      case INT2 -> integer(value, Short.MIN_VALUE, Short.MAX_VALUE, "smallint");
      case INT4 -> integer(value, Integer.MIN_VALUE, Integer.MAX_VALUE, "integer");
      case INT8 -> integer(value, Long.MIN_VALUE, Long.MAX_VALUE, "bigint");
      case NUMERIC -> numeric(value, type.typmod());
      case TEXT -> checkLength(expect(value, String.class), type.typmod());
      case DATE -> date(expect(value, LocalDate.class));
      case TIMESTAMP -> timestamp(expect(value, LocalDateTime.class), type.typmod());
      case TIMESTAMPTZ -> timestamptz(expect(value, OffsetDateTime.class), type.typmod());
      case UUID -> expect(value, UUID.class).toString();
      default -> throw new IllegalArgumentException("a value of PostgreSQL type " + type.name()
          + " cannot be a cursor or key position");
    };
  }

  private static <T> T expect(Object value, Class<T> type) {
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException("expected a " + type.getSimpleName() + ", got a "
          + value.getClass().getSimpleName());
    }
    return type.cast(value);
  }

  private static String integer(Object value, long min, long max, String typeName) {
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new IllegalArgumentException("expected an Integer or Long, got a " + value.getClass().getSimpleName());
    }
    long number = ((Number) value).longValue();
    if (number < min || number > max) {
      throw new IllegalArgumentException("it is out of the range of " + typeName);
    }
    return Long.toString(number);
  }

  private static String numeric(Object value, int typmod) {
    String plain;
    if (value instanceof String text) {
      // An unconstrained numeric (or one too wide for a Sluice decimal) is carried as its text.
      if (!NUMERIC_TEXT.matcher(text).matches()) {
        throw new IllegalArgumentException("it is not a plain decimal number, NaN, Infinity or -Infinity");
      }
      plain = text;
    } else {
      BigDecimal number = expect(value, BigDecimal.class);
      if (number.precision() - number.scale() > MAX_NUMERIC_INTEGER_DIGITS || number.scale() > MAX_NUMERIC_SCALE) {
        throw new IllegalArgumentException("it is too large for numeric");
      }
      plain = number.toPlainString();
    }
    checkFits(plain.startsWith("-") ? plain.substring(1) : plain, typmod);
    return plain;
  }

  /** Refuses unsigned plain digits that {@code numeric(p,s)} would round or overflow on. */
  private static void checkFits(String digits, int typmod) {
    if (typmod < 0 || !Character.isDigit(digits.charAt(0))) {
      return;
    }
    int precision = PostgresTypeMapping.numericPrecision(typmod);
    int allowedScale = PostgresTypeMapping.numericScale(typmod);
    if (allowedScale < 0 || allowedScale > precision) {
      // PostgreSQL 15's negative or oversized scales; rows read from such a column already fit it.
      return;
    }
    int point = digits.indexOf('.');
    int scale = point < 0 ? 0 : digits.length() - point - 1;
    String integerPart = (point < 0 ? digits : digits.substring(0, point)).replaceFirst("^0+", "");
    if (scale > allowedScale || integerPart.length() > precision - allowedScale) {
      throw new IllegalArgumentException("it does not fit numeric(" + precision + "," + allowedScale
          + ") without rounding");
    }
  }

  private static String checkLength(String value, int typmod) {
    // varchar(n) and char(n) keep n - 4 in the modifier; a longer value would be cut by the cast.
    if (typmod >= 4 && value.codePointCount(0, value.length()) > typmod - 4) {
      throw new IllegalArgumentException("it is longer than the column's " + (typmod - 4) + " characters");
    }
    return value;
  }

  private static String date(LocalDate value) {
    checkYear(value.getYear(), MAX_DATE_YEAR);
    return yearMonthDay(value) + era(value.getYear());
  }

  private static String timestamp(LocalDateTime value, int precision) {
    checkYear(value.getYear(), MAX_TIMESTAMP_YEAR);
    return yearMonthDay(value.toLocalDate()) + " " + time(value.toLocalTime(), precision) + era(value.getYear());
  }

  private static String timestamptz(OffsetDateTime value, int precision) {
    checkYear(value.getYear(), MAX_TIMESTAMP_YEAR);
    int offset = value.getOffset().getTotalSeconds();
    int absolute = Math.abs(offset);
    String zone = String.format("%s%02d:%02d", offset < 0 ? "-" : "+", absolute / 3600, absolute / 60 % 60)
        + (absolute % 60 == 0 ? "" : String.format(":%02d", absolute % 60));
    return yearMonthDay(value.toLocalDate()) + " " + time(value.toLocalTime(), precision) + zone
        + era(value.getYear());
  }

  private static void checkYear(int year, int maxYear) {
    if (year < MIN_YEAR || year > maxYear) {
      throw new IllegalArgumentException("it is outside PostgreSQL's range (4713 BC to " + maxYear + " AD)");
    }
  }

  /** {@code 2026-01-31}; a year before 1 as its BC number (ISO year 0 is 1 BC), the era added by the caller. */
  private static String yearMonthDay(LocalDate date) {
    int year = date.getYear() >= 1 ? date.getYear() : 1 - date.getYear();
    return String.format("%04d-%02d-%02d", year, date.getMonthValue(), date.getDayOfMonth());
  }

  private static String era(int isoYear) {
    return isoYear >= 1 ? "" : " BC";
  }

  /** {@code 10:00:00.123456}; refuses digits the column's precision (0..6, default 6) would round away. */
  private static String time(LocalTime time, int precision) {
    int digits = precision < 0 || precision > 6 ? 6 : precision;
    long unit = (long) Math.pow(10, 9 - digits);
    if (time.getNano() % unit != 0) {
      throw new IllegalArgumentException(digits == 6
          ? "it has nanoseconds, and PostgreSQL keeps microseconds"
          : "it has more fractional digits than the column's " + digits);
    }
    return String.format("%02d:%02d:%02d.%06d", time.getHour(), time.getMinute(), time.getSecond(),
        time.getNano() / 1000);
  }
}
