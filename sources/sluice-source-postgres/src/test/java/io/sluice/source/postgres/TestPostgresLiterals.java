package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.source.postgres.PostgresColumnType.Kind;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Literal rendering without a server: quoting of hostile text, the exact forms of numbers and times, and refusal of
 * what cannot be rendered exactly. {@code PostgresIncrementalIT} reads every form back through a real server.
 */
class TestPostgresLiterals {
  private static final PostgresColumnType TEXT = PostgresColumnType.scalar("text", Kind.TEXT, -1);
  private static final PostgresColumnType TIMESTAMP = PostgresColumnType.scalar("timestamp", Kind.TIMESTAMP, -1);
  private static final PostgresColumnType TIMESTAMPTZ = PostgresColumnType.scalar("timestamptz", Kind.TIMESTAMPTZ, -1);
  private static final PostgresColumnType DATE = PostgresColumnType.scalar("date", Kind.DATE, -1);

  @Test
  void quotesHostileTextSoThatItStaysOneLiteral() {
    assertThat(text("plain")).isEqualTo("'plain'::text");
    assertThat(text("it's")).isEqualTo("'it''s'::text");
    assertThat(text("'); DROP TABLE x; --")).isEqualTo("'''); DROP TABLE x; --'::text");
    assertThat(text("''")).isEqualTo("''''''::text");
    assertThat(text("line\nbreak\r\ttab")).isEqualTo("'line\nbreak\r\ttab'::text");
    assertThat(text("ünï ☃ 表 😀")).isEqualTo("'ünï ☃ 表 😀'::text");
    assertThat(text("")).isEqualTo("''::text");
  }

  @Test
  void writesBackslashesInAnEscapeStringSoThatStandardConformingStringsDoesNotMatter() {
    assertThat(text("a\\b")).isEqualTo("E'a\\\\b'::text");
    assertThat(text("\\'; DROP TABLE x; --")).isEqualTo("E'\\\\''; DROP TABLE x; --'::text");
    assertThat(text("ends with \\")).isEqualTo("E'ends with \\\\'::text");
    assertThat(text("\\x41\\n")).isEqualTo("E'\\\\x41\\\\n'::text");
  }

