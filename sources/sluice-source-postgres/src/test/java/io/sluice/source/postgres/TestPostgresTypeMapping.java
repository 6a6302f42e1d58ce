package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.source.postgres.PostgresColumnType.Kind;
import io.sluice.spi.DataType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TestPostgresTypeMapping {

  /** One row per PostgreSQL type: schema, typname, typtype, typmod, the DataType it maps to. */
  @ParameterizedTest(name = "{1}({3}) -> {4}")
  @CsvSource(delimiter = '|', textBlock = """
      pg_catalog | int2        | b | -1                        | int
      pg_catalog | int4        | b | -1                        | int
      pg_catalog | int8        | b | -1                        | long
      pg_catalog | float4      | b | -1                        | float
      pg_catalog | float8      | b | -1                        | double
      pg_catalog | numeric     | b | 786438                    | decimal(12,2)
      pg_catalog | numeric     | b | 2490372                   | decimal(38,0)
      pg_catalog | numeric     | b | 2490378                   | decimal(38,6)
      pg_catalog | numeric     | b | 2555908                   | string
      pg_catalog | numeric     | b | -1                        | string
      pg_catalog | numeric     | b | 198652                    | string
      pg_catalog | numeric     | b | 131081                    | string
      pg_catalog | money       | b | -1                        | decimal(19,2)
      pg_catalog | bool        | b | -1                        | boolean
      pg_catalog | text        | b | -1                        | string
      pg_catalog | varchar     | b | 24                        | string
      pg_catalog | bpchar      | b | 9                         | string
      pg_catalog | name        | b | -1                        | string
      public     | citext      | b | -1                        | string
      pg_catalog | date        | b | -1                        | date
      pg_catalog | time        | b | -1                        | time
      pg_catalog | timetz      | b | -1                        | time_tz
      pg_catalog | timestamp   | b | 3                         | timestamp
      pg_catalog | timestamptz | b | -1                        | timestamp_tz
      pg_catalog | uuid        | b | -1                        | uuid
      pg_catalog | bytea       | b | -1                        | binary
      pg_catalog | json        | b | -1                        | json
      pg_catalog | jsonb       | b | -1                        | json
      shop       | mood        | e | -1                        | string
      pg_catalog | interval    | b | -1                        | string
      pg_catalog | inet        | b | -1                        | string
      pg_catalog | cidr        | b | -1                        | string
      pg_catalog | macaddr     | b | -1                        | string
      pg_catalog | bit         | b | 4                         | string
      pg_catalog | varbit      | b | -1                        | string
      pg_catalog | xml         | b | -1                        | string
      pg_catalog | tsvector    | b | -1                        | string
      pg_catalog | point       | b | -1                        | string
      pg_catalog | int4range   | r | -1                        | string
      pg_catalog | char        | b | -1                        | string
      pg_catalog | oid         | b | -1                        | string
      public     | hstore      | b | -1                        | string
      public     | int4        | b | -1                        | string
      shop       | address     | c | -1                        | string
      """)
  void mapsEachType(String schema, String name, char typtype, int typmod, String expected) {
    Kind kind = PostgresTypeMapping.kindOf(schema, name, typtype, false);
    assertThat(PostgresTypeMapping.dataType(PostgresColumnType.scalar(name, kind, typmod)))
        .isEqualTo(DataType.parse(expected));
  }

  @Test
  void arraysMapToListsOfTheirElement() {
    PostgresColumnType numericArray = PostgresColumnType.array("_numeric",
        PostgresColumnType.scalar("numeric", Kind.NUMERIC, (10 << 16 | 3) + 4));
    assertThat(PostgresTypeMapping.dataType(numericArray)).isEqualTo(DataType.list(DataType.decimal(10, 3)));
    assertThat(PostgresTypeMapping.kindOf("pg_catalog", "_int4", 'b', true)).isEqualTo(Kind.ARRAY);
    PostgresColumnType inetArray = PostgresColumnType.array("_inet", PostgresColumnType.scalar("inet", Kind.OTHER, -1));
    assertThat(PostgresTypeMapping.dataType(inetArray)).isEqualTo(DataType.list(DataType.STRING));
  }

  @Test
  void decodesNumericModifiersIncludingNegativeScales() {
    assertThat(PostgresTypeMapping.numericPrecision((12 << 16 | 2) + 4)).isEqualTo(12);
    assertThat(PostgresTypeMapping.numericScale((12 << 16 | 2) + 4)).isEqualTo(2);
    // numeric(3,-2) as PostgreSQL 15 stores it: the scale in 11 bits, two's complement.
    int negativeScale = (3 << 16 | (-2 & 0x7ff)) + 4;
    assertThat(PostgresTypeMapping.numericPrecision(negativeScale)).isEqualTo(3);
    assertThat(PostgresTypeMapping.numericScale(negativeScale)).isEqualTo(-2);
    assertThat(PostgresTypeMapping.isDecimal(negativeScale)).isFalse();
    assertThat(PostgresTypeMapping.isDecimal((2 << 16 | 3) + 4)).as("scale above precision").isFalse();
    assertThat(PostgresTypeMapping.isDecimal(-1)).isFalse();
  }
}
