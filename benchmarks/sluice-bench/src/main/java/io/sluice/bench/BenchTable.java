package io.sluice.bench;

import io.sluice.testkit.PostgresServer;
import io.sluice.testkit.SampleDataset;

/**
 * The tables a full-load benchmark can run on, each generated server-side in PostgreSQL.
 *
 * <ul>
 *   <li>{@link #TRIPS}: what the benchmark is specified on, a taxi-trips table of 20 columns and about 150 bytes
 *       per row: bigint key, timestamps, small integers, doubles, exact amounts, a short string, a few NULLs.
 *   <li>{@link #NARROW}: four columns, about 60 bytes per row, where per-row costs dominate.
 *   <li>{@link #ALL_TYPES}: the demo's {@code demo.trips}, 20 columns that use every type family the source maps
 *       (arrays, jsonb, bytea, uuid, enums, multi-byte text): about 275 bytes per row and the costliest to convert.
 * </ul>
 */
enum BenchTable {
  TRIPS("bench", "trips", 20) {
    @Override
    void create(PostgresServer server, long rows) {
      recreateSchema(server);
      server.execute("""
          CREATE TABLE bench.trips (
            id                    bigint PRIMARY KEY,
            vendor_id             integer NOT NULL,
            pickup_at             timestamp NOT NULL,
            dropoff_at            timestamp NOT NULL,
            passenger_count       smallint,
            trip_distance         double precision,
            rate_code             smallint,
            store_and_forward     boolean,
            pickup_location       integer NOT NULL,
            dropoff_location      integer NOT NULL,
            payment_type          smallint,
            fare_amount           numeric(10,2) NOT NULL,
            extra                 numeric(10,2),
            mta_tax               numeric(10,2),
            tip_amount            numeric(10,2),
            tolls_amount          numeric(10,2),
            total_amount          numeric(10,2) NOT NULL,
            congestion_surcharge  numeric(10,2),
            pickup_zone           varchar(32),
            updated_at            timestamptz NOT NULL
          );
          INSERT INTO bench.trips
          SELECT g,
                 1 + g %% 4,
                 timestamp '2024-01-01' + make_interval(secs => g * 3.000117),
                 timestamp '2024-01-01' + make_interval(secs => g * 3.000117 + 300 + (g * 7) %% 2400),
                 CASE WHEN g %% 40 = 0 THEN NULL ELSE (1 + g %% 5)::smallint END,
                 ((g * 7919) %% 30000) / 1000.0,
                 (1 + g %% 6)::smallint,
                 CASE WHEN g %% 40 = 0 THEN NULL ELSE g %% 97 = 0 END,
                 1 + (g * 31) %% 263,
                 1 + (g * 17) %% 263,
                 (1 + g %% 4)::smallint,
                 round(((g * 7919) %% 9000) / 100.0 + 3, 2),
                 (g %% 3) * 0.5,
                 0.50,
                 CASE WHEN g %% 3 = 0 THEN 0 ELSE round(((g * 31) %% 2000) / 100.0, 2) END,
                 CASE WHEN g %% 20 = 0 THEN 6.55 ELSE 0 END,
                 round(((g * 7919) %% 9000) / 100.0 + 4.5, 2),
                 CASE WHEN g %% 10 = 0 THEN NULL ELSE 2.50 END,
                 'zone-' || (1 + (g * 31) %% 263),
                 timestamptz '2024-01-01 00:00:00+00' + make_interval(secs => g * 3.5)
          FROM generate_series(1::bigint, %d) AS g;
          """.formatted(rows));
    }
  },
  NARROW("bench", "narrow", 4) {
    @Override
    void create(PostgresServer server, long rows) {
      recreateSchema(server);
      server.execute("""
          CREATE TABLE bench.narrow (
            id          bigint PRIMARY KEY,
            account_id  integer NOT NULL,
            amount      numeric(12,2) NOT NULL,
            created_at  timestamptz NOT NULL
          );
          INSERT INTO bench.narrow
          SELECT g, 1 + (g * 31) %% 100000, round(((g * 7919) %% 1000000) / 100.0, 2),
                 timestamptz '2024-01-01 00:00:00+00' + make_interval(secs => g * 0.5)
          FROM generate_series(1::bigint, %d) AS g;
          """.formatted(rows));
    }
  },
  ALL_TYPES(SampleDataset.SCHEMA, "trips", 20) {
    @Override
    void create(PostgresServer server, long rows) {
      SampleDataset.create(server, rows);
    }
  };

  final String schema;
  final String table;
  final int columns;

  BenchTable(String schema, String table, int columns) {
    this.schema = schema;
    this.table = table;
    this.columns = columns;
  }

  private static void recreateSchema(PostgresServer server) {
    server.execute("DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench");
  }

  /** Creates and fills the table with {@code rows} rows (replacing its schema). */
  abstract void create(PostgresServer server, long rows);

  String qualifiedName() {
    return schema + "." + table;
  }

  /** The table spelled as {@link #toString()} says, e.g. {@code all-types}; fails naming the choices. */
  static BenchTable parse(String spelling) {
    for (BenchTable table : values()) {
      if (table.toString().equals(spelling)) {
        return table;
      }
    }
    throw new picocli.CommandLine.TypeConversionException("unknown table '" + spelling
        + "': expected trips, narrow or all-types");
  }

  /** The option's spelling: trips, narrow, all-types. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
