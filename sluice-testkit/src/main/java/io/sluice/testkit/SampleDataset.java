package io.sluice.testkit;

/**
 * The sample schema {@code demo}: three tables that together use every type the PostgreSQL source maps,
 * with NULLs, negative and extreme values and multi-byte text. Generated server-side with
 * {@code generate_series}, so a million rows take seconds. Used by {@code sluice demo} and by tests.
 *
 * <ul>
 *   <li>{@code demo.trips}: {@code tripRows} rows, bigint key (key-range chunks), ~20 columns of a taxi trip.
 *   <li>{@code demo.customers}: 10,000 rows, int key, text in many scripts, json, bytea, timetz, arrays.
 *   <li>{@code demo.events}: 50,000 rows, no primary key (CTID chunks).
 * </ul>
 */
public final class SampleDataset {
  public static final String SCHEMA = "demo";
  public static final int CUSTOMER_ROWS = 10_000;
  public static final int EVENT_ROWS = 50_000;

  private SampleDataset() {}

  /** Creates (or re-creates) the schema and fills it. */
  public static void create(PostgresServer server, long tripRows) {
    server.execute("""
        DROP SCHEMA IF EXISTS demo CASCADE;
        CREATE SCHEMA demo;
        CREATE TYPE demo.payment_type AS ENUM ('card', 'cash', 'voucher', 'disputed');
        CREATE DOMAIN demo.positive_amount AS numeric(10,2) CHECK (VALUE >= 0);

        CREATE TABLE demo.trips (
          id               bigint PRIMARY KEY,
          vendor_id        integer NOT NULL,
          passenger_count  smallint,
          pickup_at        timestamp NOT NULL,
          dropoff_at       timestamptz,
          pickup_date      date NOT NULL,
          pickup_time      time,
          distance_km      numeric(8,3),
          fare             demo.positive_amount,
          tip              double precision,
          rating           real,
          paid             boolean,
          payment          demo.payment_type,
          pickup_zone      varchar(64),
          dropoff_zone     text,
          trip_uuid        uuid NOT NULL,
          surcharges       numeric(6,2)[],
          tags             text[],
          meta             jsonb,
          raw_receipt      bytea
        );
        """);
    server.execute("""
        INSERT INTO demo.trips
        SELECT g,
               1 + g %% 7,
               CASE WHEN g %% 50 = 0 THEN NULL ELSE (g %% 6)::smallint END,
               timestamp '2024-01-01 00:00:00' + make_interval(secs => g * 13.000123),
               CASE WHEN g %% 97 = 0 THEN NULL
                    ELSE timestamptz '2024-01-01 00:10:00+00' + make_interval(secs => g * 13.5) END,
               date '2024-01-01' + (g %% 366)::int,
               CASE WHEN g %% 41 = 0 THEN NULL ELSE time '00:00:00' + make_interval(secs => (g::bigint * 7) %% 86400) END,
               CASE WHEN g %% 33 = 0 THEN NULL ELSE round(((g::bigint * 37) %% 100000) / 1000.0, 3) END,
               round(((g::bigint * 7919) %% 25000) / 100.0, 2),
               CASE WHEN g %% 11 = 0 THEN NULL ELSE ((g::bigint * 31) %% 2000) / 100.0 - 1.5 END,
               CASE WHEN g %% 13 = 0 THEN NULL ELSE ((g %% 50) / 10.0)::real END,
               CASE WHEN g %% 17 = 0 THEN NULL ELSE g %% 3 <> 0 END,
               (ARRAY['card','cash','voucher','disputed']::demo.payment_type[])[1 + g %% 4],
               'zone-' || (g %% 263),
               CASE WHEN g %% 19 = 0 THEN NULL ELSE (ARRAY['Zürich HB','東京駅','Gare du Nord','São Paulo','Київ','🚕 stand'])[1 + g %% 6] END,
               md5(g::text)::uuid,
               CASE WHEN g %% 5 = 0 THEN NULL ELSE ARRAY[round((g %% 300) / 100.0, 2), NULL, 0.50]::numeric(6,2)[] END,
               CASE WHEN g %% 4 = 0 THEN ARRAY[]::text[] ELSE ARRAY['t' || (g %% 10), 'airport'] END,
               CASE WHEN g %% 23 = 0 THEN NULL ELSE jsonb_build_object('driver', g %% 1000, 'surge', (g %% 3) = 0) END,
               CASE WHEN g %% 3 = 0 THEN NULL ELSE int8send(g) END
        FROM generate_series(1, %d) AS g;
        """.formatted(tripRows));
    server.execute("""
        CREATE TABLE demo.customers (
          id            integer PRIMARY KEY,
          name          text NOT NULL,
          email         varchar(320),
          country_code  char(2),
          created_at    timestamptz NOT NULL,
          birthday      date,
          balance       numeric(38,10),
          lifetime_cost numeric,
          credit_limit  bigint,
          preferences   json,
          avatar        bytea,
          call_window   timetz,
          scores        integer[],
          active        boolean NOT NULL DEFAULT true
        );
        INSERT INTO demo.customers
        SELECT g,
               (ARRAY['Ada Lovelace','Zoë Ñúñez','李小龍','Владимир','محمد','O''Brien "Quoted"','😀 Emoji Person'])[1 + g %% 7] || ' #' || g,
               CASE WHEN g %% 10 = 0 THEN NULL ELSE 'user' || g || '@example.com' END,
               (ARRAY['CH','JP','FR','BR','UA','US'])[1 + g %% 6],
               timestamptz '2020-02-29 23:59:59.999999+00' + make_interval(hours => g),
               CASE WHEN g %% 9 = 0 THEN NULL ELSE date '1950-01-01' + ((g * 3) %% 20000) END,
               CASE g %% 1000 WHEN 1 THEN 9999999999999999999999999999.9999999999
                             WHEN 2 THEN -9999999999999999999999999999.9999999999
                             ELSE (g * 1.0000000001)::numeric(38,10) END,
               CASE WHEN g %% 2 = 0 THEN NULL ELSE (g::numeric ^ 3) / 7 END,
               CASE g %% 1000 WHEN 3 THEN 9223372036854775807 WHEN 4 THEN -9223372036854775808 ELSE g * 1000 END,
               json_build_object('newsletter', g %% 2 = 0, 'lang', (ARRAY['en','de','ja'])[1 + g %% 3]),
               CASE WHEN g %% 4 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') END,
               CASE WHEN g %% 8 = 0 THEN NULL ELSE time with time zone '08:30:00+02' + make_interval(mins => g %% 600) END,
               CASE WHEN g %% 6 = 0 THEN NULL ELSE ARRAY[g %% 10, g %% 100, NULL] END,
               g %% 5 <> 0
        FROM generate_series(1, %d) AS g;
        """.formatted(CUSTOMER_ROWS));
    server.execute("""
        CREATE TABLE demo.events (
          occurred_at  timestamptz NOT NULL,
          customer_id  integer,
          kind         text NOT NULL,
          amount       numeric(12,4),
          score        double precision,
          payload      jsonb
        );
        INSERT INTO demo.events
        SELECT timestamptz '2024-06-01 00:00:00+00' + make_interval(secs => g),
               1 + g %% 10000,
               (ARRAY['login','purchase','logout','refund'])[1 + g %% 4],
               CASE WHEN g %% 4 = 1 THEN round((g %% 10000) / 3.0, 4) WHEN g %% 4 = 3 THEN -round((g %% 500) / 7.0, 4) END,
               CASE g %% 1000 WHEN 0 THEN 'NaN'::float8 WHEN 1 THEN 'Infinity'::float8 WHEN 2 THEN '-Infinity'::float8
                    ELSE sqrt(g) END,
               jsonb_build_object('seq', g, 'note', 'événement ' || g)
        FROM generate_series(1, %d) AS g;
        ANALYZE demo.trips; ANALYZE demo.customers; ANALYZE demo.events;
        """.formatted(EVENT_ROWS));
  }
}
