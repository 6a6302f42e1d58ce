package io.sluice.destination.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.DataType;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class TestIcebergValueConverters {

  @Test
  void timesBecomeFixedFormatStrings() {
    assertThat(IcebergValueConverters.formatTime(LocalTime.of(0, 0))).isEqualTo("00:00:00");
    assertThat(IcebergValueConverters.formatTime(LocalTime.of(9, 5, 7))).isEqualTo("09:05:07");
    assertThat(IcebergValueConverters.formatTime(LocalTime.of(23, 59, 59, 999_999_000))).isEqualTo("23:59:59.999999");
    assertThat(IcebergValueConverters.formatTime(LocalTime.of(12, 0, 0, 1_000))).isEqualTo("12:00:00.000001");
    assertThat(IcebergValueConverters.formatTime(LocalTime.of(12, 0, 0, 500_000_000))).isEqualTo("12:00:00.500000");
    // nanoseconds below a microsecond are not carried by the SPI; they are dropped, not rounded
    assertThat(IcebergValueConverters.formatTime(LocalTime.of(12, 0, 0, 999))).isEqualTo("12:00:00");
  }

  @Test
  void timesWithOffsetAlwaysSpellTheOffset() {
    assertThat(IcebergValueConverters.formatTime(OffsetTime.of(10, 15, 30, 0, ZoneOffset.UTC)))
        .isEqualTo("10:15:30+00:00");
    assertThat(IcebergValueConverters.formatTime(
        OffsetTime.of(10, 15, 30, 120_000, ZoneOffset.ofHoursMinutes(-3, -30))))
        .isEqualTo("10:15:30.000120-03:30");
    assertThat(IcebergValueConverters.formatTime(
        OffsetTime.of(1, 2, 3, 0, ZoneOffset.ofHoursMinutesSeconds(5, 30, 15))))
        .isEqualTo("01:02:03+05:30:15");
    assertThat(IcebergValueConverters.formatTime(OffsetTime.of(1, 2, 3, 0, ZoneOffset.ofHours(14))))
        .isEqualTo("01:02:03+14:00");
  }

  @Test
  void valuesTakeTheClassesIcebergWritersExpect() {
    byte[] bytes = {1, 2, 3};
    assertThat(convert(DataType.BINARY, Types.BinaryType.get(), bytes)).isEqualTo(ByteBuffer.wrap(bytes));
    assertThat(convert(DataType.TIME, Types.StringType.get(), LocalTime.NOON)).isEqualTo("12:00:00");
    assertThat(convert(DataType.TIME, Types.TimeType.get(), LocalTime.NOON)).isEqualTo(LocalTime.NOON);
    assertThat(convert(DataType.list(DataType.BINARY), Types.ListType.ofOptional(1, Types.BinaryType.get()),
        Arrays.asList(bytes, null))).isEqualTo(Arrays.asList(ByteBuffer.wrap(bytes), null));
    List<Integer> ints = List.of(1, 2);
    assertThat(convert(DataType.list(DataType.INT), Types.ListType.ofOptional(1, Types.IntegerType.get()), ints))
        .as("lists of values Iceberg takes as they are are not copied").isSameAs(ints);
  }

  @Test
  void widerTargetsWidenTheValue() {
    assertThat(convert(DataType.INT, Types.LongType.get(), 7)).isEqualTo(7L);
    assertThat(convert(DataType.FLOAT, Types.DoubleType.get(), 0.5f)).isEqualTo(0.5d);
    assertThat(convert(DataType.decimal(5, 2), Types.DecimalType.of(10, 2), new BigDecimal("1.25")))
        .isEqualTo(new BigDecimal("1.25"));
    assertThat(convert(DataType.list(DataType.INT), Types.ListType.ofOptional(1, Types.LongType.get()),
        Arrays.asList(1, null))).isEqualTo(Arrays.asList(1L, null));
  }

  @Test
  void aDecimalWithTheWrongScaleIsFixedOnlyWithoutLoss() {
    assertThat(convert(DataType.decimal(6, 3), Types.DecimalType.of(6, 3), new BigDecimal("1.5")))
        .isEqualTo(new BigDecimal("1.500"));
    assertThatThrownBy(() -> convert(DataType.decimal(6, 3), Types.DecimalType.of(6, 3), new BigDecimal("1.23456")))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void lossyOrMeaninglessPairsHaveNoConverter() {
    assertThat(IcebergValueConverters.converter(DataType.LONG, Types.IntegerType.get())).isEmpty();
    assertThat(IcebergValueConverters.converter(DataType.STRING, Types.LongType.get())).isEmpty();
    assertThat(IcebergValueConverters.converter(DataType.decimal(10, 2), Types.DecimalType.of(8, 2))).isEmpty();
    assertThat(IcebergValueConverters.converter(DataType.decimal(10, 2), Types.DecimalType.of(12, 3))).isEmpty();
    assertThat(IcebergValueConverters.converter(DataType.TIMESTAMP, Types.TimestampType.withZone())).isEmpty();
    assertThat(IcebergValueConverters.converter(DataType.TIME_TZ, Types.TimeType.get())).isEmpty();
    assertThat(IcebergValueConverters.converter(DataType.list(DataType.LONG),
        Types.ListType.ofOptional(1, Types.IntegerType.get()))).isEmpty();
  }

  private static Object convert(DataType source, Type target, Object value) {
    return IcebergValueConverters.converter(source, target).orElseThrow().convert(value);
  }
}
