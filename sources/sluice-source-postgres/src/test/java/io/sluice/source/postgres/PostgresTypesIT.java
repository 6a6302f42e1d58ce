package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spi.Column;
import io.sluice.spi.DataType;
import io.sluice.spi.Source;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamSpec;
import io.sluice.testkit.PostgresServer;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every mapped PostgreSQL type, read through discovery, planning and binary COPY, compared value by value with the
 * Java object the type mapping promises: NULLs, extremes, special values, multi-byte text, arrays with NULL
 * elements, enums and domains.
 */
class PostgresTypesIT {
  private static final ZoneOffset UTC = ZoneOffset.UTC;
  private static PostgresServer server;
  private static Source source;
  private static StreamDescriptor stream;
  private static Map<Integer, Object[]> rowsById;
  private static Map<String, Integer> positions;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
    server.execute("""
        CREATE EXTENSION citext;
        CREATE EXTENSION hstore;
        CREATE SCHEMA types;
        CREATE TYPE types.mood AS ENUM ('sad', 'ok', 'happy 😀');
        CREATE DOMAIN types.price AS numeric(10,2) CHECK (VALUE >= 0);
        CREATE DOMAIN types.int_list AS int[];
        CREATE TABLE types.every_type (
          id int PRIMARY KEY,
          c_int2 smallint, c_int4 integer, c_int8 bigint, c_float4 real, c_float8 double precision,
          c_decimal numeric(38,10), c_numeric_small numeric(5,2), c_numeric_big numeric(50,5), c_numeric numeric,
          c_money money, c_bool boolean,
          c_text text, c_varchar varchar(20), c_bpchar char(5), c_name name, c_citext citext,
          c_date date, c_time time, c_timetz timetz, c_timestamp timestamp, c_timestamptz timestamptz,
          c_uuid uuid, c_bytea bytea, c_json json, c_jsonb jsonb,
          c_int_array int[], c_text_array text[], c_numeric_array numeric(6,2)[], c_timestamptz_array timestamptz[],
          c_date_array date[], c_uuid_array uuid[], c_bool_array boolean[], c_money_array money[],
          c_jsonb_array jsonb[], c_enum_array types.mood[], c_inet_array inet[],
          c_enum types.mood, c_domain types.price, c_domain_array types.int_list, c_array_of_domain types.price[],
          c_interval interval, c_inet inet, c_cidr cidr, c_macaddr macaddr, c_bit bit(4), c_varbit varbit,
          c_xml xml, c_tsvector tsvector, c_point point, c_int4range int4range, c_hstore hstore, c_char "char",
          c_oid oid
        );
        INSERT INTO types.every_type VALUES (1,
          42, 123456, 1234567890123, 1.5, 3.141592653589793,
          12345.6789, 3.14, 12345678901234567890123456789012345678901234.56789, 1.500,
          1234.56, true,
          'hello, world', 'Zürich', 'ab', 'a_name', 'MiXeD',
          '2024-02-29', '12:34:56.789012', '08:30:00+02', '2024-02-29 12:34:56.789012',
          '2024-02-29 12:34:56.789012+05:30',
          'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\xdeadbeef', '{"b": 1, "a": [1, 2.50, "x"]}',
          '{"b": 1, "a": [1, 2.50, "x"]}',
          '{1,NULL,3}', '{"a b","😀",NULL,""}', '{1.5,NULL,-2.25}',
          ARRAY['2024-01-01 00:00:00+00', 'infinity']::timestamptz[],
          '{2024-01-01,-infinity}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}', '{t,f,NULL}', '{1.23,NULL}',
          ARRAY['{"a":1}'::jsonb, NULL], '{sad,"happy 😀"}', '{10.0.0.1,::1/128}',
          'happy 😀', 19.99, '{7,8}', '{1.00,2.5}',
          '1 year 2 mons 3 days 04:05:06.789', '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', B'1010', B'101',
          '<a>ü</a>', 'a fat cat', '(1.5,-2)', '[1,10)', 'a=>1, "b c"=>NULL', 'x',
          12345);
        INSERT INTO types.every_type VALUES (2,
          32767, 2147483647, 9223372036854775807, 'NaN', 'Infinity',
          9999999999999999999999999999.9999999999, 999.99, 99999999999999999999999999999999999999999999.99999,
          0.00000000000000000001,
          92233720368547758.07, true,
          'emoji 😀🎉 and CJK 漢字かな 한국어', 'ü€😀', 'abcde', 'n', 'X',
          'infinity', '24:00:00', '23:59:59.999999-15:59', 'infinity', 'infinity',
          'ffffffff-ffff-ffff-ffff-ffffffffffff', '\\x00ff', '"😀"', '[]',
          '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}',
          'ok', 0, '{}', '{}',
          '-178000000 years', '::1', '::/0', 'ff:ff:ff:ff:ff:ff', B'0000', B'',
          '<empty/>', '', '(0,0)', 'empty', '', '\\001',
          4294967295);
        INSERT INTO types.every_type VALUES (3,
          -32768, -2147483648, -9223372036854775808, '-0', '-Infinity',
          -9999999999999999999999999999.9999999999, -999.99, -99999999999999999999999999999999999999999999.99999,
          -123456789012345678901234567890.123456789,
          -92233720368547758.08, false,
          '', '', '', '', '',
          '-infinity', '00:00:00', '00:00:00+00', '-infinity', '-infinity',
          '00000000-0000-0000-0000-000000000000', '', 'null', '{"k": "CJK 漢字", "n": null}',
          '{{1,2},{3,4}}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}',
          '{NULL}',
          'sad', 0.01, '{NULL}', '{NULL}',
          '-1 days', '0.0.0.0', '0.0.0.0/0', '00:00:00:00:00:00', B'1111', B'1',
          'text only', 'x', '(-1e+300,1e-300)', '(,)', 'k=>v', 'A',
          0);
        INSERT INTO types.every_type (id) VALUES (4);
        INSERT INTO types.every_type (id, c_float4, c_float8, c_decimal, c_numeric_small, c_numeric_big, c_numeric,
          c_money, c_text, c_date, c_timestamp, c_timestamptz, c_time)
        VALUES (5, '-Infinity', 'NaN', 0, 'NaN', 'NaN', 'Infinity',
          0, e'tab\\there "quotes" \\\\backslash\\nnew line', '4713-01-01 BC', '0044-03-15 10:00:00 BC',
          '1969-12-31 23:59:59.999999+00', '23:59:59.999999');
        """);
    source = PostgresSourceFixture.source(PostgresSourceFixture.config(server, "types"));
    stream = PostgresSourceFixture.stream(source.discover(), "types", "every_type");
    StreamSpec spec = PostgresSourceFixture.spec(stream);
    rowsById = new HashMap<>();
    for (Object[] row : PostgresSourceFixture.readAll(source, spec)) {
      rowsById.put((Integer) row[0], row);
    }
    positions = new HashMap<>();
    for (int i = 0; i < stream.columns().size(); i++) {
      positions.put(stream.columns().get(i).name(), i);
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    PostgresSourceFixture.close(source, server);
  }

