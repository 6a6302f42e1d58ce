package io.sluice.source.mysql;

import static io.sluice.source.mysql.MySqlSourceFixture.config;
import static io.sluice.source.mysql.MySqlSourceFixture.events;
import static io.sluice.source.mysql.MySqlSourceFixture.readAll;
import static io.sluice.source.mysql.MySqlSourceFixture.readLog;
import static io.sluice.source.mysql.MySqlSourceFixture.source;
import static io.sluice.source.mysql.MySqlSourceFixture.spec;
import static io.sluice.source.mysql.MySqlSourceFixture.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.Column;
import io.sluice.spi.DataType;
import io.sluice.spi.LogEvent;
import io.sluice.spi.LogPin;
import io.sluice.spi.Operation;
import io.sluice.spi.Source;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import io.sluice.testkit.MariaDbServer;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every type family, read by a snapshot and from the binlog: both give the same values, and the values are exact.
 * The server runs in a non-UTC time zone, so timestamps prove they are read as instants.
 */
class MySqlTypesIT {
  private static final String TABLE = """
      CREATE TABLE shop.kinds (
        id BIGINT PRIMARY KEY,
        flag TINYINT(1), tiny TINYINT, tiny_u TINYINT UNSIGNED, small_u SMALLINT UNSIGNED,
        medium MEDIUMINT, medium_u MEDIUMINT UNSIGNED, whole INT, whole_u INT UNSIGNED,
        big BIGINT, big_u BIGINT UNSIGNED,
        price DECIMAL(12,2), wide DECIMAL(50,5), ratio FLOAT, measure DOUBLE,
        one_bit BIT(1), bits BIT(10),
        name VARCHAR(40), code CHAR(4), latin VARCHAR(20) CHARACTER SET latin1,
        cyrillic VARCHAR(20) CHARACTER SET cp1251, body TEXT,
        doc JSON, mood ENUM('sad','ok','happy'), tags SET('a','b','c'),
        raw VARBINARY(16), fixed BINARY(4), blob_value BLOB,
        day DATE, at_local DATETIME(6), at_instant TIMESTAMP(3) NULL, span TIME(6), year_value YEAR
      )""";

  private static final String[] VALUES = {
      "(1, 1, -128, 255, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, "
          + "18446744073709551615, 1234567890.12, 123456789012345678901234567890123456789012345.12345, 1.5, "
          + "0.1, b'1', b'1000000001', 'héllo wörld', 'ab', 'café', 'Привет', 'a 😀 emoji', "
          + "'{\"a\": [1, 2], \"b\": null}', 'happy', 'a,c', x'00ff10', x'0102', x'cafebabe', '2024-02-29', "
          + "'2024-02-29 13:14:15.123456', '2024-06-01 12:00:00.250', '-838:59:59.000000', 2024)",
      "(2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.01, 0.00000, -0.0, -1e308, b'0', b'0', '', '', '', '', '', "
          + "'[]', 'sad', '', x'', x'00000000', x'', '0000-00-00', '0000-00-00 00:00:00', NULL, "
          + "'12:30:00.5', 0)",
      "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
          + "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"};

  private static MariaDbServer server;