  @Test
  void refusesTextPostgresCannotHoldOrUtf8CannotCarry() {
    assertThatThrownBy(() -> text("a\0b")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
    assertThatThrownBy(() -> text("lone \uD800 surrogate")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unpaired UTF-16 surrogate at index 5");
    assertThatThrownBy(() -> text("\uDC00")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("surrogate");
  }

  @Test
  void castsToTheColumnsOwnTypeAndRefusesWhatItsModifierWouldCut() {
    PostgresColumnType varchar5 = PostgresColumnType.scalar("varchar", Kind.TEXT, 5 + 4);
    assertThat(PostgresLiterals.typed("héllo", varchar5, "character varying(5)"))
        .isEqualTo("'héllo'::character varying(5)");
    assertThat(PostgresLiterals.typed("😀😀😀😀😀", varchar5, "character varying(5)"))
        .as("characters, not UTF-16 units").isEqualTo("'😀😀😀😀😀'::character varying(5)");
    assertThatThrownBy(() -> PostgresLiterals.typed("toolong", varchar5, "character varying(5)"))
        .hasMessage("it is longer than the column's 5 characters");
    assertThat(PostgresLiterals.typed("x", TEXT, "public.\"My Domain\"")).isEqualTo("'x'::public.\"My Domain\"");
  }

  @Test
  void writesIntegersInTheColumnsRange() {
    PostgresColumnType int2 = PostgresColumnType.scalar("int2", Kind.INT2, -1);
    PostgresColumnType int4 = PostgresColumnType.scalar("int4", Kind.INT4, -1);
    PostgresColumnType int8 = PostgresColumnType.scalar("int8", Kind.INT8, -1);
    assertThat(PostgresLiterals.typed(-32768, int2, "smallint")).isEqualTo("'-32768'::smallint");
    assertThat(PostgresLiterals.typed(42, int4, "integer")).isEqualTo("'42'::integer");
    assertThat(PostgresLiterals.typed(Long.MIN_VALUE, int8, "bigint")).isEqualTo("'-9223372036854775808'::bigint");
    assertThatThrownBy(() -> PostgresLiterals.typed(40000, int2, "smallint"))
        .hasMessage("it is out of the range of smallint");
    assertThatThrownBy(() -> PostgresLiterals.typed(1L << 40, int4, "integer"))
        .hasMessage("it is out of the range of integer");
    assertThatThrownBy(() -> PostgresLiterals.typed("1; DROP TABLE x", int8, "bigint"))
        .hasMessage("expected an Integer or Long, got a String");
    assertThatThrownBy(() -> PostgresLiterals.typed(1.5, int8, "bigint"))
        .hasMessage("expected an Integer or Long, got a Double");
  }

  @Test
  void writesNumericsPlainAndRefusesRoundingOrText() {
    PostgresColumnType numeric12x3 = PostgresColumnType.scalar("numeric", Kind.NUMERIC, (12 << 16 | 3) + 4);
    PostgresColumnType numeric = PostgresColumnType.scalar("numeric", Kind.NUMERIC, -1);
    assertThat(PostgresLiterals.typed(new BigDecimal("-123456789.125"), numeric12x3, "numeric(12,3)"))
        .isEqualTo("'-123456789.125'::numeric(12,3)");
    assertThat(PostgresLiterals.typed(new BigDecimal("1E+3").setScale(3), numeric12x3, "numeric(12,3)"))
        .isEqualTo("'1000.000'::numeric(12,3)");
    assertThat(PostgresLiterals.typed(new BigDecimal("1E+30"), numeric, "numeric"))
        .as("never an exponent").isEqualTo("'1000000000000000000000000000000'::numeric");
    assertThatThrownBy(() -> PostgresLiterals.typed(new BigDecimal("1.0001"), numeric12x3, "numeric(12,3)"))
        .hasMessage("it does not fit numeric(12,3) without rounding");
    assertThatThrownBy(() -> PostgresLiterals.typed(new BigDecimal("1234567890.5"), numeric12x3, "numeric(12,3)"))
        .hasMessage("it does not fit numeric(12,3) without rounding");
    assertThat(PostgresLiterals.typed("-0012.50", numeric, "numeric")).isEqualTo("'-0012.50'::numeric");
    assertThat(PostgresLiterals.typed("NaN", numeric, "numeric")).isEqualTo("'NaN'::numeric");
    assertThat(PostgresLiterals.typed("-Infinity", numeric, "numeric")).isEqualTo("'-Infinity'::numeric");
    for (String bad : new String[] {"1e5", "1.", ".5", "+1", " 1", "1'; DROP TABLE x; --", "0x10", "", "nan"}) {
      assertThatThrownBy(() -> PostgresLiterals.typed(bad, numeric, "numeric")).as(bad)
          .hasMessage("it is not a plain decimal number, NaN, Infinity or -Infinity");
    }
  }

  @Test
  void writesTimestampsWithEveryMicrosecondAndTheirOwnOffset() {
    assertThat(PostgresLiterals.typed(LocalDateTime.of(2026, 1, 1, 10, 0), TIMESTAMP, "timestamp without time zone"))
        .isEqualTo("'2026-01-01 10:00:00.000000'::timestamp without time zone");
    assertThat(PostgresLiterals.typed(LocalDateTime.of(2026, 1, 1, 10, 0, 0, 123_456_000), TIMESTAMP, "timestamp"))
        .isEqualTo("'2026-01-01 10:00:00.123456'::timestamp");
    assertThat(PostgresLiterals.typed(OffsetDateTime.of(2026, 1, 1, 10, 0, 0, 1000, ZoneOffset.UTC), TIMESTAMPTZ,
        "timestamp with time zone")).isEqualTo("'2026-01-01 10:00:00.000001+00:00'::timestamp with time zone");
    assertThat(PostgresLiterals.typed(OffsetDateTime.of(2026, 6, 30, 23, 59, 59, 999_999_000,
        ZoneOffset.ofHoursMinutes(-3, -30)), TIMESTAMPTZ, "timestamptz"))
        .isEqualTo("'2026-06-30 23:59:59.999999-03:30'::timestamptz");
    assertThat(PostgresLiterals.typed(OffsetDateTime.of(1900, 1, 1, 0, 0, 0, 0,
        ZoneOffset.ofHoursMinutesSeconds(0, 19, 32)), TIMESTAMPTZ, "timestamptz"))
        .isEqualTo("'1900-01-01 00:00:00.000000+00:19:32'::timestamptz");
  }

  @Test
  void writesYearsBeforeOneAsBcAndRefusesWhatPostgresCannotHold() {
    assertThat(PostgresLiterals.typed(LocalDate.of(0, 3, 15), DATE, "date")).isEqualTo("'0001-03-15 BC'::date");
    assertThat(PostgresLiterals.typed(LocalDate.of(-43, 3, 15), DATE, "date")).isEqualTo("'0044-03-15 BC'::date");
    assertThat(PostgresLiterals.typed(LocalDate.of(-4712, 1, 1), DATE, "date")).isEqualTo("'4713-01-01 BC'::date");
    assertThat(PostgresLiterals.typed(LocalDate.of(5_874_897, 12, 31), DATE, "date"))
        .isEqualTo("'5874897-12-31'::date");
    assertThat(PostgresLiterals.typed(LocalDateTime.of(-43, 3, 15, 12, 0), TIMESTAMP, "timestamp"))
        .isEqualTo("'0044-03-15 12:00:00.000000 BC'::timestamp");
    assertThatThrownBy(() -> PostgresLiterals.typed(LocalDate.of(-4713, 12, 31), DATE, "date"))
        .hasMessage("it is outside PostgreSQL's range (4713 BC to 5874897 AD)");
    assertThatThrownBy(() -> PostgresLiterals.typed(LocalDateTime.of(300_000, 1, 1, 0, 0), TIMESTAMP, "timestamp"))
        .hasMessage("it is outside PostgreSQL's range (4713 BC to 294276 AD)");
  }

  @Test
  void refusesDigitsTheServerWouldRoundAway() {
    assertThatThrownBy(() -> PostgresLiterals.typed(LocalDateTime.of(2026, 1, 1, 0, 0, 0, 1), TIMESTAMP, "timestamp"))
        .hasMessage("it has nanoseconds, and PostgreSQL keeps microseconds");
    PostgresColumnType timestamp3 = PostgresColumnType.scalar("timestamp", Kind.TIMESTAMP, 3);
    assertThat(PostgresLiterals.typed(LocalDateTime.of(2026, 1, 1, 0, 0, 0, 123_000_000), timestamp3, "timestamp(3)"))
        .isEqualTo("'2026-01-01 00:00:00.123000'::timestamp(3)");
    assertThatThrownBy(() -> PostgresLiterals.typed(LocalDateTime.of(2026, 1, 1, 0, 0, 0, 123_400_000), timestamp3,
        "timestamp(3)")).hasMessage("it has more fractional digits than the column's 3");
  }

  @Test
  void writesUuidsAndRefusesNullsAndForeignClasses() {
    PostgresColumnType uuid = PostgresColumnType.scalar("uuid", Kind.UUID, -1);
    UUID id = UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assertThat(PostgresLiterals.typed(id, uuid, "uuid")).isEqualTo("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid");
    assertThatThrownBy(() -> PostgresLiterals.typed(id.toString(), uuid, "uuid"))
        .hasMessage("expected a UUID, got a String");
    assertThatThrownBy(() -> PostgresLiterals.typed(null, TEXT, "text")).hasMessage("it is NULL");
    assertThatThrownBy(() -> PostgresLiterals.typed("2026-01-01", TIMESTAMP, "timestamp"))
        .hasMessage("expected a LocalDateTime, got a String");
    assertThatThrownBy(() -> PostgresLiterals.typed(true, PostgresColumnType.scalar("bool", Kind.BOOL, -1), "boolean"))
        .hasMessage("a value of PostgreSQL type bool cannot be a cursor or key position");
  }

  private static String text(String value) {
    return PostgresLiterals.typed(value, TEXT, "text");
  }
}
