package io.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import io.sluice.spi.DataType;
import io.sluice.spi.SluiceException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Formats of the binlog and of positions that the MariaDB test server cannot show: MySQL's binary JSON and GTID
 * interval sets, TIME2 values with every fraction width, MySQL 8.4's renamed status statement, and position text.
 */
class TestMySqlBinlogFormats {
  private static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  private static final String B = "4f22fb58-82db-22f2-af44-d91bb0530673";

  @Test
  void mysqlBinaryJsonBecomesText() throws Exception {
    // {"a": 1} as MySQL stores it: a small object with one key and an inlined int16.
    byte[] stored = {0x00, 0x01, 0x00, 0x0C, 0x00, 0x0B, 0x00, 0x01, 0x00, 0x05, 0x01, 0x00, 'a'};
    MySqlColumn doc = new MySqlColumn("doc", "json", "json", 0, 0, null, true, true, DataType.JSON);
    assertThat(MySqlBinlogValues.convert(stored, doc)).isEqualTo("{\"a\":1}");
  }

  @Test
  void mysqlGtidSetsOrderByContainment() {
    assertThat(MySqlGtids.add(A + ":1-10", A + ":11")).isEqualTo(A + ":1-11");
    assertThat(MySqlGtids.add(A + ":1-10", B + ":1")).contains(A + ":1-10").contains(B + ":1");
    assertThat(MySqlGtids.compare(A + ":1-10", A + ":1-11")).isEqualTo(-1);
    assertThat(MySqlGtids.compare(A + ":1-11," + B + ":1-3", A + ":1-11")).isEqualTo(1);
    assertThat(MySqlGtids.compare(A + ":1-5:7", A + ":1-6")).isEqualTo(MySqlGtids.INCOMPARABLE);
    assertThat(MySqlGtids.compare("0-1-42", "0-1-43,1-2-5")).isEqualTo(-1);
    assertThat(MySqlGtids.compare("0-1-42,1-2-6", "0-1-43,1-2-5")).isEqualTo(MySqlGtids.INCOMPARABLE);
    assertThat(MySqlGtids.add("0-1-42,1-2-5", "1-3-6")).isEqualTo("0-1-42,1-3-6");
  }

  @Test
  void positionsRoundTripAndOrder() {
    MySqlBinlogPosition position = new MySqlBinlogPosition("binlog.000012", 4711, A + ":1-9", 17, 1234567);
    assertThat(MySqlBinlogPosition.decode(position.encode())).isEqualTo(position);
    MySqlBinlogPosition noGtids = new MySqlBinlogPosition("binlog.000012", 4711, null, 0, 1);
    assertThat(noGtids.compareTo(new MySqlBinlogPosition("binlog.000013", 4, null, 0, 1))).isNegative();
    assertThat(noGtids.compareTo(new MySqlBinlogPosition("binlog.000012", 4711, null, 1, 1))).isNegative();
    assertThat(new MySqlBinlogPosition("binlog.000009", 4, "0-1-10", 0, 1)
        .compareTo(new MySqlBinlogPosition("other.000001", 4, "0-1-9", 0, 1))).as("GTIDs before files").isPositive();
    assertThatThrownBy(() -> MySqlBinlogPosition.decode("0/16B3748#12")).isInstanceOf(SluiceException.class)
        .hasMessageContaining("Cannot read binlog position '0/16B3748#12'").hasMessageContaining("--resync");
  }

  @Test
  void time2ValuesKeepTheirSignAndFraction() throws Exception {
    // -838:59:59 (fsp 0), 12:30:00.5 (fsp 1), -00:00:01.250 (fsp 3), 838:59:58.999999 (fsp 6)
    assertThat(MySqlBinlogDeserializers.timeMicros(0, bytes(0x4B, 0x91, 0x05))).isEqualTo(-3_020_399_000_000L);
    assertThat(MySqlBinlogDeserializers.timeMicros(1, bytes(0x80, 0xC7, 0x80, 0x32)))
        .isEqualTo((12L * 3600 + 30 * 60) * 1_000_000 + 500_000);
    assertThat(MySqlBinlogDeserializers.timeMicros(3, bytes(0x7F, 0xFF, 0xFE, 0xF6, 0x3C)))
        .isEqualTo(-1_250_000L);
    assertThat(MySqlBinlogDeserializers.timeMicros(6, bytes(0xB4, 0x6E, 0xFA, 0x0F, 0x42, 0x3F)))
        .isEqualTo(3_020_398_999_999L);
  }

  @Test
  void mysql84UsesTheRenamedBinlogStatusStatement() {
    assertThat(new MySqlServerInfo("8.4.3", false).newStatusStatement()).isTrue();
    assertThat(new MySqlServerInfo("9.1.0-commercial", false).newStatusStatement()).isTrue();
    assertThat(new MySqlServerInfo("8.0.40-log", false).newStatusStatement()).isFalse();
    assertThat(new MySqlServerInfo("11.4.5-MariaDB-log", true).newStatusStatement()).isFalse();
  }

  @Test
  void enumAndSetMembersAreParsedFromTheColumnType() {
    assertThat(MySqlTypeMapping.members("enum('a','it''s','x,y')")).containsExactly("a", "it's", "x,y");
    assertThat(MySqlTypeMapping.members("set('read','write')")).isEqualTo(List.of("read", "write"));
    assertThat(MySqlTypeMapping.members("varchar(10)")).isEmpty();
  }

  private static ByteArrayInputStream bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return new ByteArrayInputStream(bytes);
  }
}