  @BeforeAll
  static void start() {
    server = MariaDbServer.startWith(List.of("--sql-mode=NO_ENGINE_SUBSTITUTION"));
    server.execute("CREATE DATABASE shop", TABLE);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void mapsEveryTypeFamilyExactly() {
    ObjectNode config = config(server, "shop");
    config.put("tinyint1_as_boolean", true);
    try (Source source = source(config)) {
      Map<String, String> types = new LinkedHashMap<>();
      for (Column column : stream(source.discover(), "shop", "kinds").columns()) {
        types.put(column.name(), column.type().toString());
      }
      assertThat(types).containsExactly(
          Map.entry("id", "long"), Map.entry("flag", "boolean"), Map.entry("tiny", "int"),
          Map.entry("tiny_u", "int"), Map.entry("small_u", "int"), Map.entry("medium", "int"),
          Map.entry("medium_u", "int"), Map.entry("whole", "int"), Map.entry("whole_u", "long"),
          Map.entry("big", "long"), Map.entry("big_u", "decimal(20,0)"), Map.entry("price", "decimal(12,2)"),
          Map.entry("wide", "string"), Map.entry("ratio", "float"), Map.entry("measure", "double"),
          Map.entry("one_bit", "boolean"), Map.entry("bits", "long"), Map.entry("name", "string"),
          Map.entry("code", "string"), Map.entry("latin", "string"), Map.entry("cyrillic", "string"),
          Map.entry("body", "string"), Map.entry("doc", "json"), Map.entry("mood", "string"),
          Map.entry("tags", "string"), Map.entry("raw", "binary"), Map.entry("fixed", "binary"),
          Map.entry("blob_value", "binary"), Map.entry("day", "date"), Map.entry("at_local", "timestamp"),
          Map.entry("at_instant", "timestamp_tz"), Map.entry("span", "long"), Map.entry("year_value", "int"));
    }
  }

  @Test
  void snapshotAndBinlogGiveTheSameExactValues() throws Exception {
    server.execute("SET GLOBAL time_zone = '+05:30'");
    ObjectNode config = config(server, "shop");
    config.put("tinyint1_as_boolean", true);
    try (Source source = source(config)) {
      StreamDescriptor descriptor = stream(source.discover(), "shop", "kinds");
      StreamSpec spec = spec(descriptor, SyncMode.CDC);
      String pin;
      try (LogPin logPin = source.changeLog().orElseThrow().pin(List.of(spec))) {
        pin = logPin.position();
        assertThat(logPin.snapshotConsistent()).isFalse();
      }
      try (var connection = server.connect("shop"); var statement = connection.createStatement()) {
        // The writer's session is in +05:30 too: '2024-06-01 12:00:00.250' is 06:30:00.250 UTC.
        statement.execute("SET time_zone = '+05:30'");
        for (String values : VALUES) {
          statement.execute("INSERT INTO kinds VALUES " + values);
        }
      }
      List<Object[]> snapshot = readAll(source, spec);
      snapshot.sort(Comparator.comparing(row -> (Long) row[0]));
      assertThat(snapshot).hasSize(3);
      Object[] first = snapshot.get(0);
      int i = 0;
      assertThat(first[i++]).isEqualTo(1L);
      assertThat(first[i++]).isEqualTo(true);
      assertThat(first[i++]).isEqualTo(-128);
      assertThat(first[i++]).isEqualTo(255);
      assertThat(first[i++]).isEqualTo(65535);
      assertThat(first[i++]).isEqualTo(-8388608);
      assertThat(first[i++]).isEqualTo(16777215);
      assertThat(first[i++]).isEqualTo(Integer.MIN_VALUE);
      assertThat(first[i++]).isEqualTo(4294967295L);
      assertThat(first[i++]).isEqualTo(Long.MIN_VALUE);
      assertThat(first[i++]).isEqualTo(new BigDecimal("18446744073709551615"));
      assertThat(first[i++]).isEqualTo(new BigDecimal("1234567890.12"));
      assertThat(first[i++]).isEqualTo("123456789012345678901234567890123456789012345.12345");
      assertThat(first[i++]).isEqualTo(1.5f);
      assertThat(first[i++]).isEqualTo(0.1d);
      assertThat(first[i++]).isEqualTo(true);
      assertThat(first[i++]).isEqualTo(513L);
      assertThat(first[i++]).isEqualTo("héllo wörld");
      assertThat(first[i++]).isEqualTo("ab");
      assertThat(first[i++]).isEqualTo("café");
      assertThat(first[i++]).isEqualTo("Привет");
      assertThat(first[i++]).isEqualTo("a 😀 emoji");
      assertThat((String) first[i++]).isNotBlank();
      assertThat(first[i++]).isEqualTo("happy");
      assertThat(first[i++]).isEqualTo("a,c");
      assertThat((byte[]) first[i++]).containsExactly(0x00, 0xff, 0x10);
      assertThat((byte[]) first[i++]).containsExactly(0x01, 0x02, 0x00, 0x00);
      assertThat((byte[]) first[i++]).containsExactly(0xca, 0xfe, 0xba, 0xbe);
      assertThat(first[i++]).isEqualTo(LocalDate.of(2024, 2, 29));
      assertThat(first[i++]).isEqualTo(LocalDateTime.of(2024, 2, 29, 13, 14, 15, 123_456_000));
      assertThat(first[i++]).isEqualTo(OffsetDateTime.of(2024, 6, 1, 6, 30, 0, 250_000_000, ZoneOffset.UTC));
      assertThat(first[i++]).isEqualTo(-(838L * 3600 + 59 * 60 + 59) * 1_000_000L);
      assertThat(first[i++]).isEqualTo(2024);
      Object[] zeros = snapshot.get(1);
      assertThat(zeros[28]).as("zero date").isNull();
      assertThat(zeros[29]).as("zero datetime").isNull();
      assertThat(zeros[31]).isEqualTo((12L * 3600 + 30 * 60) * 1_000_000L + 500_000L);
      assertThat(zeros[32]).as("year 0000").isEqualTo(0);
      assertThat(Arrays.stream(snapshot.get(2)).skip(1)).containsOnlyNulls();

      List<LogEvent> log = events(readLog(source, List.of(spec), pin));
      List<Object[]> fromLog = log.stream().filter(event -> event instanceof LogEvent.RowChange)
          .map(event -> ((LogEvent.RowChange) event).change())
          .peek(change -> assertThat(change.operation()).isEqualTo(Operation.INSERT))
          .map(change -> change.values()).toList();
      assertThat(fromLog).hasSize(3);
      for (int row = 0; row < 3; row++) {
        for (int column = 0; column < descriptor.columns().size(); column++) {
          String name = descriptor.columns().get(column).name();
          Object expected = snapshot.get(row)[column];
          Object actual = fromLog.get(row)[column];
          if (descriptor.columns().get(column).type().equals(DataType.JSON) && expected != null) {
            // MySQL renders stored JSON text; MariaDB keeps it as written: both are the same document.
            assertThat(((String) actual).replace(" ", "")).as(name).isEqualTo(((String) expected).replace(" ", ""));
          } else {
            assertThat(actual).as("row %d column %s", row + 1, name).isEqualTo(expected);
          }
        }
      }
    } finally {
      server.execute("SET GLOBAL time_zone = '+00:00'");
    }
  }
}
