package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.source.postgres.PostgresBinaryDecoders.Anomalies;
import io.sluice.source.postgres.PostgresBinaryDecoders.ColumnReading;
import io.sluice.source.postgres.PostgresColumnType.Kind;
import io.sluice.spi.DataType;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestPostgresBinaryDecoders {

  @Test
  void numericsOfEveryShapeDecodeExactly() throws IOException {
    List<String> samples = List.of("0", "0.00", "1", "-1", "10000", "9999", "0.0001", "0.00000000000000000001",
        "123456789012345678901234567890.123456789", "-99999999999999999999999999999999999999999999.99999",
        "9999999999999999999999999999.9999999999", "1E+20", "100000000.000", "12.5", "0.5000");
    for (String sample : samples) {
      BigDecimal value = new BigDecimal(sample);
      byte[] bytes = numeric(value);
      BigDecimal expected = value.scale() < 0 ? value.setScale(0) : value;
      assertThat(PostgresBinaryDecoders.numeric(bytes, 0)).as(sample).isEqualTo(expected);
      assertThat(PostgresBinaryDecoders.numericText(bytes, 0, bytes.length)).isEqualTo(expected.toPlainString());
    }
    Random random = new Random(42);
    for (int i = 0; i < 10_000; i++) {
      BigDecimal value = new BigDecimal(new BigInteger(random.nextInt(200) + 1, random), random.nextInt(40));
      value = random.nextBoolean() ? value : value.negate();
      assertThat(PostgresBinaryDecoders.numeric(numeric(value), 0)).isEqualTo(value);
    }
    // up to 16 significant digits the decoder takes its one-long path: every scale, both signs, near the limits
    for (int i = 0; i < 20_000; i++) {
      BigDecimal value = new BigDecimal(new BigInteger(random.nextInt(56) + 1, random), random.nextInt(24) - 3);
      value = value.scale() < 0 ? value.setScale(0) : value;
      value = random.nextBoolean() ? value : value.negate();
      assertThat(PostgresBinaryDecoders.numeric(numeric(value), 0)).as(value.toPlainString()).isEqualTo(value);
    }
    for (String edge : List.of("9999999999999999", "-9999999999999999", "0.9999999999999999", "999999999999.9999",
        "0.000000000000000000000001", "92233720368547.75807", "-0.0001")) {
      assertThat(PostgresBinaryDecoders.numeric(numeric(new BigDecimal(edge)), 0)).isEqualTo(new BigDecimal(edge));
    }
  }

  @Test
  void numericSpecialValues() {
    assertThat(PostgresBinaryDecoders.numericText(special(0xC000), 0, 8)).isEqualTo("NaN");
    assertThat(PostgresBinaryDecoders.numericText(special(0xD000), 0, 8)).isEqualTo("Infinity");
    assertThat(PostgresBinaryDecoders.numericText(special(0xF000), 0, 8)).isEqualTo("-Infinity");
    Anomalies anomalies = new Anomalies();
    ColumnReading decimal = PostgresBinaryDecoders.forColumn(
        PostgresColumnType.scalar("numeric", Kind.NUMERIC, (5 << 16 | 2) + 4), DataType.decimal(5, 2), anomalies);
    assertThat(decimal.decoder().decode(special(0xC000), 0, 8)).isNull();
    assertThat(decimal.decoder().decode(special(0xC000), 0, 8)).isNull();
    assertThat(anomalies.decimalNaN).isEqualTo(2);
  }

  @Test
  void moneyThatDoesNotFitTwoDecimalsFailsInsteadOfRounding() throws IOException {
    ColumnReading money = PostgresBinaryDecoders.forColumn(PostgresColumnType.scalar("money", Kind.MONEY, -1),
        PostgresTypeMapping.MONEY, new Anomalies());
    assertThat(money.cast()).isEqualTo("::numeric");
    byte[] threeDecimals = numeric(new BigDecimal("1.234"));
    assertThatThrownBy(() -> money.decoder().decode(threeDecimals, 0, threeDecimals.length))
        .hasMessage("value 1.234 does not fit decimal(19,2) without rounding");
  }

  @Test
  void datesAndTimestampsClampInfinitiesAndKeepEverythingElse() {
    assertThat(PostgresBinaryDecoders.date(0)).isEqualTo(LocalDate.of(2000, 1, 1));
    assertThat(PostgresBinaryDecoders.date(-1)).isEqualTo(LocalDate.of(1999, 12, 31));
    assertThat(PostgresBinaryDecoders.date(Integer.MAX_VALUE)).isEqualTo(LocalDate.of(9999, 12, 31));
    assertThat(PostgresBinaryDecoders.date(Integer.MIN_VALUE)).isEqualTo(LocalDate.of(1, 1, 1));
    assertThat(PostgresBinaryDecoders.timestamp(0)).isEqualTo(LocalDateTime.of(2000, 1, 1, 0, 0));
    assertThat(PostgresBinaryDecoders.timestamp(-1)).isEqualTo(LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000));
    assertThat(PostgresBinaryDecoders.timestamp(Long.MAX_VALUE)).isEqualTo(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
    assertThat(PostgresBinaryDecoders.timestamp(Long.MIN_VALUE)).isEqualTo(LocalDateTime.of(1, 1, 1, 0, 0));
    assertThat(PostgresBinaryDecoders.time(86_400_000_000L)).isEqualTo(LocalTime.of(23, 59, 59, 999_999_000));
    assertThat(PostgresBinaryDecoders.time(1)).isEqualTo(LocalTime.of(0, 0, 0, 1000));
  }

  @Test
  void multiDimensionalArraysAreFlattenedAndCounted() throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buffer);
    out.writeInt(2); // dimensions
    out.writeInt(1); // has nulls
    out.writeInt(23); // int4
    out.writeInt(2); // 2 x 2, lower bounds 1
    out.writeInt(1);
    out.writeInt(2);
    out.writeInt(1);
    for (int value : new int[] {1, 2, 3}) {
      out.writeInt(4);
      out.writeInt(value);
    }
    out.writeInt(-1);
    byte[] bytes = buffer.toByteArray();
    Anomalies anomalies = new Anomalies();
    ColumnReading array = PostgresBinaryDecoders.forColumn(
        PostgresColumnType.array("_int4", PostgresColumnType.scalar("int4", Kind.INT4, -1)),
        DataType.list(DataType.INT), anomalies);
    assertThat(array.decoder().decode(bytes, 0, bytes.length)).isEqualTo(Arrays.asList(1, 2, 3, null));
    assertThat(anomalies.flattenedArrays).isEqualTo(1);
  }

  @Test
  void jsonbWithAnUnknownFormatVersionIsRefused() {
    byte[] bytes = {2, '{', '}'};
    assertThat(PostgresBinaryDecoders.jsonb(new byte[] {1, '{', '}'}, 0, 3)).isEqualTo("{}");
    assertThatThrownBy(() -> PostgresBinaryDecoders.jsonb(bytes, 0, 3))
        .hasMessage("unknown jsonb binary format version 2");
  }

  @Test
  void typeMismatchNamesBothTypesUnlessTheTargetIsString() {
    PostgresColumnType int4 = PostgresColumnType.scalar("int4", Kind.INT4, -1);
    assertThatThrownBy(() -> PostgresBinaryDecoders.forColumn(int4, DataType.LONG, new Anomalies()))
        .hasMessage("its PostgreSQL type int4 maps to int, not long");
    assertThat(PostgresBinaryDecoders.forColumn(int4, DataType.STRING, new Anomalies()).cast()).isEqualTo("::text");
  }

  /** PostgreSQL's numeric_send, written out for tests: base-10000 digits, weight, sign, display scale. */
  static byte[] numeric(BigDecimal value) throws IOException {
    int displayScale = Math.max(value.scale(), 0);
    BigInteger unscaled = value.setScale(displayScale).unscaledValue();
    int padding = (4 - displayScale % 4) % 4;
    BigInteger aligned = unscaled.abs().multiply(BigInteger.TEN.pow(padding));
    int fractionGroups = (displayScale + padding) / 4;
    List<Integer> groups = new ArrayList<>(); // least significant first
    BigInteger tenThousand = BigInteger.valueOf(10_000);
    while (aligned.signum() > 0) {
      BigInteger[] division = aligned.divideAndRemainder(tenThousand);
      groups.add(division[1].intValue());
      aligned = division[0];
    }
    int weight = groups.size() - 1 - fractionGroups;
    while (!groups.isEmpty() && groups.get(0) == 0) {
      groups.remove(0);
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buffer);
    out.writeShort(groups.size());
    out.writeShort(groups.isEmpty() ? 0 : weight);
    out.writeShort(unscaled.signum() < 0 ? 0x4000 : 0);
    out.writeShort(displayScale);
    for (int i = groups.size() - 1; i >= 0; i--) {
      out.writeShort(groups.get(i));
    }
    return buffer.toByteArray();
  }

  private static byte[] special(int sign) {
    return new byte[] {0, 0, 0, 0, (byte) (sign >> 8), 0, 0, 0};
  }
}