  /** One row per source type: the DataType it maps to. */
  @Test
  void mapsEveryTypeToItsDataType() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("id", "int");
    expected.put("c_int2", "int");
    expected.put("c_int4", "int");
    expected.put("c_int8", "long");
    expected.put("c_float4", "float");
    expected.put("c_float8", "double");
    expected.put("c_decimal", "decimal(38,10)");
    expected.put("c_numeric_small", "decimal(5,2)");
    expected.put("c_numeric_big", "string");
    expected.put("c_numeric", "string");
    expected.put("c_money", "decimal(19,2)");
    expected.put("c_bool", "boolean");
    expected.put("c_text", "string");
    expected.put("c_varchar", "string");
    expected.put("c_bpchar", "string");
    expected.put("c_name", "string");
    expected.put("c_citext", "string");
    expected.put("c_date", "date");
    expected.put("c_time", "time");
    expected.put("c_timetz", "time_tz");
    expected.put("c_timestamp", "timestamp");
    expected.put("c_timestamptz", "timestamp_tz");
    expected.put("c_uuid", "uuid");
    expected.put("c_bytea", "binary");
    expected.put("c_json", "json");
    expected.put("c_jsonb", "json");
    expected.put("c_int_array", "list<int>");
    expected.put("c_text_array", "list<string>");
    expected.put("c_numeric_array", "list<decimal(6,2)>");
    expected.put("c_timestamptz_array", "list<timestamp_tz>");
    expected.put("c_date_array", "list<date>");
    expected.put("c_uuid_array", "list<uuid>");
    expected.put("c_bool_array", "list<boolean>");
    expected.put("c_money_array", "list<decimal(19,2)>");
    expected.put("c_jsonb_array", "list<json>");
    expected.put("c_enum_array", "list<string>");
    expected.put("c_inet_array", "list<string>");
    expected.put("c_enum", "string");
    expected.put("c_domain", "decimal(10,2)");
    expected.put("c_domain_array", "list<int>");
    expected.put("c_array_of_domain", "list<decimal(10,2)>");
    for (String other : List.of("c_interval", "c_inet", "c_cidr", "c_macaddr", "c_bit", "c_varbit", "c_xml",
        "c_tsvector", "c_point", "c_int4range", "c_hstore", "c_char", "c_oid")) {
      expected.put(other, "string");
    }
    Map<String, String> actual = new LinkedHashMap<>();
    for (Column column : stream.columns()) {
      actual.put(column.name(), column.type().toString());
    }
    assertThat(actual).containsExactlyEntriesOf(expected);
    assertThat(stream.columns().get(positions.get("c_decimal")).sourceType()).isEqualTo("numeric(38,10)");
    assertThat(stream.columns().get(positions.get("c_domain")).sourceType()).isEqualTo("types.price");
    assertThat(stream.columns().get(positions.get("c_int_array")).sourceType()).isEqualTo("integer[]");
  }

  @Test
  void everyValueHasTheClassItsKindFixes() {
    assertThat(rowsById).containsOnlyKeys(1, 2, 3, 4, 5);
    for (Object[] row : rowsById.values()) {
      for (int i = 0; i < row.length; i++) {
        assertClass(stream.columns().get(i).name(), stream.columns().get(i).type(), row[i]);
      }
    }
  }

  private static void assertClass(String column, DataType type, Object value) {
    if (value == null) {
      return;
    }
    Class<?> expected = switch (type.kind()) {
      case BOOLEAN -> Boolean.class;
      case INT -> Integer.class;
      case LONG -> Long.class;
      case FLOAT -> Float.class;
      case DOUBLE -> Double.class;
      case DECIMAL -> BigDecimal.class;
      case STRING, JSON -> String.class;
      case BINARY -> byte[].class;
      case UUID -> UUID.class;
      case DATE -> LocalDate.class;
      case TIME -> LocalTime.class;
      case TIME_TZ -> OffsetTime.class;
      case TIMESTAMP -> LocalDateTime.class;
      case TIMESTAMP_TZ -> OffsetDateTime.class;
      case LIST -> List.class;
    };
    assertThat(value).as(column).isInstanceOf(expected);
    if (type.kind() == DataType.Kind.DECIMAL) {
      assertThat(((BigDecimal) value).scale()).as(column + " scale").isEqualTo(type.scale());
    }
    if (type.kind() == DataType.Kind.TIMESTAMP_TZ) {
      assertThat(((OffsetDateTime) value).getOffset()).as(column + " offset").isEqualTo(UTC);
    }
    if (type.kind() == DataType.Kind.LIST) {
      for (Object element : (List<?>) value) {
        assertClass(column + " element", type.element(), element);
      }
    }
  }

  @Test
  void typicalValues() {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("c_int2", 42);
    expected.put("c_int4", 123456);
    expected.put("c_int8", 1234567890123L);
    expected.put("c_float4", 1.5f);
    expected.put("c_float8", 3.141592653589793);
    expected.put("c_decimal", new BigDecimal("12345.6789000000"));
    expected.put("c_numeric_small", new BigDecimal("3.14"));
    expected.put("c_numeric_big", "12345678901234567890123456789012345678901234.56789");
    expected.put("c_numeric", "1.500");
    expected.put("c_money", new BigDecimal("1234.56"));
    expected.put("c_bool", true);
    expected.put("c_text", "hello, world");
    expected.put("c_varchar", "Zürich");
    expected.put("c_bpchar", "ab   ");
    expected.put("c_name", "a_name");
    expected.put("c_citext", "MiXeD");
    expected.put("c_date", LocalDate.of(2024, 2, 29));
    expected.put("c_time", LocalTime.of(12, 34, 56, 789_012_000));
    expected.put("c_timetz", OffsetTime.of(8, 30, 0, 0, ZoneOffset.ofHours(2)));
    expected.put("c_timestamp", LocalDateTime.of(2024, 2, 29, 12, 34, 56, 789_012_000));
    expected.put("c_timestamptz", OffsetDateTime.of(2024, 2, 29, 7, 4, 56, 789_012_000, UTC));
    expected.put("c_uuid", UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
    expected.put("c_bytea", new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
    expected.put("c_json", "{\"b\": 1, \"a\": [1, 2.50, \"x\"]}");
    expected.put("c_jsonb", "{\"a\": [1, 2.50, \"x\"], \"b\": 1}");
    expected.put("c_int_array", Arrays.asList(1, null, 3));
    expected.put("c_text_array", Arrays.asList("a b", "😀", null, ""));
    expected.put("c_numeric_array", Arrays.asList(new BigDecimal("1.50"), null, new BigDecimal("-2.25")));
    expected.put("c_timestamptz_array", Arrays.asList(OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, UTC),
        OffsetDateTime.of(PostgresBinaryDecoders.TIMESTAMP_INFINITY, UTC)));
    expected.put("c_date_array", Arrays.asList(LocalDate.of(2024, 1, 1), LocalDate.of(1, 1, 1)));
    expected.put("c_uuid_array", Arrays.asList(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), null));
    expected.put("c_bool_array", Arrays.asList(true, false, null));
    expected.put("c_money_array", Arrays.asList(new BigDecimal("1.23"), null));
    expected.put("c_jsonb_array", Arrays.asList("{\"a\": 1}", null));
    expected.put("c_enum_array", Arrays.asList("sad", "happy 😀"));
    // The ::text cast, unlike psql, always shows an inet's prefix length.
    expected.put("c_inet_array", Arrays.asList("10.0.0.1/32", "::1/128"));
    expected.put("c_enum", "happy 😀");
    expected.put("c_domain", new BigDecimal("19.99"));
    expected.put("c_domain_array", Arrays.asList(7, 8));
    expected.put("c_array_of_domain", Arrays.asList(new BigDecimal("1.00"), new BigDecimal("2.50")));
    expected.put("c_interval", "1 year 2 mons 3 days 04:05:06.789");
    expected.put("c_inet", "192.168.0.1/24");
    expected.put("c_cidr", "10.0.0.0/8");
    expected.put("c_macaddr", "08:00:2b:01:02:03");
    expected.put("c_bit", "1010");
    expected.put("c_varbit", "101");
    expected.put("c_xml", "<a>ü</a>");
    expected.put("c_tsvector", "'a' 'cat' 'fat'");
    expected.put("c_point", "(1.5,-2)");
    expected.put("c_int4range", "[1,10)");
    expected.put("c_hstore", "\"a\"=>\"1\", \"b c\"=>NULL");
    expected.put("c_char", "x");
    expected.put("c_oid", "12345");
    assertRow(1, expected);
  }

  @Test
  void largestValuesAndPositiveSpecialValues() {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("c_int2", 32767);
    expected.put("c_int4", Integer.MAX_VALUE);
    expected.put("c_int8", Long.MAX_VALUE);
    expected.put("c_float4", Float.NaN);
    expected.put("c_float8", Double.POSITIVE_INFINITY);
    expected.put("c_decimal", new BigDecimal("9999999999999999999999999999.9999999999"));
    expected.put("c_numeric_small", new BigDecimal("999.99"));
    expected.put("c_numeric_big", "99999999999999999999999999999999999999999999.99999");
    expected.put("c_numeric", "0.00000000000000000001");
    expected.put("c_money", new BigDecimal("92233720368547758.07"));
    expected.put("c_text", "emoji 😀🎉 and CJK 漢字かな 한국어");
    expected.put("c_varchar", "ü€😀");
    expected.put("c_bpchar", "abcde");
    expected.put("c_date", PostgresBinaryDecoders.DATE_INFINITY);
    expected.put("c_time", LocalTime.of(23, 59, 59, 999_999_000));
    expected.put("c_timetz", OffsetTime.of(23, 59, 59, 999_999_000, ZoneOffset.ofHoursMinutes(-15, -59)));
    expected.put("c_timestamp", LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
    expected.put("c_timestamptz", OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000, UTC));
    expected.put("c_uuid", UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"));
    expected.put("c_bytea", new byte[] {0, (byte) 0xff});
    expected.put("c_json", "\"😀\"");
    expected.put("c_jsonb", "[]");
    for (String array : List.of("c_int_array", "c_text_array", "c_numeric_array", "c_timestamptz_array",
        "c_date_array", "c_uuid_array", "c_bool_array", "c_money_array", "c_jsonb_array", "c_enum_array",
        "c_inet_array", "c_domain_array", "c_array_of_domain")) {
      expected.put(array, List.of());
    }
    expected.put("c_domain", new BigDecimal("0.00"));
    expected.put("c_oid", "4294967295");
    assertRow(2, expected);
  }

  @Test
  void smallestValuesAndNegativeSpecialValues() {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("c_int2", -32768);
    expected.put("c_int4", Integer.MIN_VALUE);
    expected.put("c_int8", Long.MIN_VALUE);
    expected.put("c_float4", -0.0f);
    expected.put("c_float8", Double.NEGATIVE_INFINITY);
    expected.put("c_decimal", new BigDecimal("-9999999999999999999999999999.9999999999"));
    expected.put("c_numeric_small", new BigDecimal("-999.99"));
    expected.put("c_numeric_big", "-99999999999999999999999999999999999999999999.99999");
    expected.put("c_numeric", "-123456789012345678901234567890.123456789");
    expected.put("c_money", new BigDecimal("-92233720368547758.08"));
    expected.put("c_bool", false);
    expected.put("c_text", "");
    expected.put("c_bpchar", "     ");
    expected.put("c_date", LocalDate.of(1, 1, 1));
    expected.put("c_time", LocalTime.MIDNIGHT);
    expected.put("c_timetz", OffsetTime.of(0, 0, 0, 0, UTC));
    expected.put("c_timestamp", LocalDateTime.of(1, 1, 1, 0, 0));
    expected.put("c_timestamptz", OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, UTC));
    expected.put("c_uuid", new UUID(0, 0));
    expected.put("c_bytea", new byte[0]);
    expected.put("c_json", "null");
    expected.put("c_jsonb", "{\"k\": \"CJK 漢字\", \"n\": null}");
    expected.put("c_int_array", List.of(1, 2, 3, 4));
    for (String array : List.of("c_text_array", "c_numeric_array", "c_timestamptz_array", "c_date_array",
        "c_uuid_array", "c_bool_array", "c_money_array", "c_jsonb_array", "c_enum_array", "c_inet_array",
        "c_domain_array", "c_array_of_domain")) {
      expected.put(array, Arrays.asList((Object) null));
    }
    expected.put("c_enum", "sad");
    expected.put("c_domain", new BigDecimal("0.01"));
    expected.put("c_interval", "-1 days");
    expected.put("c_point", "(-1e+300,1e-300)");
    expected.put("c_int4range", "(,)");
    expected.put("c_oid", "0");
    // Only what differs from PostgreSQL's own rendering needs spelling out; the rest is checked against JDBC below.
    assertRow(3, expected);
  }

  @Test
  void nullsStayNull() {
    Object[] row = rowsById.get(4);
    assertThat(row[0]).isEqualTo(4);
    assertThat(Arrays.copyOfRange(row, 1, row.length)).containsOnlyNulls();
  }

  @Test
  void remainingSpecialValues() {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("c_float4", Float.NEGATIVE_INFINITY);
    expected.put("c_float8", Double.NaN);
    expected.put("c_decimal", new BigDecimal("0E-10"));
    expected.put("c_numeric_small", null); // NaN cannot be a decimal: read as NULL, counted in a WARN
    expected.put("c_numeric_big", "NaN");
    expected.put("c_numeric", "Infinity");
    expected.put("c_money", new BigDecimal("0.00"));
    expected.put("c_text", "tab\there \"quotes\" \\backslash\nnew line");
    expected.put("c_date", LocalDate.of(-4712, 1, 1));
    expected.put("c_timestamp", LocalDateTime.of(-43, 3, 15, 10, 0));
    expected.put("c_timestamptz", OffsetDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000, UTC));
    expected.put("c_time", LocalTime.of(23, 59, 59, 999_999_000));
    assertRow(5, expected);
  }

  /**
   * The string columns equal what JDBC reads: text-like columns as themselves (so char(n) keeps its padding),
   * all others through the {@code ::text} cast the reader uses.
   */
  @Test
  void stringColumnsEqualJdbcText() throws Exception {
    List<String> textLike = List.of("c_text", "c_varchar", "c_bpchar", "c_name", "c_citext", "c_enum");
    List<String> columns = new ArrayList<>();
    List<String> expressions = new ArrayList<>();
    for (Column column : stream.columns()) {
      if (column.type().equals(DataType.STRING) && !column.sourceType().startsWith("numeric")) {
        columns.add(column.name());
        expressions.add(textLike.contains(column.name()) ? column.name() : column.name() + "::text");
      }
    }
    assertThat(columns).hasSize(19);
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(
            "SELECT id, " + String.join(", ", expressions) + " FROM types.every_type")) {
      int rows = 0;
      while (result.next()) {
        rows++;
        Object[] row = rowsById.get(result.getInt(1));
        for (int i = 0; i < columns.size(); i++) {
          assertThat(row[positions.get(columns.get(i))]).as("row " + result.getInt(1) + " " + columns.get(i))
              .isEqualTo(result.getString(i + 2));
        }
      }
      assertThat(rows).isEqualTo(5);
    }
  }

  private static void assertRow(int id, Map<String, Object> expected) {
    Object[] row = rowsById.get(id);
    for (Map.Entry<String, Object> entry : expected.entrySet()) {
      assertThat(row[positions.get(entry.getKey())]).as("row " + id + " " + entry.getKey())
          .isEqualTo(entry.getValue());
    }
  }
}
